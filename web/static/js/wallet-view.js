// One wallet: its figures, a balance chart, and its transactions paged with cursors, all live;
// an HD wallet also shows its descriptor, where to pay it, and its addresses.

import { AddressesList } from "./addresses-view.js";
import { chainBadge, explorerName, loadChains, transactionUrl } from "./chains.js";
import { balanceChart } from "./chart.js";
import { h, replaceChildren, showMessage } from "./dom.js";
import { formatCount, formatTime, isoUtc, shorten } from "./format.js";
import { qrCode } from "./qr-code.js";
import { BALANCE_HISTORY, TRANSACTIONS, WALLET, WALLET_PAGE_UPDATES } from "./queries.js";
import { explorerLink, hdBadge, walletName } from "./wallets-view.js";
import {
  amount,
  copyControl,
  JobProgress,
  isRunning,
  statusBadge,
  syncNow,
  syncedAt,
} from "./widgets.js";

const PAGE_SIZE = 25;
// Many updates arrive while a sync runs: re-read the page and chart at most this often.
const REFRESH_DELAY_MS = 500;
const DAY_MS = 86_400_000;
const INTERVALS = {
  MONTH: { text: "Monthly, all time", name: "month", days: null },
  WEEK: { text: "Weekly, last 2 years", name: "week", days: 730 },
  DAY: { text: "Daily, last 90 days", name: "day", days: 90 },
};
const DIRECTIONS = { "": "All", RECEIVED: "Received", SENT: "Sent", SELF: "Self" };

export class WalletView {
  /** `chain` null: the address on the chain the server assumes when none is named. */
  constructor(api, root, address, chain) {
    this.api = api;
    this.root = root;
    this.address = address;
    this.chain = chain;
    this.chains = null;
    this.wallet = null;
    this.closed = false;
    this.unsubscribe = null;
    this.refreshTimer = null;
    this.page = { args: { first: PAGE_SIZE }, start: 0, filter: {} };
    this.interval = "MONTH";
  }

