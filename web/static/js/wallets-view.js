// The wallet list: add, relabel, sync and remove wallets; balances and syncs update live.

import { addressHint, addressUrl, chainBadge, explorerName, loadChains } from "./chains.js";
import { h, replaceChildren, showMessage } from "./dom.js";
import { describeAmount, formatAmount, formatFiat, formatTime, shorten } from "./format.js";
import { GAP_LIMIT, hasHdWallets, inputKind, scriptChoices } from "./hd-input.js";
import {
  ADD_WALLET,
  REMOVE_WALLET,
  TOTALS,
  UPDATE_WALLET,
  WALLET,
  WALLET_UPDATES,
  WALLETS,
} from "./queries.js";
import {
  amount,
  askToConfirm,
  isRunning,
  JobProgress,
  statusBadge,
  syncNow,
  syncedAt,
} from "./widgets.js";

// Each live wallet is one subscription, and subscriptions count against the rate limit: the
// newest wallets update live, and the whole list is re-read now and then when there are more.
const LIVE_WALLETS = 25;
const RELOAD_MS = 60_000;
const AGE_REFRESH_MS = 30_000;
// Updates come in bursts while syncs run: re-read the totals at most this often.
const TOTALS_DELAY_MS = 300;

export function walletName(wallet) {
  return wallet.label || shorten(wallet.address);
}

/** The same address string may be tracked on several chains: a wallet is both. */
function walletKey(wallet) {
  return `${wallet.chain}:${wallet.address}`;
}

/** "#/wallet/litecoin/ltc1q…": the wallet's page. */
export function walletHref(wallet) {
  return `#/wallet/${wallet.chain.toLowerCase()}/${encodeURIComponent(wallet.address)}`;
}

/** A small "HD" badge for a wallet of many derived addresses; null for one address. */
export function hdBadge(wallet) {
  if (wallet.kind !== "HD") return null;
  return h(
    "span",
    { class: "badge badge-hd", title: "HD wallet: every address derived from one extended key" },
    "HD",
  );
}

/** The link to a wallet's address in its chain's explorer; none for HD wallets. */
export function explorerLink(wallet, text) {
  const url = wallet.kind === "HD" ? null : addressUrl(wallet.chain, wallet.address);
  if (!url) return null;
  return h(
    "a",
    {
      class: "explorer-link",
      href: url,
      target: "_blank",
      rel: "noopener noreferrer",
      title: wallet.address,
      "aria-label": `${wallet.address} on ${explorerName(wallet.chain)} (opens in a new tab)`,
    },
    text,
  );
}

export class WalletsView {
  constructor(api, root) {
    this.api = api;
    this.root = root;
    this.rows = new Map();
    this.timers = [];
    this.closed = false;
    this.chains = null;
    this.totalsTimer = null;
    this.totalsAsked = 0;
  }

