// The wallet list: add, relabel, sync and remove wallets; balances and syncs update live.

import { h, replaceChildren, showMessage } from "./dom.js";
import { formatBtc, shorten, sumSatoshi } from "./format.js";
import {
  ADD_WALLET,
  REMOVE_WALLET,
  UPDATE_WALLET,
  WALLET,
  WALLET_UPDATES,
  WALLETS,
} from "./queries.js";
import { isRunning, JobProgress, statusBadge, syncNow, syncedAt } from "./widgets.js";

// Each live wallet is one subscription, and subscriptions count against the rate limit: the
// newest wallets update live, and the whole list is re-read now and then when there are more.
const LIVE_WALLETS = 25;
const RELOAD_MS = 60_000;
const AGE_REFRESH_MS = 30_000;

export function walletName(wallet) {
  return wallet.label || shorten(wallet.address);
}

export class WalletsView {
  constructor(api, root) {
    this.api = api;
    this.root = root;
    this.rows = new Map();
    this.timers = [];
    this.closed = false;
  }

  open() {
    this.addressInput = h("input", {
      id: "add-address",
      name: "address",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: "bc1q…, 1…, 3…",
      "aria-describedby": "add-error",
    });
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
    this.total = h("td", { class: "amount", "data-label": "Total" });
    this.totalLabel = h("th", { scope: "row" }, "Total");
    this.empty = h(
      "p",
      { class: "empty", hidden: true },
      "No wallets yet: add a Bitcoin address above to start tracking it.",
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
      h(
        "tfoot",
        {},
        h("tr", { class: "total-row" }, this.totalLabel, this.total, h("td", { colspan: "3" })),
      ),
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
          h("div", { class: "field grow" }, h("label", { for: "add-address" }, "Bitcoin address"), this.addressInput),
          h("div", { class: "field" }, h("label", { for: "add-label" }, "Label"), this.labelInput),
          this.addButton,
        ),
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
    for (const timer of this.timers) clearInterval(timer);
    for (const row of this.rows.values()) row.stop();
    this.rows.clear();
  }

  async load() {
    let wallets;
    try {
      wallets = await this.readAll();
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
    const seen = new Set();
    this.loading = true;
    wallets.forEach((wallet, index) => {
      seen.add(wallet.address);
      const row = this.rows.get(wallet.address) ?? this.addRow(wallet, { live: index < LIVE_WALLETS });
      row.update(wallet);
    });
    for (const [address, row] of this.rows) {
      if (!seen.has(address)) this.dropRow(address, row);
    }
    this.reorder(wallets.map((wallet) => wallet.address));
    this.loading = false;
    this.refreshTotal();
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
    this.rows.set(wallet.address, row);
    this.tableBody.prepend(row.element);
    if (live) row.goLive();
    return row;
  }

  dropRow(address, row) {
    row.stop();
    row.element.remove();
    this.rows.delete(address);
  }

  reorder(addresses) {
    for (const address of addresses) this.tableBody.append(this.rows.get(address).element);
  }

  refreshTotal() {
    const wallets = [...this.rows.values()].map((row) => row.wallet);
    this.table.hidden = wallets.length === 0;
    this.empty.hidden = wallets.length > 0;
    const count = `${wallets.length} wallet${wallets.length === 1 ? "" : "s"}`;
    replaceChildren(this.totalLabel, `Total (${count})`);
    replaceChildren(this.total, formatBtc(sumSatoshi(wallets.map((wallet) => wallet.balance))));
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
    this.showAddError(null);
    if (!address) {
      this.showAddError({ message: "Enter a Bitcoin address.", field: ["address"] });
      return;
    }
    this.addButton.disabled = true;
    try {
      const payload = (await this.api.request(ADD_WALLET, { address, label })).addWallet;
      if (payload.errors.length) {
        this.showAddError(payload.errors[0]);
        return;
      }
      const row = this.addRow(payload.wallet, { live: true });
      row.update(payload.wallet);
      row.progress.watch(payload.job);
      this.refreshTotal();
      this.addressInput.value = "";
      this.labelInput.value = "";
      this.say(`Added ${walletName(payload.wallet)}: its first sync has started.`);
    } catch (error) {
      this.showAddError({ message: error.message });
    } finally {
      this.addButton.disabled = false;
    }
  }

  showAddError(error) {
    replaceChildren(this.addError, error ? error.message : "");
    const field = error?.field?.[0];
    const invalidInput = field === "label" ? this.labelInput : error ? this.addressInput : null;
    for (const input of [this.addressInput, this.labelInput]) {
      if (input === invalidInput) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    invalidInput?.focus();
  }

  async remove(row) {
    const confirmed = await confirmRemoval(row.wallet);
    if (!confirmed) {
      row.removeButton.focus();
      return;
    }
    try {
      const payload = (await this.api.request(REMOVE_WALLET, { address: row.wallet.address }))
        .removeWallet;
      if (payload.errors.length) {
        this.say(payload.errors[0].message, true);
        return;
      }
      this.dropRow(row.wallet.address, row);
      this.refreshTotal();
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
      { "data-address": wallet.address },
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
    replaceChildren(this.balanceCell, formatBtc(wallet.balance));
    replaceChildren(this.badgeHolder, statusBadge(wallet.syncStatus));
    replaceChildren(this.errorText, wallet.syncStatus === "ERROR" ? wallet.lastSyncError ?? "" : "");
    this.renderSynced();
    if (isRunning(wallet.latestJob)) this.progress.watch(wallet.latestJob);
    if (!this.list.loading) this.list.refreshTotal();
  }

  renderName() {
    const wallet = this.wallet;
    replaceChildren(
      this.nameCell,
      h(
        "a",
        { class: "wallet-link", href: `#/wallet/${encodeURIComponent(wallet.address)}` },
        wallet.label ? wallet.label : h("span", { class: "muted" }, "Unlabelled"),
      ),
      h("span", { class: "address", title: wallet.address }, shorten(wallet.address)),
    );
  }

  renderSynced() {
    replaceChildren(this.syncedCell, syncedAt(this.wallet.lastSyncedAt));
  }

  goLive() {
    this.unsubscribe = this.api.subscribe(WALLET_UPDATES, { address: this.wallet.address }, {
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
      const wallet = (await this.api.request(WALLET, { address: this.wallet.address })).wallet;
      if (wallet && this.list.rows.get(wallet.address) === this) this.update(wallet);
    } catch {
      // The banner says what went wrong; the row keeps what it showed.
    }
  }

  say(message, isError = false) {
    showMessage(this.message, message, isError);
  }

  sync() {
    return syncNow(this, this.wallet.address);
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
              await this.api.request(UPDATE_WALLET, { address: this.wallet.address, label })
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
export function confirmRemoval(wallet) {
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-title").textContent = `Remove ${walletName(wallet)}?`;
  document.getElementById("confirm-text").textContent =
    `Stop tracking ${wallet.address}. Its synced history stays on the server for anyone else ` +
    "tracking it; you can add it again later.";
  dialog.returnValue = "";
  dialog.showModal();
  document.getElementById("confirm-button").focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), {
      once: true,
    });
  });
}
