// An HD wallet's addresses: receive then change by index, filtered, paged with cursors.

import { addressUrl, explorerName } from "./chains.js";
import { h, replaceChildren } from "./dom.js";
import { formatCount } from "./format.js";
import { WALLET_ADDRESSES } from "./queries.js";
import { amount } from "./widgets.js";

const PAGE_SIZE = 25;
const KEYCHAINS = { "": "All", RECEIVE: "Receive", CHANGE: "Change" };
const USED = { "": "All", true: "Used", false: "Unused" };

export class AddressesList {
  /** `walletRef()`: the {address, chain} naming the wallet; `unit`: its ChainInfo. */
  constructor(api, walletRef) {
    this.api = api;
    this.walletRef = walletRef;
    this.unit = null;
    this.filter = {};
    // The cursor each page was read after, so that "previous" goes back the way it came.
    this.cursors = [null];
    this.connection = null;
    this.body = h("tbody");
    this.table = h(
      "table",
      { class: "addresses-table" },
      h("caption", { class: "visually-hidden" }, "Addresses, receive then change, by index"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Keychain"),
          h("th", { scope: "col", class: "number" }, "Index"),
          h("th", { scope: "col" }, "Address"),
          h("th", { scope: "col" }, "Used"),
          h("th", { scope: "col", class: "amount" }, "Balance"),
          h("th", { scope: "col" }, "Derivation path"),
        ),
      ),
      this.body,
    );
    this.empty = h("p", { class: "empty", hidden: true });
    this.error = h("p", { class: "field-error", role: "alert" });
    this.pageText = h("p", { class: "page-text", "aria-live": "polite" });
    this.previousButton = h(
      "button",
      { type: "button", class: "secondary", onClick: () => this.turn(-1) },
      "← Previous",
    );
    this.nextButton = h("button", { type: "button", class: "secondary", onClick: () => this.turn(1) }, "Next →");
    this.element = h(
      "div",
      { class: "addresses" },
      this.filterForm(),
      this.error,
      h("div", { class: "table-scroll" }, this.table),
      this.empty,
      h("div", { class: "pager" }, this.previousButton, this.pageText, this.nextButton),
    );
  }

  filterForm() {
    const select = (id, text, choices, name) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: id }, text),
        h(
          "select",
          { id, name, onChange: (event) => this.applyFilter(name, event.target.value) },
          Object.entries(choices).map(([value, label]) => h("option", { value }, label)),
        ),
      );
    return h(
      "form",
      { class: "filter-form", onSubmit: (event) => event.preventDefault() },
      select("addresses-keychain", "Keychain", KEYCHAINS, "keychain"),
      select("addresses-used", "Used", USED, "used"),
    );
  }

  applyFilter(name, value) {
    const filter = { ...this.filter };
    if (value === "") delete filter[name];
    else filter[name] = name === "used" ? value === "true" : value;
    this.filter = filter;
    this.cursors = [null];
    this.load();
  }

  turn(step) {
    if (step > 0) {
      if (!this.connection?.pageInfo.hasNextPage) return;
      this.cursors = [...this.cursors, this.connection.pageInfo.endCursor];
    } else {
      if (this.cursors.length === 1) return;
      this.cursors = this.cursors.slice(0, -1);
    }
    this.load();
  }

  async load() {
    const cursors = this.cursors;
    const filter = this.filter;
    let connection;
    try {
      const data = await this.api.request(WALLET_ADDRESSES, {
        ...this.walletRef(),
        ...filter,
        first: PAGE_SIZE,
        after: cursors.at(-1),
      });
      connection = data.wallet?.addresses;
    } catch (error) {
      replaceChildren(this.error, `Could not load the addresses: ${error.message}`);
      return;
    }
    if (cursors !== this.cursors || filter !== this.filter || !connection) return;
    replaceChildren(this.error, "");
    this.connection = connection;
    const nodes = connection.edges.map((edge) => edge.node);
    replaceChildren(this.body, nodes.map((node) => this.row(node)));
    this.table.hidden = nodes.length === 0;
    this.empty.hidden = nodes.length > 0;
    replaceChildren(
      this.empty,
      Object.keys(filter).length ? "No addresses match the filter." : "No addresses scanned yet.",
    );
    const start = (cursors.length - 1) * PAGE_SIZE;
    replaceChildren(
      this.pageText,
      nodes.length
        ? `${formatCount(start + 1)}–${formatCount(start + nodes.length)} of ${formatCount(connection.totalCount)}`
        : "",
    );
    this.previousButton.disabled = cursors.length === 1;
    this.nextButton.disabled = !connection.pageInfo.hasNextPage;
  }

  row(node) {
    const url = addressUrl(this.unit.chain, node.address);
    const keychain = node.keychain === "CHANGE" ? "Change" : "Receive";
    return h(
      "tr",
      { "data-address": node.address, "data-keychain": node.keychain },
      h("td", { "data-label": "Keychain" }, keychain),
      h("td", { class: "number", "data-label": "Index" }, String(node.index)),
      h(
        "td",
        { class: "address-cell", "data-label": "Address" },
        url
          ? h(
              "a",
              {
                class: "address",
                href: url,
                target: "_blank",
                rel: "noopener noreferrer",
                "aria-label": `${node.address} on ${explorerName(this.unit.chain)} (opens in a new tab)`,
              },
              node.address,
            )
          : h("span", { class: "address" }, node.address),
      ),
      h(
        "td",
        { "data-label": "Used" },
        node.used
          ? h("span", { class: "badge badge-used", title: `${formatCount(node.transactionCount)} transactions` }, "Used")
          : h("span", { class: "muted" }, "Unused"),
      ),
      h("td", { class: "amount", "data-label": "Balance" }, amount(node.balance, this.unit)),
      h("td", { "data-label": "Derivation path" }, h("code", {}, node.derivationPath ?? "—")),
    );
  }
}