  open() {
    this.chainSelect = h("select", {
      id: "add-chain",
      name: "chain",
      disabled: true,
      onChange: () => this.showAddressFormat(),
    });
    this.addressLabel = h("label", { for: "add-address" }, "Address");
    this.addressHint = h("p", { id: "add-address-hint", class: "field-hint" });
    this.addressInput = h("input", {
      id: "add-address",
      name: "address",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": "add-address-hint add-hd-hint add-error",
      onInput: () => this.showHdFields(),
    });
    this.hdHint = h("p", { id: "add-hd-hint", class: "field-hint" });
    this.scriptSelect = h("select", {
      id: "add-script",
      name: "scriptType",
      "aria-describedby": "add-script-error",
    });
    this.scriptError = h("p", { id: "add-script-error", class: "field-error", role: "alert" });
    this.scriptField = h(
      "div",
      { class: "field script-field", hidden: true },
      h("label", { for: "add-script" }, "Script type"),
      this.scriptSelect,
      this.scriptError,
    );
    this.gapInput = h("input", {
      id: "add-gap",
      name: "gapLimit",
      type: "number",
      inputmode: "numeric",
      min: String(GAP_LIMIT.min),
      max: String(GAP_LIMIT.max),
      step: "1",
      placeholder: String(GAP_LIMIT.default),
      "aria-describedby": "add-gap-hint add-gap-error",
    });
    this.gapError = h("p", { id: "add-gap-error", class: "field-error", role: "alert" });
    this.hdFields = h(
      "div",
      { class: "add-fields hd-fields", hidden: true },
      this.scriptField,
      h(
        "div",
        { class: "field gap-field" },
        h("label", { for: "add-gap" }, "Gap limit (optional)"),
        this.gapInput,
        h(
          "p",
          { id: "add-gap-hint", class: "field-hint" },
          `Unused addresses in a row that end a scan: ${GAP_LIMIT.min}–${GAP_LIMIT.max}, ` +
            `${GAP_LIMIT.default} when empty`,
        ),
        this.gapError,
      ),
    );
    this.labelInput = h("input", {
      id: "add-label",
      name: "label",
      autocomplete: "off",
      placeholder: "optional",
      "aria-describedby": "add-error",
    });
    this.addButton = h("button", { type: "submit" }, "Add wallet");
    this.addError = h("p", { id: "add-error", class: "field-error", role: "alert" });
    this.status = h("p", { class: "status-message", role: "status" });
    this.tableBody = h("tbody");
    this.totals = h("tfoot");
    this.empty = h(
      "p",
      { class: "empty", hidden: true },
      "No wallets yet: add an address above to start tracking it.",
    );
    this.heading = h("h1", { tabindex: "-1" }, "Wallets");
    this.table = h(
      "table",
      { class: "wallet-table", hidden: true },
      h("caption", { class: "visually-hidden" }, "Your wallets"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Wallet"),
          h("th", { scope: "col", class: "amount" }, "Balance"),
          h("th", { scope: "col" }, "Status"),
          h("th", { scope: "col" }, "Last synced"),
          h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")),
        ),
      ),
      this.tableBody,
      this.totals,
    );
    replaceChildren(
      this.root,
      this.heading,
      h(
        "form",
        { class: "panel add-form", novalidate: true, onSubmit: (event) => this.add(event) },
        h("h2", {}, "Add a wallet"),
        h(
          "div",
          { class: "add-fields" },
          h("div", { class: "field" }, h("label", { for: "add-chain" }, "Chain"), this.chainSelect),
          h("div", { class: "field grow" }, this.addressLabel, this.addressInput),
          h("div", { class: "field label-field" }, h("label", { for: "add-label" }, "Label"), this.labelInput),
          this.addButton,
          this.addressHint,
          this.hdHint,
        ),
        this.hdFields,
        this.addError,
      ),
      this.status,
      h("section", { class: "panel", "aria-labelledby": "list-heading" },
        h("h2", { id: "list-heading", class: "visually-hidden" }, "Your wallets"),
        this.table,
        this.empty,
      ),
    );
    this.timers.push(setInterval(() => this.refreshAges(), AGE_REFRESH_MS));
    this.load();
  }

  close() {
    this.closed = true;
    clearTimeout(this.totalsTimer);
    for (const timer of this.timers) clearInterval(timer);
    for (const row of this.rows.values()) row.stop();
    this.rows.clear();
  }

  async load() {
    let wallets;
    try {
      [this.chains, wallets] = await Promise.all([loadChains(this.api), this.readAll()]);
    } catch (error) {
      if (!this.closed && this.rows.size === 0) {
        // Connection problems are explained in the banner above the page.
        const detail = error.kind === "graphql" || error.kind === "server" ? `: ${error.message}` : ".";
        this.empty.hidden = false;
        replaceChildren(this.empty, `Your wallets could not be loaded${detail}`);
      }
      return;
    }
    if (this.closed) return;
    this.showChainPicker();
    const seen = new Set();
    this.loading = true;
    wallets.forEach((wallet, index) => {
      seen.add(walletKey(wallet));
      const row = this.rows.get(walletKey(wallet)) ?? this.addRow(wallet, { live: index < LIVE_WALLETS });
      row.update(wallet);
    });
    for (const [key, row] of this.rows) {
      if (!seen.has(key)) this.dropRow(key, row);
    }
    this.reorder(wallets.map(walletKey));
    this.loading = false;
    this.refreshTotals();
    this.loadTotals();
    if (wallets.length > LIVE_WALLETS && !this.reloading) {
      this.reloading = setInterval(() => this.load(), RELOAD_MS);
      this.timers.push(this.reloading);
    }
  }

  async readAll() {
    const wallets = [];
    let after = null;
    for (;;) {
      const data = await this.api.request(WALLETS, { after });
      wallets.push(...data.wallets.edges.map((edge) => edge.node));
      if (!data.wallets.pageInfo.hasNextPage) return wallets;
      after = data.wallets.pageInfo.endCursor;
    }
  }

  addRow(wallet, { live }) {
    const row = new WalletRow(this, wallet);
    this.rows.set(walletKey(wallet), row);
    this.tableBody.prepend(row.element);
    if (live) row.goLive();
    return row;
  }

  dropRow(key, row) {
    row.stop();
    row.element.remove();
    this.rows.delete(key);
  }

  reorder(keys) {
    for (const key of keys) this.tableBody.append(this.rows.get(key).element);
  }

  // Adding

  showChainPicker() {
    if (!this.chainSelect.disabled) return; // Filled once; later reloads keep the choice.
    const chosen = this.chains.defaultChain;
    replaceChildren(
      this.chainSelect,
      this.chains.list.map((info) =>
        h("option", { value: info.chain, selected: info.chain === chosen }, info.name),
      ),
    );
    this.chainSelect.disabled = false;
    this.showAddressFormat();
  }

  showAddressFormat() {
    const chain = this.chainSelect.value;
    const hint = addressHint(chain);
    const name = this.chains.name(chain);
    const hd = hasHdWallets(chain);
    replaceChildren(this.addressLabel, hd ? `${name} address, xpub or descriptor` : `${name} address`);
    this.addressInput.placeholder = hint ?? "";
    replaceChildren(this.addressHint, hint ? `${name} addresses look like ${hint}` : "");
    replaceChildren(
      this.hdHint,
      hd ? "or an HD wallet: an extended public key (xpub, ypub, zpub…) or an output descriptor" : "",
    );
    replaceChildren(
      this.scriptSelect,
      h("option", { value: "" }, "Detect automatically"),
      scriptChoices(chain).map(([value, text]) => h("option", { value }, text)),
    );
    this.showHdFields();
  }

  /** The gap limit for any HD input; the script picker only when the key leaves it open. */
  showHdFields() {
    const kind = hasHdWallets(this.chainSelect.value) ? inputKind(this.addressInput.value) : "address";
    this.hdFields.hidden = kind === "address";
    this.scriptField.hidden = kind !== "bare-key";
  }

  /** {gapLimit, scriptType} for the add mutation (null: the server's default), or an error. */
  hdChoices() {
    if (this.hdFields.hidden) return { gapLimit: null, scriptType: null };
    const scriptType = this.scriptField.hidden ? null : this.scriptSelect.value || null;
    const gapText = this.gapInput.value.trim();
    if (!gapText) return { gapLimit: null, scriptType };
    const gapLimit = Number(gapText);
    if (!Number.isInteger(gapLimit) || gapLimit < GAP_LIMIT.min || gapLimit > GAP_LIMIT.max) {
      return {
        error: {
          message: `The gap limit must be a whole number from ${GAP_LIMIT.min} to ${GAP_LIMIT.max}.`,
          field: ["gapLimit"],
        },
      };
    }
    return { gapLimit, scriptType };
  }

  // Totals: one per chain, and the net worth, as the server adds them up

  /** Re-reads the totals soon (once for a burst of updates); `table` shows when there are rows. */
  refreshTotals() {
    this.table.hidden = this.rows.size === 0;
    this.empty.hidden = this.rows.size > 0;
    clearTimeout(this.totalsTimer);
    this.totalsTimer = setTimeout(() => this.loadTotals(), TOTALS_DELAY_MS);
  }

  async loadTotals() {
    clearTimeout(this.totalsTimer);
    // Only the latest answer is shown: an earlier one may arrive after it.
    const asked = ++this.totalsAsked;
    let totals;
    try {
      totals = await this.api.request(TOTALS);
    } catch {
      return; // The banner says what went wrong; the totals keep what they showed.
    }
    if (this.closed || asked !== this.totalsAsked) return;
    replaceChildren(
      this.totals,
      totals.portfolios.map((portfolio) => this.portfolioRow(portfolio)),
      totals.portfolios.length ? this.netWorthRow(totals.netWorth) : null,
    );
  }

  portfolioRow(portfolio) {
    const chain = this.chains.get(portfolio.chain);
    const count = `${portfolio.walletCount} wallet${portfolio.walletCount === 1 ? "" : "s"}`;
    const fiat = portfolio.fiatValue;
    return h(
      "tr",
      { class: "total-row", "data-chain": portfolio.chain },
      h("th", { scope: "row" }, `${chain.name} total (${count})`),
      amount(portfolio.balance, chain, { tag: "td", class: "amount", "data-label": "Total" }),
      h(
        "td",
        { colspan: "3", class: "fiat-value" },
        fiat
          ? h("span", { class: "fiat-amount", title: `At the price of ${formatTime(fiat.priceAt)}` }, formatFiat(fiat))
          : h("span", { class: "muted" }, "no price known"),
      ),
    );
  }

  netWorthRow(netWorth) {
    const unpriced = netWorth.unpricedChains.map((chain) => this.chains.name(chain));
    const nothingPriced = netWorth.priceAt === null && unpriced.length > 0;
    const notes = [];
    if (netWorth.priceAt) notes.push(`at prices of ${formatTime(netWorth.priceAt)}`);
    if (unpriced.length) notes.push(`unpriced: ${unpriced.join(", ")} (not included)`);
    return h(
      "tr",
      { class: "net-worth-row" },
      h("th", { scope: "row" }, "Net worth"),
      h(
        "td",
        { class: "amount", id: "net-worth", "data-label": "Net worth" },
        // With no price at all, "0.00" would read as nothing held.
        nothingPriced ? "—" : h("span", { class: "fiat-amount" }, formatFiat(netWorth)),
      ),
      h("td", { colspan: "3", class: "net-worth-note" }, notes.join("; ")),
    );
  }

  refreshAges() {
    for (const row of this.rows.values()) row.renderSynced();
  }

  say(message, isError = false) {
    showMessage(this.status, message, isError);
  }

  async add(event) {
    event.preventDefault();
    const address = this.addressInput.value.trim();
    const label = this.labelInput.value.trim() || null;
    const chain = this.chainSelect.value;
    this.showAddError(null);
    if (!chain) {
      this.showAddError({ message: "The chains this server tracks are not loaded yet: try again." });
      return;
    }
    if (!address) {
      this.showAddError({ message: `Enter a ${this.chains.name(chain)} address.`, field: ["address"] });
      return;
    }
    const { error, gapLimit, scriptType } = this.hdChoices();
    if (error) {
      this.showAddError(error);
      return;
    }
    this.addButton.disabled = true;
    try {
      const variables = { address, chain, label, gapLimit, scriptType };
      const payload = (await this.api.request(ADD_WALLET, variables)).addWallet;
      if (payload.errors.length) {
        this.showAddError(payload.errors[0]);
        return;
      }
      const row = this.addRow(payload.wallet, { live: true });
      row.update(payload.wallet);
      row.progress.watch(payload.job);
      this.refreshTotals();
      this.addressInput.value = "";
      this.labelInput.value = "";
      this.gapInput.value = "";
      this.scriptSelect.value = "";
      this.showHdFields();
      this.say(`Added ${walletName(payload.wallet)}: its first sync has started.`);
    } catch (error) {
      this.showAddError({ message: error.message });
    } finally {
      this.addButton.disabled = false;
    }
  }

  /** Shows `error` ({message, field}) beside the field it names, or under the form. */
  showAddError(error) {
    const field = error?.field?.[0];
    const fields = {
      chain: [this.chainSelect, this.addError],
      label: [this.labelInput, this.addError],
      scriptType: [this.scriptSelect, this.scriptError],
      gapLimit: [this.gapInput, this.gapError],
    };
    const [invalidInput, place] = error ? (fields[field] ?? [this.addressInput, this.addError]) : [];
    if (invalidInput === this.scriptSelect) this.scriptField.hidden = false;
    for (const slot of [this.addError, this.scriptError, this.gapError]) {
      replaceChildren(slot, slot === place ? error.message : "");
    }
    const inputs = [this.chainSelect, this.addressInput, this.labelInput, this.scriptSelect, this.gapInput];
    for (const input of inputs) {
      if (input === invalidInput) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    invalidInput?.focus();
  }

  async remove(row) {
    const confirmed = await confirmRemoval(row.wallet, this.chains.name(row.wallet.chain));
    if (!confirmed) {
      row.removeButton.focus();
      return;
    }
    try {
      const { address, chain } = row.wallet;
      const payload = (await this.api.request(REMOVE_WALLET, { address, chain })).removeWallet;
      if (payload.errors.length) {
        this.say(payload.errors[0].message, true);
        return;
      }
      this.dropRow(walletKey(row.wallet), row);
      this.refreshTotals();
      this.say(`Removed ${walletName(row.wallet)}.`);
      this.heading.focus();
    } catch (error) {
      this.say(`Could not remove ${walletName(row.wallet)}: ${error.message}`, true);
    }
  }
}

