// The viewer's webhooks: create one (its signing secret shown once), list them, turn them off and
// on, delete them, send a test, and read their recent deliveries and why they failed.

import { chainBadge, loadChains } from "./chains.js";
import { h, replaceChildren, showMessage } from "./dom.js";
import { formatCount, formatTime, prettyJson, shorten } from "./format.js";
import {
  CREATE_WEBHOOK,
  DELETE_WEBHOOK,
  TEST_WEBHOOK,
  UPDATE_WEBHOOK,
  WALLETS,
  WEBHOOK_DELIVERIES,
  WEBHOOKS,
} from "./queries.js";
import { walletHref, walletName } from "./wallets-view.js";
import { askToConfirm, copyControl } from "./widgets.js";

// What a person may ask for; PING is only ever sent by "Send test".
const EVENTS = {
  TRANSACTION_NEW: ["New transaction", "a transaction appears in a wallet, confirmed or not"],
  TRANSACTION_CONFIRMED: ["Confirmed", "a transaction gets its first confirmation"],
  TRANSACTION_DROPPED: ["Dropped", "a transaction leaves the mempool or is reorganised out"],
  SYNC_FAILED: ["Sync failed", "a wallet's sync fails"],
};
const EVENT_NAMES = {
  ...Object.fromEntries(Object.entries(EVENTS).map(([event, [name]]) => [event, name])),
  PING: "Test",
};
const DELIVERY_STATUS = { PENDING: "Pending", SUCCEEDED: "Succeeded", FAILED: "Failed" };
// Deliveries are retried by the workers: their state is re-read while the page is open.
const RELOAD_MS = 15_000;