  open() {
    this.heading = h("h1", { tabindex: "-1" }, shorten(this.address));
    this.addressLine = h("p", { class: "wallet-meta" }, h("span", { class: "full-address" }, this.address));
    this.figures = h("dl", { class: "figures" });
    this.message = h("p", { class: "status-message", role: "status" });
    this.progress = new JobProgress(this.api, "Sync progress", { onEnd: () => this.refreshSoon() });
    this.syncButton = h("button", { type: "button", onClick: () => this.sync() }, "Sync now");
    this.chartHolder = h("div", { class: "chart-holder", "aria-live": "polite" });
    this.transactionsBody = h("tbody");
    this.transactionsTable = h(
      "table",
      { class: "transactions-table" },
      h("caption", { class: "visually-hidden" }, "Transactions, newest first"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Transaction"),
          h("th", { scope: "col" }, "Time (UTC)"),
          h("th", { scope: "col", class: "amount" }, "Amount"),
          h("th", { scope: "col", class: "number" }, "Confirmations"),
        ),
      ),
      this.transactionsBody,
    );
    this.noTransactions = h("p", { class: "empty", hidden: true });
    this.pageText = h("p", { class: "page-text", "aria-live": "polite" });
    this.newerButton = h("button", { type: "button", class: "secondary", onClick: () => this.newer() }, "← Newer");
    this.olderButton = h("button", { type: "button", class: "secondary", onClick: () => this.older() }, "Older →");
    this.filterError = h("p", { class: "field-error", role: "alert" });
    this.hdPanel = h("section", { class: "panel hd-panel", "aria-labelledby": "hd-heading", hidden: true });
    this.addresses = new AddressesList(this.api, () => this.walletRef);
    this.transactionsPanel = h(
      "section",
      { class: "panel", id: "transactions-panel", "aria-labelledby": "transactions-heading" },
      h("h2", { id: "transactions-heading" }, "Transactions"),
      this.filterForm(),
      this.filterError,
      h("div", { class: "table-scroll" }, this.transactionsTable),
      this.noTransactions,
      h("div", { class: "pager" }, this.newerButton, this.pageText, this.olderButton),
    );
    this.addressesPanel = h(
      "section",
      { class: "panel", id: "addresses-panel", "aria-labelledby": "addresses-heading", hidden: true },
      h("h2", { id: "addresses-heading" }, "Addresses"),
      this.addresses.element,
    );
    this.tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Wallet details", hidden: true });
    replaceChildren(
      this.root,
      h("p", { class: "back" }, h("a", { href: "#/" }, "← All wallets")),
      this.heading,
      this.addressLine,
      h(
        "section",
        { class: "panel summary", "aria-label": "Summary" },
        this.figures,
        h("div", { class: "summary-actions" }, this.syncButton, this.progress.element),
        this.message,
      ),
      this.hdPanel,
      h(
        "section",
        { class: "panel", "aria-labelledby": "chart-heading" },
        h(
          "div",
          { class: "section-head" },
          h("h2", { id: "chart-heading" }, "Balance over time"),
          h(
            "label",
            { class: "inline-field" },
            "Interval ",
            h(
              "select",
              { id: "chart-interval", onChange: (event) => this.changeInterval(event.target.value) },
              Object.entries(INTERVALS).map(([value, interval]) =>
                h("option", { value, selected: value === this.interval }, interval.text),
              ),
            ),
          ),
        ),
        this.chartHolder,
      ),
      this.tabs,
      this.transactionsPanel,
    );
    this.loadSummary();
  }

  close() {
    this.closed = true;
    clearTimeout(this.refreshTimer);
    this.unsubscribe?.();
    this.progress.stop();
  }

  /** The variables naming this wallet in every request. */
  get walletRef() {
    return { address: this.address, chain: this.chain };
  }

  async loadSummary() {
    let wallet;
    try {
      let answer;
      [this.chains, answer] = await Promise.all([
        loadChains(this.api),
        this.api.request(WALLET, this.walletRef),
      ]);
      wallet = answer.wallet;
    } catch (error) {
      this.say(`Could not load this wallet: ${error.message}`, true);
      return;
    }
    if (this.closed) return;
    if (!wallet) {
      replaceChildren(
        this.root,
        h("p", { class: "back" }, h("a", { href: "#/" }, "← All wallets")),
        h("h1", {}, "Wallet not found"),
        h(
          "p",
          {},
          `You do not track ${this.address}`,
          this.chain ? ` on ${this.chains.name(this.chain)}.` : ".",
        ),
      );
      return;
    }
    this.chain = wallet.chain;
    this.unit = this.chains.get(wallet.chain);
    this.show(wallet);
    if (wallet.kind === "HD") this.showTabs();
    this.unsubscribe = this.api.subscribe(WALLET_PAGE_UPDATES, this.walletRef, {
      next: (data) => this.onUpdate(data.walletUpdates),
      error: (error) => this.say(`Live updates stopped: ${error.message}`, true),
    });
    this.loadTransactions();
    this.loadChart();
  }

  show(wallet) {
    this.wallet = wallet;
    replaceChildren(this.heading, walletName(wallet));
    document.title = `${walletName(wallet)} · wallet-tracker`;
    const explorer = explorerName(wallet.chain);
    replaceChildren(
      this.addressLine,
      chainBadge(this.unit),
      hdBadge(wallet),
      h("span", { class: "full-address" }, wallet.address),
      explorerLink(wallet, `View on ${explorer} ↗`),
    );
    const figure = (term, ...value) =>
      h("div", { class: "figure" }, h("dt", {}, term), h("dd", {}, ...value));
    const unit = this.unit;
    replaceChildren(
      this.figures,
      figure("Balance", amount(wallet.balance, unit, { tag: "strong", class: "amount", id: "wallet-balance" })),
      figure("Confirmed", amount(wallet.confirmedBalance, unit, { class: "amount" })),
      figure("Unconfirmed", amount(wallet.unconfirmedBalance, unit, { class: "amount" })),
      figure("Transactions", formatCount(wallet.transactionCount)),
      figure(
        "Status",
        statusBadge(wallet.syncStatus),
        wallet.syncStatus === "ERROR" ? h("span", { class: "sync-error" }, wallet.lastSyncError) : null,
      ),
      figure("Last synced", syncedAt(wallet.lastSyncedAt)),
    );
    if (wallet.kind === "HD") this.showHd(wallet);
    if (isRunning(wallet.latestJob)) this.progress.watch(wallet.latestJob);
  }

  // HD wallets

  /** The descriptor, the gap limit and the receive address with its QR code. */
  showHd(wallet) {
    if (this.shownHd?.descriptor === wallet.descriptor && this.shownHd?.receiveAddress === wallet.receiveAddress) {
      return; // Unchanged: a re-drawn panel would lose a selection or a "Copied" note.
    }
    this.shownHd = wallet;
    const descriptor = h("code", { id: "wallet-descriptor", class: "selectable" }, wallet.descriptor ?? "");
    const receive = wallet.receiveAddress;
    const receiveText = h("code", { id: "receive-address", class: "selectable" }, receive ?? "");
    this.hdPanel.hidden = false;
    replaceChildren(
      this.hdPanel,
      h("h2", { id: "hd-heading" }, "HD wallet"),
      h(
        "div",
        { class: "hd-grid" },
        h(
          "div",
          { class: "receive" },
          h("h3", {}, "Receive address"),
          receive
            ? [
                h("p", { class: "copy-line" }, receiveText, copyControl(receiveText, "receive address")),
                h("div", { class: "qr-holder" }, qrCode(receive, `QR code of the receive address ${receive}`)),
              ]
            : h("p", { class: "muted" }, "Known after the first sync."),
        ),
        h(
          "div",
          { class: "descriptor-block" },
          h("h3", {}, "Descriptor"),
          h("p", { class: "copy-line" }, descriptor, copyControl(descriptor, "descriptor")),
          h(
            "p",
            { class: "muted" },
            `Receive and change addresses, watched up to ${formatCount(wallet.gapLimit ?? 0)} unused in a row (gap limit).`,
          ),
        ),
      ),
    );
  }

  showTabs() {
    const tab = (id, text, panel) =>
      h(
        "button",
        {
          type: "button",
          role: "tab",
          id,
          "aria-controls": panel.id,
          onClick: () => this.selectTab(id),
          onKeydown: (event) => this.moveTab(event),
        },
        text,
      );
    this.tabButtons = [
      tab("transactions-tab", "Transactions", this.transactionsPanel),
      tab("addresses-tab", "Addresses", this.addressesPanel),
    ];
    replaceChildren(this.tabs, this.tabButtons);
    this.transactionsPanel.after(this.addressesPanel);
    for (const [button, panel] of [
      [this.tabButtons[0], this.transactionsPanel],
      [this.tabButtons[1], this.addressesPanel],
    ]) {
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", button.id);
    }
    this.tabs.hidden = false;
    this.selectTab("transactions-tab");
  }

  selectTab(id) {
    for (const button of this.tabButtons) {
      const selected = button.id === id;
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected ? 0 : -1;
      document.getElementById(button.getAttribute("aria-controls")).hidden = !selected;
    }
    if (id === "addresses-tab" && !this.addressesLoaded) {
      this.addressesLoaded = true;
      this.addresses.unit = this.unit;
      this.addresses.load();
    }
  }

  /** Arrow keys, Home and End move between the tabs (the WAI-ARIA tabs pattern). */
  moveTab(event) {
    const index = this.tabButtons.indexOf(event.currentTarget);
    const last = this.tabButtons.length - 1;
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = this.tabButtons[(next + last + 1) % (last + 1)];
    this.selectTab(target.id);
    target.focus();
  }

  onUpdate(wallet) {
    const before = this.wallet;
    this.show(wallet);
    const changed =
      !before ||
      before.balance !== wallet.balance ||
      before.transactionCount !== wallet.transactionCount ||
      before.syncStatus !== wallet.syncStatus ||
      before.lastSyncedAt !== wallet.lastSyncedAt;
    if (changed) this.refreshSoon();
  }

  refreshSoon() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      if (this.closed) return;
      this.loadTransactions();
      this.loadChart();
      if (this.addressesLoaded) this.addresses.load();
    }, REFRESH_DELAY_MS);
  }

  say(message, isError = false) {
    showMessage(this.message, message, isError);
  }

  sync() {
    return syncNow(this, this.walletRef);
  }

  // Transactions

  filterForm() {
    const direction = h(
      "select",
      { id: "filter-direction", name: "direction" },
      Object.entries(DIRECTIONS).map(([value, text]) => h("option", { value }, text)),
    );
    const since = h("input", { id: "filter-since", name: "since", type: "date" });
    const until = h("input", { id: "filter-until", name: "until", type: "date" });
    const field = (id, text, input) => h("div", { class: "field" }, h("label", { for: id }, text), input);
    return h(
      "form",
      {
        class: "filter-form",
        onSubmit: (event) => {
          event.preventDefault();
          this.applyFilter(direction.value, since.value, until.value, [since, until]);
        },
        onReset: () => {
          setTimeout(() => this.applyFilter("", "", "", [since, until]));
        },
      },
      field("filter-direction", "Direction", direction),
      field("filter-since", "From (UTC)", since),
      field("filter-until", "To (UTC, inclusive)", until),
      h("div", { class: "filter-buttons" },
        h("button", { type: "submit" }, "Apply"),
        h("button", { type: "reset", class: "secondary" }, "Clear"),
      ),
    );
  }

  applyFilter(direction, since, until, dateInputs) {
    for (const input of dateInputs) input.removeAttribute("aria-invalid");
    replaceChildren(this.filterError, "");
    if (since && until && since > until) {
      replaceChildren(this.filterError, "The “From” date must not be after the “To” date.");
      dateInputs[0].setAttribute("aria-invalid", "true");
      dateInputs[0].focus();
      return;
    }
    const filter = {};
    if (direction) filter.direction = direction;
    if (since) filter.since = `${since}T00:00:00+00:00`;
    if (until) {
      // The API's `until` is exclusive: the day after the chosen one.
      filter.until = isoUtc(new Date(Date.parse(`${until}T00:00:00Z`) + DAY_MS));
    }
    this.page = { args: { first: PAGE_SIZE }, start: 0, filter };
    this.loadTransactions();
  }

  older() {
    const info = this.page.pageInfo;
    if (!info?.endCursor) return;
    this.page = {
      ...this.page,
      args: { first: PAGE_SIZE, after: info.endCursor },
      start: this.page.start + this.page.count,
    };
    this.loadTransactions();
  }

  newer() {
    const info = this.page.pageInfo;
    const start = Math.max(0, this.page.start - PAGE_SIZE);
    const args = start === 0 || !info?.startCursor
      ? { first: PAGE_SIZE }
      : { last: PAGE_SIZE, before: info.startCursor };
    this.page = { ...this.page, args, start };
    this.loadTransactions();
  }

  async loadTransactions() {
    const page = this.page;
    let connection;
    try {
      const data = await this.api.request(TRANSACTIONS, {
        ...this.walletRef,
        filter: page.filter,
        ...page.args,
      });
      connection = data.wallet?.transactions;
    } catch (error) {
      replaceChildren(this.filterError, `Could not load transactions: ${error.message}`);
      return;
    }
    if (this.closed || page !== this.page || !connection) return;
    replaceChildren(this.filterError, "");
    const nodes = connection.edges.map((edge) => edge.node);
    page.count = nodes.length;
    page.total = connection.totalCount;
    page.pageInfo = connection.pageInfo;
    replaceChildren(
      this.transactionsBody,
      nodes.map((transaction) => transactionRow(transaction, this.unit)),
    );
    this.transactionsTable.hidden = nodes.length === 0;
    this.noTransactions.hidden = nodes.length > 0;
    replaceChildren(
      this.noTransactions,
      Object.keys(page.filter).length ? "No transactions match the filter." : "No transactions yet.",
    );
    replaceChildren(
      this.pageText,
      nodes.length
        ? `${formatCount(page.start + 1)}–${formatCount(page.start + nodes.length)} of ${formatCount(page.total)}`
        : "",
    );
    const forward = "first" in page.args;
    this.newerButton.disabled = page.start === 0 && (forward || !connection.pageInfo.hasPreviousPage);
    this.olderButton.disabled = forward
      ? !connection.pageInfo.hasNextPage
      : page.start + nodes.length >= page.total;
  }

  // Chart

  changeInterval(interval) {
    this.interval = interval;
    this.loadChart();
  }

  async loadChart() {
    const interval = this.interval;
    const { days, name } = INTERVALS[interval];
    const since = days === null ? null : isoUtc(new Date(Date.now() - days * DAY_MS));
    let points;
    try {
      const data = await this.api.request(BALANCE_HISTORY, { ...this.walletRef, interval, since });
      points = data.wallet?.balanceHistory ?? [];
    } catch (error) {
      if (this.closed || interval !== this.interval) return;
      replaceChildren(this.chartHolder, chartUnavailable(error));
      return;
    }
    if (this.closed || interval !== this.interval) return;
    replaceChildren(
      this.chartHolder,
      points.length ? balanceChart(points, name, this.unit) : h("p", { class: "empty" }, "No balance history yet."),
    );
  }
}

