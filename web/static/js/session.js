// What every page shares: the server's UI settings, the stored API token, the API's URLs.

const TOKEN_KEY = "wallet-tracker.token";

export function storedToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || "";
  } catch {
    return "";
  }
}

export function storeToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage refused (private mode): the token lasts as long as the page.
  }
}

export function authHeaders(token = storedToken()) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** {auth: "off" | "token", graphiql: boolean}; the defaults when the server cannot say. */
export async function loadUiConfig() {
  try {
    const response = await fetch("/ui-config.json", { cache: "no-store" });
    if (response.ok) return { reachable: true, ...(await response.json()) };
  } catch {
    // Unreachable: the pages say so when their first API call fails.
  }
  return { reachable: false, auth: "off", graphiql: true };
}

export function graphqlUrl() {
  return new URL("/graphql", window.location.href).toString();
}

export function websocketUrl() {
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}