/** One wallet's table row; it keeps itself current from `walletUpdates` and its sync jobs. */
class WalletRow {
  constructor(list, wallet) {
    this.list = list;
    this.api = list.api;
    this.wallet = wallet;
    this.unsubscribe = null;
    this.editing = false;
    this.nameCell = h("td", { class: "wallet-cell", "data-label": "Wallet" });
    this.balanceCell = h("td", { class: "amount", "data-label": "Balance" });
    this.badgeHolder = h("span");
    this.errorText = h("span", { class: "sync-error" });
    this.progress = new JobProgress(this.api, `Sync progress of ${walletName(wallet)}`, {
      onEnd: () => this.reload(),
    });
    this.statusCell = h(
      "td",
      { class: "status-cell", "data-label": "Status" },
      this.badgeHolder,
      this.progress.element,
      this.errorText,
    );
    this.syncedCell = h("td", { class: "synced-cell", "data-label": "Last synced" });
    this.message = h("span", { class: "row-message", role: "status" });
    this.syncButton = h("button", { type: "button", class: "secondary", onClick: () => this.sync() }, "Sync now");
    this.renameButton = h("button", { type: "button", class: "secondary", onClick: () => this.startRename() }, "Rename");
    this.removeButton = h("button", { type: "button", class: "danger-outline", onClick: () => list.remove(this) }, "Remove");
    this.element = h(
      "tr",
      { "data-address": wallet.address, "data-chain": wallet.chain },
      this.nameCell,
      this.balanceCell,
      this.statusCell,
      this.syncedCell,
      h(
        "td",
        { class: "actions", "data-label": "Actions" },
        h("div", { class: "action-buttons" }, this.syncButton, this.renameButton, this.removeButton),
        this.message,
      ),
    );
  }