function chartUnavailable(error) {
  const reason = /Cannot query field .balanceHistory./.test(error.message)
    ? "this server does not report balance history yet."
    : error.message;
  return h("p", { class: "chart-unavailable", role: "note" }, `Chart unavailable: ${reason}`);
}

function transactionRow(transaction, unit) {
  const unconfirmed = transaction.blockHeight === null;
  const change = BigInt(transaction.amount);
  const url = transactionUrl(unit.chain, transaction.txid);
  const txid = shorten(transaction.txid, 8);
  return h(
    "tr",
    { class: unconfirmed ? "unconfirmed" : null, "data-txid": transaction.txid },
    h(
      "td",
      { "data-label": "Transaction" },
      url
        ? h(
            "a",
            {
              class: "txid",
              href: url,
              target: "_blank",
              rel: "noopener noreferrer",
              title: transaction.txid,
              "aria-label": `Transaction ${transaction.txid} on ${explorerName(unit.chain)} (opens in a new tab)`,
            },
            txid,
          )
        : h("span", { class: "txid", title: transaction.txid }, txid),
      transaction.failed
        ? [" ", h("span", { class: "badge badge-failed", title: "Failed on chain: only its fee moved" }, "Failed")]
        : null,
    ),
    h("td", { "data-label": "Time (UTC)" }, formatTime(transaction.timestamp).replace(" UTC", "")),
    h(
      "td",
      { class: `amount ${change > 0n ? "positive" : change < 0n ? "negative" : ""}`, "data-label": "Amount" },
      amount(transaction.amount, unit, { signed: true }),
      transaction.fee !== null && transaction.fee !== undefined
        ? h("span", { class: "fee" }, "fee ", amount(transaction.fee, unit))
        : null,
    ),
    h(
      "td",
      { class: "number", "data-label": "Confirmations" },
      unconfirmed
        ? h("span", { class: "badge badge-unconfirmed" }, "Unconfirmed")
        : [
            formatCount(transaction.confirmations),
            h("span", { class: "narrow-only" }, transaction.confirmations === 1 ? " confirmation" : " confirmations"),
          ],
    ),
  );
}
