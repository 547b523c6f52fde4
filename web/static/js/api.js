// Talks to wallet-tracker: GraphQL over HTTP, subscriptions over graphql-transport-ws.
/* global graphqlWs */

import { authHeaders, graphqlUrl, websocketUrl } from "./session.js";

const UNAUTHORIZED_CLOSE_CODE = 4401;

/** A failed API call, with a message a person can act on. */
export class ApiError extends Error {
  /** kind: "network", "unauthenticated", "rate-limited", "server" or "graphql". */
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

export class Api {
  /**
   * onProblem(error | null): the latest connection-level problem (unreachable, refused token,
   * rate limit), or null once calls succeed again; pages show it in one banner.
   * onLive(state): "connected", "reconnecting" or "closed" for the websocket.
   */
  constructor({ token, onProblem = () => {}, onLive = () => {} }) {
    this.token = token;
    this.onProblem = onProblem;
    this.onLive = onLive;
    this.socket = null;
  }

  async request(query, variables = {}) {
    let response;
    try {
      response = await fetch(graphqlUrl(), {
        method: "POST",
        headers: { "Content-Type": "application/json", ...authHeaders(this.token) },
        body: JSON.stringify({ query, variables }),
      });
    } catch {
      throw this.problem(
        new ApiError(
          "network",
          `Cannot reach the wallet-tracker API at ${graphqlUrl()}. Is the server running? ` +
            "Check the connection and try again.",
        ),
      );
    }
    const body = await response.json().catch(() => null);
    if (response.status === 401) {
      throw this.problem(
        new ApiError(
          "unauthenticated",
          this.token
            ? "The server refused the API token (wrong or revoked). Enter a valid token."
            : "This server needs an API token. Enter yours above.",
        ),
      );
    }
    if (response.status === 429) {
      const wait = response.headers.get("Retry-After") || "a few";
      throw this.problem(
        new ApiError("rate-limited", `Too many requests: try again in ${wait} seconds.`),
      );
    }
    if (!body || (response.status >= 500 && !body.errors)) {
      throw this.problem(
        new ApiError("server", `The server answered ${response.status} ${response.statusText}.`),
      );
    }
    this.onProblem(null);
    if (body.errors?.length) {
      throw new ApiError("graphql", body.errors.map((error) => error.message).join(" "));
    }
    return body.data;
  }

  problem(error) {
    this.onProblem(error);
    return error;
  }

  /** Streams a subscription into sink {next(data), error(ApiError)}; returns the unsubscribe. */
  subscribe(query, variables, sink) {
    return this.liveSocket().subscribe(
      { query, variables },
      {
        next: (result) => {
          if (result.errors?.length) {
            sink.error?.(new ApiError("graphql", result.errors.map((e) => e.message).join(" ")));
          } else {
            sink.next(result.data);
          }
        },
        error: (error) => sink.error?.(this.subscriptionError(error)),
        complete: () => sink.complete?.(),
      },
    );
  }

  subscriptionError(error) {
    if (error?.code === UNAUTHORIZED_CLOSE_CODE) {
      return this.problem(
        new ApiError("unauthenticated", "The server refused the API token for live updates."),
      );
    }
    if (Array.isArray(error)) {
      return new ApiError("graphql", error.map((e) => e.message).join(" "));
    }
    if (error?.code) {
      return new ApiError("network", `Live updates stopped (${error.code} ${error.reason || ""}).`);
    }
    return new ApiError("network", String(error?.message || error));
  }

  liveSocket() {
    if (this.socket === null) {
      this.socket = graphqlWs.createClient({
        url: websocketUrl(),
        connectionParams: () => authHeaders(this.token),
        // Keep trying while the server is away (a restart, a dropped network); a refused token
        // or a protocol error still ends the subscriptions with an error.
        retryAttempts: Infinity,
        shouldRetry: () => true,
        keepAlive: 20_000,
        on: {
          connected: () => this.onLive("connected"),
          closed: (event) => {
            this.onLive(event?.code === UNAUTHORIZED_CLOSE_CODE ? "closed" : "reconnecting");
          },
        },
      });
    }
    return this.socket;
  }

  close() {
    this.socket?.dispose();
    this.socket = null;
  }
}