  update(wallet) {
    this.wallet = wallet;
    const name = walletName(wallet);
    for (const [button, verb] of [
      [this.syncButton, "Sync"],
      [this.renameButton, "Rename"],
      [this.removeButton, "Remove"],
    ]) {
      button.setAttribute("aria-label", `${verb} ${name}`);
    }
    this.progress.bar.setAttribute("aria-label", `Sync progress of ${name}`);
    if (!this.editing) this.renderName();
    const chain = this.list.chains.get(wallet.chain);
    replaceChildren(this.balanceCell, formatAmount(wallet.balance, chain));
    this.balanceCell.title = describeAmount(wallet.balance, chain);
    replaceChildren(this.badgeHolder, statusBadge(wallet.syncStatus));
    replaceChildren(this.errorText, wallet.syncStatus === "ERROR" ? wallet.lastSyncError ?? "" : "");
    this.renderSynced();
    if (isRunning(wallet.latestJob)) this.progress.watch(wallet.latestJob);
    if (!this.list.loading) this.list.refreshTotals();
  }

  renderName() {
    const wallet = this.wallet;
    const short = shorten(wallet.address);
    replaceChildren(
      this.nameCell,
      h(
        "a",
        { class: "wallet-link", href: walletHref(wallet) },
        wallet.label ? wallet.label : h("span", { class: "muted" }, "Unlabelled"),
      ),
      h(
        "span",
        { class: "wallet-meta" },
        chainBadge(this.list.chains.get(wallet.chain)),
        hdBadge(wallet),
        h("span", { class: "address" }, explorerLink(wallet, short) ?? h("span", { title: wallet.address }, short)),
      ),
    );
  }

