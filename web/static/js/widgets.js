// Pieces both pages use: amounts, the sync status badge, the live progress bar of a sync job.

import { h, replaceChildren } from "./dom.js";
import { describeAmount, formatAge, formatAmount, formatCount, formatTime } from "./format.js";
import { JOB_UPDATES, SYNC_WALLET } from "./queries.js";

const STATUS_TEXT = { PENDING: "Pending", SYNCING: "Syncing", SYNCED: "Synced", ERROR: "Error" };
const RUNNING = new Set(["QUEUED", "RUNNING"]);
// How long a finished job's full bar stays up before it gives way to the status badge.
const FINISHED_BAR_MS = 4000;

// "Sync now" for one wallet ({address, chain}), from a view with `api`, `syncButton`,
// `progress` and `say`: asks for a sync and shows its progress, or says why not.
export async function syncNow(view, { address, chain }) {
  view.say("");
  view.syncButton.disabled = true;
  try {
    const payload = (await view.api.request(SYNC_WALLET, { address, chain })).syncWallet;
    if (payload.errors.length) view.say(payload.errors[0].message, true);
    else view.progress.watch(payload.job);
  } catch (error) {
    view.say(error.message, true);
  } finally {
    view.syncButton.disabled = false;
  }
}

/** An amount in `chain`'s units (a ChainInfo); its exact value and base units in the title. */
export function amount(baseUnits, chain, { tag = "span", signed = false, ...attributes } = {}) {
  return h(
    tag,
    { ...attributes, title: describeAmount(baseUnits, chain, { signed }) },
    formatAmount(baseUnits, chain, { signed }),
  );
}

export function statusBadge(syncStatus) {
  return h(
    "span",
    { class: `badge badge-${syncStatus.toLowerCase()}` },
    STATUS_TEXT[syncStatus] ?? syncStatus,
  );
}

export function syncedAt(iso) {
  if (!iso) return h("span", { class: "muted" }, "never");
  return h("time", { datetime: iso, title: formatTime(iso) }, formatAge(iso));
}

export function isRunning(job) {
  return Boolean(job && RUNNING.has(job.status));
}

/** A progress bar that follows one sync job over `jobUpdates` until it ends. */
export class JobProgress {
  constructor(api, label, { onEnd = () => {} } = {}) {
    this.api = api;
    this.onEnd = onEnd;
    this.jobId = null;
    this.unsubscribe = null;
    this.hideTimer = null;
    this.fill = h("div", { class: "progress-fill" });
    this.bar = h(
      "div",
      {
        class: "progress",
        role: "progressbar",
        "aria-label": label,
        "aria-valuemin": "0",
        "aria-valuemax": "100",
      },
      this.fill,
    );
    this.text = h("span", { class: "progress-text" });
    this.element = h("div", { class: "job-progress", hidden: true }, this.bar, this.text);
  }

  /** Starts following `job` (unless it already does); a finished job shows a full bar. */
  watch(job) {
    if (!job || job.id === this.jobId) return;
    this.stop();
    this.jobId = job.id;
    this.show(job);
    this.unsubscribe = this.api.subscribe(JOB_UPDATES, { id: job.id }, {
      next: (data) => this.show(data.jobUpdates),
      error: (error) => this.showError(error.message),
      complete: () => {
        this.unsubscribe = null;
      },
    });
  }

  show(job) {
    clearTimeout(this.hideTimer);
    this.element.hidden = false;
    const done = job.status === "SUCCEEDED";
    const percent = done ? 100 : job.progress == null ? null : Math.floor(job.progress * 100);
    this.element.classList.toggle("indeterminate", percent === null);
    this.element.classList.toggle("failed", job.status === "FAILED" || job.status === "CANCELLED");
    this.fill.style.width = `${percent ?? 100}%`;
    if (percent === null) this.bar.removeAttribute("aria-valuenow");
    else this.bar.setAttribute("aria-valuenow", String(percent));
    this.bar.setAttribute("aria-valuetext", describe(job, percent));
    replaceChildren(this.text, describe(job, percent));
    if (!RUNNING.has(job.status)) {
      this.onEnd(job);
      this.hideTimer = setTimeout(() => {
        if (!this.element.classList.contains("failed")) this.element.hidden = true;
      }, FINISHED_BAR_MS);
    }
  }

  showError(message) {
    this.element.hidden = false;
    this.element.classList.add("failed");
    replaceChildren(this.text, `Progress unavailable: ${message}`);
  }

  stop() {
    clearTimeout(this.hideTimer);
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.jobId = null;
  }
}

function describe(job, percent) {
  const fetched = formatCount(job.fetchedTransactions ?? 0);
  const expected = job.expectedTransactions == null ? null : formatCount(job.expectedTransactions);
  const counted = expected === null ? `${fetched} transactions` : `${fetched} of ${expected} transactions`;
  const share = percent === null ? "" : ` (${percent}%)`;
  // HD wallets: how far the scan of derived addresses has got (null for other wallets).
  const scanned =
    job.addressesScanned == null
      ? ""
      : `${formatCount(job.addressesScanned)} address${job.addressesScanned === 1 ? "" : "es"} scanned`;
  switch (job.status) {
    case "QUEUED":
      return "Queued";
    case "RUNNING":
      return scanned ? `Syncing: ${scanned}, ${counted}${share}` : `Syncing: ${counted}${share}`;
    case "SUCCEEDED":
      return scanned ? `Done: ${scanned}` : `Done: 100%`;
    case "FAILED":
      return `Failed: ${job.error ?? "unknown error"}`;
    default:
      return job.status.charAt(0) + job.status.slice(1).toLowerCase();
  }
}

/**
 * A "Copy" button for the text of `source` (an element showing it whole), and a note saying it
 * was copied; where the clipboard is refused, the text is selected for the person to copy.
 */
export function copyControl(source, what) {
  const note = h("span", { class: "copy-note", role: "status" });
  const button = h(
    "button",
    {
      type: "button",
      class: "secondary copy-button",
      "aria-label": `Copy ${what}`,
      onClick: async () => {
        try {
          await navigator.clipboard.writeText(source.textContent);
          replaceChildren(note, "Copied");
        } catch {
          window.getSelection().selectAllChildren(source);
          replaceChildren(note, "Selected: press Ctrl+C to copy");
        }
      },
    },
    "Copy",
  );
  return h("span", { class: "copy-control" }, button, note);
}

/**
 * Asks in the page's modal dialog (Escape or Cancel says no); resolves true when the person
 * presses the `action` button.
 */
export function askToConfirm({ title, text, action }) {
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  const button = document.getElementById("confirm-button");
  button.textContent = action;
  dialog.returnValue = "";
  dialog.showModal();
  button.focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), {
      once: true,
    });
  });
}