function webhookName(webhook) {
  return shorten(webhook.url.replace(/^https?:\/\//, ""), 24);
}

/** `events` in the order of the form's choices, whatever order the server keeps them in. */
function inListOrder(events) {
  const known = Object.keys(EVENT_NAMES);
  return [...known.filter((event) => events.includes(event)), ...events.filter((event) => !known.includes(event))];
}

/** Why a delivery has not (yet) succeeded: "HTTP 500: Internal Server Error", "timed out". */
export function failureReason(delivery) {
  const status = delivery.lastStatusCode == null ? null : `HTTP ${delivery.lastStatusCode}`;
  const error = delivery.lastError?.trim() || null;
  if (status && error && !error.startsWith(status)) return `${status}: ${error}`;
  return error ?? status ?? "no answer yet";
}

/** A sentence on the outcome of "Send test". */
function testOutcome(delivery) {
  switch (delivery.status) {
    case "SUCCEEDED":
      return `Test delivered: HTTP ${delivery.lastStatusCode ?? "2xx"}.`;
    case "FAILED":
      return `Test failed: ${failureReason(delivery)}.`;
    default:
      return delivery.attempts
        ? `Test not delivered yet: ${failureReason(delivery)}; next attempt ${formatTime(delivery.nextAttemptAt)}.`
        : "Test queued: it is sent in a moment.";
  }
}

export class WebhooksView {
  constructor(api, root) {
    this.api = api;
    this.root = root;
    this.cards = new Map();
    this.closed = false;
    this.chains = null;
    this.wallets = [];
    this.timer = null;
  }

  open() {
    this.heading = h("h1", { tabindex: "-1" }, "Webhooks");
    this.urlInput = h("input", {
      id: "webhook-url",
      name: "url",
      type: "url",
      inputmode: "url",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: "https://example.com/hooks/wallet-tracker",
      "aria-describedby": "webhook-url-hint webhook-url-error",
    });
    this.urlError = h("p", { id: "webhook-url-error", class: "field-error", role: "alert" });
    this.eventBoxes = Object.entries(EVENTS).map(([event, [name, hint]]) =>
      h(
        "label",
        { class: "event-choice" },
        h("input", { type: "checkbox", name: "events", value: event, checked: true }),
        h("span", {}, h("strong", {}, name), h("span", { class: "field-hint" }, hint)),
      ),
    );
    this.eventsError = h("p", { id: "webhook-events-error", class: "field-error", role: "alert" });
    this.walletSelect = h(
      "select",
      { id: "webhook-wallet", name: "wallet", "aria-describedby": "webhook-wallet-error" },
      h("option", { value: "" }, "Every wallet, also ones added later"),
    );
    this.walletError = h("p", { id: "webhook-wallet-error", class: "field-error", role: "alert" });
    this.createButton = h("button", { type: "submit" }, "Create webhook");
    this.formError = h("p", { id: "webhook-error", class: "field-error", role: "alert" });
    this.secretPanel = h("section", { class: "panel secret-panel", "aria-labelledby": "secret-heading", hidden: true });
    this.status = h("p", { class: "status-message", role: "status" });
    this.list = h("ul", { class: "webhook-list", hidden: true });
    this.listHeading = h("h2", { id: "webhooks-heading" }, "Your webhooks");
    this.empty = h("p", { class: "empty", hidden: true }, "No webhooks yet: create one above.");
    replaceChildren(
      this.root,
      this.heading,
      h(
        "p",
        { class: "intro" },
        "wallet-tracker sends a signed JSON POST to each URL here when money moves in your wallets ",
        "(Standard Webhooks: check the webhook-signature header with its signing secret). ",
        "Failed deliveries are retried for about 17 hours.",
      ),
      h(
        "form",
        { class: "panel webhook-form", novalidate: true, onSubmit: (event) => this.create(event) },
        h("h2", {}, "Create a webhook"),
        h(
          "div",
          { class: "field" },
          h("label", { for: "webhook-url" }, "Endpoint URL"),
          this.urlInput,
          h("p", { id: "webhook-url-hint", class: "field-hint" }, "An https URL that answers 2xx within 10 seconds"),
          this.urlError,
        ),
        h(
          "fieldset",
          { class: "event-choices", "aria-describedby": "webhook-events-error" },
          h("legend", {}, "Events"),
          this.eventBoxes,
          this.eventsError,
        ),
        h(
          "div",
          { class: "field" },
          h("label", { for: "webhook-wallet" }, "Wallets"),
          this.walletSelect,
          this.walletError,
        ),
        h("div", { class: "form-actions" }, this.createButton),
        this.formError,
      ),
      this.secretPanel,
      this.status,
      h("section", { class: "panel", "aria-labelledby": "webhooks-heading" }, this.listHeading, this.list, this.empty),
    );
    this.load();
    this.timer = setInterval(() => this.refresh(), RELOAD_MS);
  }

  close() {
    this.closed = true;
    clearInterval(this.timer);
  }

  async load() {
    let webhooks;
    try {
      [this.chains, webhooks, this.wallets] = await Promise.all([
        loadChains(this.api),
        this.readWebhooks(),
        this.readWallets(),
      ]);
    } catch (error) {
      if (this.closed) return;
      // Connection problems are explained in the banner above the page.
      const detail = error.kind === "graphql" || error.kind === "server" ? `: ${error.message}` : ".";
      this.empty.hidden = false;
      replaceChildren(this.empty, `Your webhooks could not be loaded${detail}`);
      return;
    }
    if (this.closed) return;
    replaceChildren(this.empty, "No webhooks yet: create one above.");
    this.showWalletChoices();
    this.show(webhooks);
  }

  /** Re-reads the webhooks and their latest deliveries; the page keeps what it shows on failure. */
  async refresh() {
    if (this.chains === null) return;
    let webhooks;
    try {
      webhooks = await this.readWebhooks();
    } catch {
      return;
    }
    if (!this.closed) this.show(webhooks);
  }

  async readWebhooks() {
    return (await this.api.request(WEBHOOKS)).viewer.webhooks;
  }

  async readWallets() {
    const wallets = [];
    let after = null;
    for (;;) {
      const data = await this.api.request(WALLETS, { after });
      wallets.push(...data.wallets.edges.map((edge) => edge.node));
      if (!data.wallets.pageInfo.hasNextPage) return wallets;
      after = data.wallets.pageInfo.endCursor;
    }
  }

  showWalletChoices() {
    const chosen = this.walletSelect.value;
    replaceChildren(
      this.walletSelect,
      h("option", { value: "" }, "Every wallet, also ones added later"),
      this.wallets.map((wallet) => {
        const value = `${wallet.chain}:${wallet.address}`;
        const text = `Only ${walletName(wallet)} (${this.chains.name(wallet.chain)})`;
        return h("option", { value, selected: value === chosen }, text);
      }),
    );
  }

  show(webhooks) {
    const seen = new Set();
    for (const webhook of webhooks) {
      seen.add(webhook.id);
      const card = this.cards.get(webhook.id) ?? this.addCard(webhook);
      card.update(webhook);
    }
    for (const [id, card] of this.cards) {
      if (!seen.has(id)) this.dropCard(card);
    }
    // The server's order.
    for (const webhook of webhooks) this.list.append(this.cards.get(webhook.id).element);
    this.showCount();
  }

  addCard(webhook) {
    const card = new WebhookCard(this, webhook);
    this.cards.set(webhook.id, card);
    this.list.append(card.element);
    return card;
  }

  dropCard(card) {
    this.cards.delete(card.webhook.id);
    card.element.remove();
  }

  showCount() {
    const count = this.cards.size;
    this.list.hidden = count === 0;
    this.empty.hidden = count > 0;
    replaceChildren(this.listHeading, count ? `Your webhooks (${formatCount(count)})` : "Your webhooks");
  }

  say(message, isError = false) {
    showMessage(this.status, message, isError);
  }

  // Creating

  chosenEvents() {
    return this.eventBoxes.map((label) => label.querySelector("input")).filter((box) => box.checked).map((box) => box.value);
  }

  async create(event) {
    event.preventDefault();
    this.showCreateError(null);
    this.say("");
    const url = this.urlInput.value.trim();
    if (!url) {
      this.showCreateError({ message: "Enter the URL to send events to.", field: ["url"] });
      return;
    }
    const events = this.chosenEvents();
    if (!events.length) {
      this.showCreateError({ message: "Choose at least one event.", field: ["events"] });
      return;
    }
    const [chain, address] = this.walletSelect.value ? splitWalletChoice(this.walletSelect.value) : [null, null];
    await whileBusy(this.createButton, () => this.send({ url, events, address, chain }));
  }

  async send(variables) {
    try {
      const payload = (await this.api.request(CREATE_WEBHOOK, variables)).createWebhook;
      if (payload.errors.length) {
        this.showCreateError(payload.errors[0]);
        return;
      }
      const card = this.cards.get(payload.webhook.id) ?? this.addCard(payload.webhook);
      card.update(payload.webhook);
      this.showCount();
      this.urlInput.value = "";
      this.showSecret(payload.webhook, payload.secret);
    } catch (error) {
      this.showCreateError({ message: error.message });
    }
  }

  /** Shows `error` ({message, field}) beside the field it names, or under the form. */
  showCreateError(error) {
    const field = error?.field?.[0];
    const firstBox = this.eventBoxes[0].querySelector("input");
    const fields = {
      url: [this.urlInput, this.urlError],
      events: [firstBox, this.eventsError],
      address: [this.walletSelect, this.walletError],
      chain: [this.walletSelect, this.walletError],
      wallet: [this.walletSelect, this.walletError],
    };
    const [invalidInput, place] = error ? (fields[field] ?? [null, this.formError]) : [];
    for (const slot of [this.urlError, this.eventsError, this.walletError, this.formError]) {
      replaceChildren(slot, slot === place ? error.message : "");
    }
    for (const input of [this.urlInput, this.walletSelect]) {
      if (input === invalidInput) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    invalidInput?.focus();
  }

  /** The signing secret, once: it is in this panel until "Done" and nowhere else afterwards. */
  showSecret(webhook, secret) {
    const secretText = h("code", { id: "webhook-secret", class: "selectable" }, secret ?? "");
    const heading = h("h2", { id: "secret-heading", tabindex: "-1" }, "Signing secret of ", h("span", { class: "webhook-url" }, webhook.url));
    const done = () => {
      this.secretPanel.hidden = true;
      replaceChildren(this.secretPanel);
      this.cards.get(webhook.id)?.focus();
    };
    replaceChildren(
      this.secretPanel,
      heading,
      h(
        "p",
        { class: "secret-warning" },
        h("strong", {}, "Copy it now: it will not be shown again. "),
        "Your receiver checks each delivery's webhook-signature header with it.",
      ),
      h("p", { class: "copy-line" }, secretText, copyControl(secretText, "signing secret")),
      h("button", { type: "button", class: "secondary", onClick: done }, "Done, I have copied it"),
    );
    this.secretPanel.hidden = false;
    heading.focus();
  }

  // Changing one

  setEnabled(card, enabled) {
    return whileBusy(card.toggleButton, async () => {
      card.say("");
      try {
        const payload = (await this.api.request(UPDATE_WEBHOOK, { id: card.webhook.id, enabled })).updateWebhook;
        if (payload.errors.length) card.say(payload.errors[0].message, true);
        else {
          card.update(payload.webhook);
          card.say(enabled ? "Turned on: events are sent again." : "Turned off: nothing is sent until you turn it on.");
        }
      } catch (error) {
        card.say(error.message, true);
      }
    });
  }

  sendTest(card) {
    return whileBusy(card.testButton, async () => {
      card.say("Sending a test…");
      try {
        const payload = (await this.api.request(TEST_WEBHOOK, { id: card.webhook.id })).testWebhook;
        if (payload.errors.length) {
          card.say(payload.errors[0].message, true);
          return;
        }
        card.say(testOutcome(payload.delivery), payload.delivery.status !== "SUCCEEDED");
        card.showDelivery(payload.delivery);
        card.loadDeliveries();
      } catch (error) {
        card.say(`Could not send a test: ${error.message}`, true);
      }
    });
  }

  async remove(card) {
    const confirmed = await askToConfirm({
      title: "Delete this webhook?",
      text: `Stop sending events to ${card.webhook.url}. Deliveries not made yet are dropped; ` +
        "its signing secret stops working. This cannot be undone.",
      action: "Delete",
    });
    if (!confirmed) {
      card.deleteButton.focus();
      return;
    }
    try {
      const payload = (await this.api.request(DELETE_WEBHOOK, { id: card.webhook.id })).deleteWebhook;
      if (payload.errors.length) {
        card.say(payload.errors[0].message, true);
        return;
      }
      this.dropCard(card);
      this.showCount();
      this.say(`Deleted the webhook to ${card.webhook.url}.`);
      this.heading.focus();
    } catch (error) {
      card.say(`Could not delete it: ${error.message}`, true);
    }
  }
}

/**
 * Runs `work` for `button` once at a time: pressed again meanwhile, it does nothing. The button
 * is marked aria-disabled rather than disabled, which would take the keyboard focus away.
 */
async function whileBusy(button, work) {
  if (button.getAttribute("aria-disabled") === "true") return;
  button.setAttribute("aria-disabled", "true");
  try {
    await work();
  } finally {
    button.removeAttribute("aria-disabled");
  }
}

/** "BITCOIN:bc1q…" (an option's value) as [chain, address]; addresses may hold colons. */
function splitWalletChoice(value) {
  const colon = value.indexOf(":");
  return [value.slice(0, colon), value.slice(colon + 1)];
}

/** One webhook: what it sends where, its buttons, and its recent deliveries. */
class WebhookCard {
  constructor(view, webhook) {
    this.view = view;
    this.api = view.api;
    this.webhook = webhook;
    // Deliveries shown, newest first, and the cursor after the last page read.
    this.deliveries = [];
    this.pageInfo = null;
    this.pagesRead = 0;
    this.openPayloads = new Set();
    this.title = h("h3", { class: "webhook-url", tabindex: "-1" });
    this.state = h("span");
    this.reason = h("p", { class: "disabled-reason" });
    this.facts = h("dl", { class: "webhook-facts" });
    this.message = h("p", { class: "row-message", role: "status" });
    this.testButton = h("button", { type: "button", class: "secondary", onClick: () => view.sendTest(this) }, "Send test");
    this.toggleButton = h(
      "button",
      { type: "button", class: "secondary", onClick: () => view.setEnabled(this, !this.webhook.enabled) },
      "Disable",
    );
    this.deleteButton = h("button", { type: "button", class: "danger-outline", onClick: () => view.remove(this) }, "Delete");
    this.deliveriesBody = h("tbody");
    this.deliveriesTable = h(
      "table",
      { class: "deliveries-table", hidden: true },
      h("caption", { class: "visually-hidden" }, "Recent deliveries, newest first"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Event"),
          h("th", { scope: "col" }, "Status"),
          h("th", { scope: "col", class: "number" }, "Attempts"),
          h("th", { scope: "col" }, "Created (UTC)"),
          h("th", { scope: "col" }, "Delivered or next attempt"),
          h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Payload")),
        ),
      ),
      this.deliveriesBody,
    );
    this.deliveriesSummary = h("summary", {}, "Recent deliveries");
    this.noDeliveries = h("p", { class: "empty" }, "Nothing sent yet.");
    this.deliveriesError = h("p", { class: "field-error", role: "alert" });
    this.olderButton = h(
      "button",
      {
        type: "button",
        class: "secondary",
        hidden: true,
        onClick: () => whileBusy(this.olderButton, () => this.loadDeliveries({ older: true })),
      },
      "Older deliveries",
    );
    this.deliveriesBox = h(
      "details",
      { class: "deliveries" },
      this.deliveriesSummary,
      this.noDeliveries,
      h("div", { class: "table-scroll" }, this.deliveriesTable),
      this.deliveriesError,
      this.olderButton,
    );
    this.element = h(
      "li",
      { class: "webhook-card", "data-webhook-id": webhook.id },
      h("div", { class: "webhook-head" }, this.title, this.state),
      this.reason,
      this.facts,
      h("div", { class: "action-buttons" }, this.testButton, this.toggleButton, this.deleteButton),
      this.message,
      this.deliveriesBox,
    );
  }

  update(webhook) {
    this.webhook = webhook;
    const { url, enabled } = webhook;
    replaceChildren(this.title, url);
    replaceChildren(
      this.state,
      h("span", { class: `badge ${enabled ? "badge-enabled" : "badge-disabled"}` }, enabled ? "Enabled" : "Disabled"),
    );
    this.reason.hidden = enabled || !webhook.disabledReason;
    replaceChildren(this.reason, enabled ? "" : (webhook.disabledReason ?? ""));
    replaceChildren(this.toggleButton, enabled ? "Disable" : "Enable");
    const name = webhookName(webhook);
    this.testButton.setAttribute("aria-label", `Send a test to ${name}`);
    this.toggleButton.setAttribute("aria-label", `${enabled ? "Disable" : "Enable"} the webhook to ${name}`);
    this.deleteButton.setAttribute("aria-label", `Delete the webhook to ${name}`);
    this.toggleButton.title = enabled ? "Stop sending events to this URL" : "Send events to this URL again";
    // Re-read every few seconds: redrawn only when changed, so a focused link keeps its focus.
    const shownFacts = JSON.stringify([webhook.events, webhook.wallet, webhook.createdAt]);
    if (shownFacts !== this.shownFacts) this.showFacts(webhook);
    this.shownFacts = shownFacts;
    // Deliveries come with the webhook (the first page); older pages stay as they were read.
    if (webhook.deliveries && this.pagesRead <= 1) this.showDeliveries(webhook.deliveries, { older: false });
  }

  showFacts(webhook) {
    const fact = (term, ...value) => h("div", {}, h("dt", {}, term), h("dd", {}, ...value));
    replaceChildren(
      this.facts,
      fact(
        "Events",
        h(
          "ul",
          { class: "event-list" },
          inListOrder(webhook.events).map((event) =>
            h("li", { class: "event-chip", "data-event": event }, EVENT_NAMES[event] ?? event),
          ),
        ),
      ),
      fact("Wallets", this.walletText(webhook.wallet)),
      fact("Created", h("time", { datetime: webhook.createdAt }, formatTime(webhook.createdAt))),
    );
  }

  walletText(wallet) {
    if (!wallet) return h("span", { class: "every-wallet" }, "Every wallet");
    return h(
      "span",
      { class: "webhook-wallet" },
      chainBadge(this.view.chains.get(wallet.chain)),
      " ",
      h("a", { href: walletHref(wallet), title: wallet.address }, walletName(wallet)),
    );
  }

  focus() {
    this.title.focus();
  }

  say(message, isError = false) {
    showMessage(this.message, message, isError);
  }

  /** Reads the newest page of deliveries again, or (`older`) the page after those shown. */
  async loadDeliveries({ older = false } = {}) {
    const after = older ? this.pageInfo?.endCursor : null;
    let connection;
    try {
      const data = await this.api.request(WEBHOOK_DELIVERIES, { id: this.webhook.id, after });
      connection = data.node?.deliveries;
    } catch (error) {
      replaceChildren(this.deliveriesError, `Could not load the deliveries: ${error.message}`);
      return;
    }
    if (!connection) return;
    replaceChildren(this.deliveriesError, "");
    const hadFocus = document.activeElement === this.olderButton;
    this.showDeliveries(connection, { older });
    // The last page read: the button goes, and the focus to the last delivery shown.
    if (hadFocus && this.olderButton.hidden) [...this.deliveriesBody.querySelectorAll(".payload-button")].at(-1)?.focus();
  }

  showDeliveries(connection, { older }) {
    const nodes = connection.edges.map((edge) => edge.node);
    this.deliveries = older ? [...this.deliveries, ...nodes] : nodes;
    this.pagesRead = older ? this.pagesRead + 1 : 1;
    this.pageInfo = connection.pageInfo;
    this.total = connection.totalCount;
    this.renderDeliveries();
  }

  /** A delivery just made ("Send test"), shown at the top until the list is read again. */
  showDelivery(delivery) {
    this.deliveries = [delivery, ...this.deliveries.filter((shown) => shown.id !== delivery.id)];
    this.total = (this.total ?? 0) + 1;
    this.deliveriesBox.open = true;
    this.renderDeliveries();
  }

  renderDeliveries() {
    const shown = JSON.stringify([this.total, this.pageInfo, this.deliveries]);
    if (shown === this.shownDeliveries) return;
    this.shownDeliveries = shown;
    // A payload button that had the focus gets it back once its row is drawn again.
    const focusedRow = document.activeElement?.closest?.("tr.delivery");
    const count = this.deliveries.length;
    replaceChildren(
      this.deliveriesSummary,
      this.total ? `Recent deliveries (${formatCount(count)} of ${formatCount(this.total)})` : "Recent deliveries",
    );
    const failing = this.deliveries.filter((delivery) => delivery.status !== "SUCCEEDED" && delivery.attempts > 0);
    if (failing.length) {
      this.deliveriesSummary.append(h("span", { class: "failing-count" }, ` · ${formatCount(failing.length)} not delivered`));
    }
    replaceChildren(this.deliveriesBody, this.deliveries.map((delivery) => this.deliveryRows(delivery)));
    if (focusedRow && this.deliveriesBody.contains(focusedRow) === false) {
      const id = focusedRow.dataset.deliveryId;
      for (const row of this.deliveriesBody.querySelectorAll("tr.delivery")) {
        if (row.dataset.deliveryId === id) row.querySelector(".payload-button").focus();
      }
    }
    this.deliveriesTable.hidden = count === 0;
    this.noDeliveries.hidden = count > 0;
    this.olderButton.hidden = !this.pageInfo?.hasNextPage;
  }

  deliveryRows(delivery) {
    const payloadId = `payload-${this.webhook.id}-${delivery.id}`.replace(/[^A-Za-z0-9_-]/g, "_");
    const open = this.openPayloads.has(delivery.id);
    const payloadRow = h(
      "tr",
      { class: "payload-row", hidden: !open },
      h("td", { colspan: "6" }, h("pre", { class: "payload", id: payloadId }, prettyJson(delivery.payload))),
    );
    const toggle = h(
      "button",
      {
        type: "button",
        class: "secondary payload-button",
        "aria-expanded": String(open),
        "aria-controls": payloadId,
        onClick: () => {
          const opening = payloadRow.hidden;
          payloadRow.hidden = !opening;
          toggle.setAttribute("aria-expanded", String(opening));
          if (opening) this.openPayloads.add(delivery.id);
          else this.openPayloads.delete(delivery.id);
        },
      },
      "Payload",
    );
    const succeeded = delivery.status === "SUCCEEDED";
    return [
      h(
        "tr",
        { class: `delivery delivery-${delivery.status.toLowerCase()}`, "data-delivery-id": delivery.id },
        h("td", { "data-label": "Event" }, EVENT_NAMES[delivery.event] ?? delivery.event),
        h(
          "td",
          { class: "delivery-status", "data-label": "Status" },
          h(
            "span",
            { class: `badge badge-delivery-${delivery.status.toLowerCase()}` },
            DELIVERY_STATUS[delivery.status] ?? delivery.status,
          ),
          succeeded && delivery.lastStatusCode != null
            ? h("span", { class: "delivery-code" }, ` HTTP ${delivery.lastStatusCode}`)
            : null,
          !succeeded && delivery.attempts > 0
            ? h("span", { class: "delivery-error" }, failureReason(delivery))
            : null,
        ),
        h("td", { class: "number", "data-label": "Attempts" }, formatCount(delivery.attempts)),
        h("td", { class: "delivery-created", "data-label": "Created" }, formatTime(delivery.createdAt).replace(" UTC", "")),
        h("td", { class: "delivery-when", "data-label": "Delivered or next attempt" }, deliveryWhen(delivery)),
        h("td", { class: "payload-cell" }, toggle),
      ),
      payloadRow,
    ];
  }
}

function deliveryWhen(delivery) {
  if (delivery.status === "SUCCEEDED") return `delivered ${formatTime(delivery.deliveredAt)}`;
  if (delivery.status === "FAILED") return h("span", { class: "muted" }, "no more attempts");
  return delivery.nextAttemptAt ? `next attempt ${formatTime(delivery.nextAttemptAt)}` : "sending…";
}