  renderSynced() {
    replaceChildren(this.syncedCell, syncedAt(this.wallet.lastSyncedAt));
  }

  goLive() {
    const { address, chain } = this.wallet;
    this.unsubscribe = this.api.subscribe(WALLET_UPDATES, { address, chain }, {
      next: (data) => this.update(data.walletUpdates),
      error: () => {
        this.unsubscribe = null;
      },
    });
  }

  stop() {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.progress.stop();
  }

  async reload() {
    try {
      const { address, chain } = this.wallet;
      const wallet = (await this.api.request(WALLET, { address, chain })).wallet;
      if (wallet && this.list.rows.get(walletKey(wallet)) === this) this.update(wallet);
    } catch {
      // The banner says what went wrong; the row keeps what it showed.
    }
  }

  say(message, isError = false) {
    showMessage(this.message, message, isError);
  }

  sync() {
    return syncNow(this, this.wallet);
  }

  startRename() {
    this.editing = true;
    const input = h("input", {
      value: this.wallet.label ?? "",
      "aria-label": `New label for ${this.wallet.address}`,
      autocomplete: "off",
      maxlength: "200",
    });
    const error = h("span", { class: "field-error", role: "alert" });
    const cancel = () => {
      this.editing = false;
      this.renderName();
      this.renameButton.focus();
    };
    const form = h(
      "form",
      {
        class: "rename-form",
        onSubmit: async (event) => {
          event.preventDefault();
          const label = input.value.trim() || null;
          try {
            const payload = (
              await this.api.request(UPDATE_WALLET, {
                address: this.wallet.address,
                chain: this.wallet.chain,
                label,
              })
            ).updateWallet;
            if (payload.errors.length) {
              replaceChildren(error, payload.errors[0].message);
              input.setAttribute("aria-invalid", "true");
              input.focus();
              return;
            }
            this.editing = false;
            this.update(payload.wallet);
            this.renameButton.focus();
          } catch (failure) {
            replaceChildren(error, failure.message);
          }
        },
        onKeydown: (event) => {
          if (event.key === "Escape") cancel();
        },
      },
      input,
      h("button", { type: "submit" }, "Save"),
      h("button", { type: "button", class: "secondary", onClick: cancel }, "Cancel"),
      error,
    );
    replaceChildren(this.nameCell, form);
    input.focus();
    input.select();
  }
}

/** Asks in a modal dialog; resolves true when the person confirms. */
export function confirmRemoval(wallet, chainName) {
  return askToConfirm({
    title: `Remove ${walletName(wallet)}?`,
    text:
      `Stop tracking ${wallet.address} on ${chainName}. Its synced history stays on the server for anyone else ` +
      "tracking it; you can add it again later.",
    action: "Remove",
  });
}
