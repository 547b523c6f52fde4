// The dashboard: wallets at #/, one wallet at #/wallet/<chain>/<address>, webhooks at
// #/webhooks; live over websockets.

import { Api } from "./api.js";
import { loadChains } from "./chains.js";
import { h, replaceChildren } from "./dom.js";
import { loadUiConfig, storedToken, storeToken } from "./session.js";
import { WalletView } from "./wallet-view.js";
import { WalletsView } from "./wallets-view.js";
import { WebhooksView } from "./webhooks-view.js";

const main = document.getElementById("main");
const banner = document.getElementById("banner");
let config = { auth: "off", graphiql: true };
let api = null;
let view = null;

function showProblem(error) {
  if (!error) {
    banner.hidden = true;
    replaceChildren(banner);
    return;
  }
  replaceChildren(
    banner,
    h("span", {}, error.message),
    h("button", { type: "button", class: "secondary", onClick: () => route() }, "Retry"),
  );
  banner.hidden = false;
}

function showLiveState(state) {
  document.body.dataset.live = state;
}

function newApi() {
  api?.close();
  api = new Api({ token: storedToken(), onProblem: showProblem, onLive: showLiveState });
}

function setUpTokenForm() {
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  input.value = storedToken();
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    storeToken(input.value.trim());
    newApi();
    route();
  });
  document.getElementById("token-forget").addEventListener("click", () => {
    input.value = "";
    storeToken("");
    newApi();
    route();
  });
}

function needsToken() {
  return config.auth === "token" && !storedToken();
}

function route() {
  view?.close();
  view = null;
  showProblem(null);
  if (needsToken()) {
    replaceChildren(
      main,
      h(
        "section",
        { class: "panel" },
        h("h1", {}, "Your API token"),
        h(
          "p",
          {},
          "This server needs an API token: enter it in the field at the top of the page. ",
          "It is kept in this browser only. Create one with ",
          h("code", {}, "python -m server create-account NAME"),
          " on the server.",
        ),
      ),
    );
    document.getElementById("token-input").focus();
    return;
  }
  // "#/wallet/<address>" (links from before there were chains) names no chain.
  const match = window.location.hash.match(/^#\/wallet\/(?:([a-z_]+)\/)?([^/?#]+)$/);
  if (match) {
    const chain = match[1] ? match[1].toUpperCase() : null;
    view = new WalletView(api, main, decodeURIComponent(match[2]), chain);
    document.title = "Wallet · wallet-tracker";
  } else if (window.location.hash === "#/webhooks") {
    view = new WebhooksView(api, main);
    document.title = "Webhooks · wallet-tracker";
  } else {
    view = new WalletsView(api, main);
    document.title = "Wallets · wallet-tracker";
  }
  markCurrentPage();
  view.open();
}

/** The top bar's link to the page shown (a wallet's page belongs to "Wallets"). */
function markCurrentPage() {
  const current = window.location.hash === "#/webhooks" ? "#/webhooks" : "#/";
  for (const link of document.querySelectorAll(".top-nav a[href^='#']")) {
    if (link.getAttribute("href") === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function start() {
  config = await loadUiConfig();
  document.getElementById("graphiql-link").hidden = !config.graphiql;
  if (config.auth === "token") setUpTokenForm();
  newApi();
  // Asked for once, while the first view reads its wallets; views wait for the same answer.
  if (!needsToken()) loadChains(api).catch(() => {});
  window.addEventListener("hashchange", () => {
    route();
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  });
  route();
}

start();
