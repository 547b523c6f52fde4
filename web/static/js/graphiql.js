// GraphiQL with wallet-tracker's example operations and, with AUTH=token, the stored API token.
/* global React, ReactDOM, GraphiQL */

import { authHeaders, graphqlUrl, loadUiConfig, storedToken, storeToken, websocketUrl } from "./session.js";

const SAMPLE_ADDRESS = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy";
const WELCOME = `# wallet-tracker's GraphQL API.
# The buttons above load examples.
# Run: Ctrl-Enter or the play button.

query Viewer {
  viewer { account { name createdAt } }
  wallets(first: 5) { totalCount edges { node { address label balance syncStatus } } }
}
`;

const EXAMPLES = {
  listWallets: {
    query: `query ListWallets($after: String) {
  wallets(first: 20, after: $after) {
    totalCount
    edges {
      node { id address label balance confirmedBalance unconfirmedBalance syncStatus lastSyncedAt }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
    variables: async () => ({ after: null }),
  },
  addWallet: {
    query: `mutation AddWallet($address: String!, $label: String) {
  addWallet(input: {address: $address, label: $label}) {
    wallet { id address label syncStatus }
    job { id status }
    errors { code field message }
  }
}
`,
    variables: async () => ({ address: SAMPLE_ADDRESS, label: "Example" }),
  },
  pageTransactions: {
    query: `query PageTransactions($address: String!, $after: String) {
  wallet(address: $address) {
    address
    balance
    transactions(first: 20, after: $after) {
      totalCount
      edges { node { txid blockHeight timestamp amount direction confirmations } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`,
    variables: async () => ({ address: (await newestWallet())?.address ?? SAMPLE_ADDRESS, after: null }),
  },
  watchJob: {
    query: `subscription WatchJob($id: ID!) {
  jobUpdates(id: $id) {
    id status progress fetchedTransactions expectedTransactions provider error
  }
}
`,
    variables: async () => ({
      id: (await newestWallet())?.latestJob?.id ?? "the job id that addWallet or syncWallet returned",
    }),
  },
  watchWallet: {
    query: `subscription WatchWallet($address: String!) {
  walletUpdates(address: $address) {
    address label balance syncStatus transactionCount lastSyncedAt
  }
}
`,
    variables: async () => ({ address: (await newestWallet())?.address ?? SAMPLE_ADDRESS }),
  },
};

/** The newest wallet, to fill the examples with something that exists; null when unknown. */
async function newestWallet() {
  try {
    const response = await fetch(graphqlUrl(), {
      method: "POST",
      headers: { "Content-Type": "application/json", ...authHeaders() },
      body: JSON.stringify({
        query: "{ wallets(first: 1) { edges { node { address latestJob { id } } } } }",
      }),
    });
    const body = await response.json();
    return body.data?.wallets?.edges?.[0]?.node ?? null;
  } catch {
    return null;
  }
}

function createFetcher(token) {
  const fetcher = GraphiQL.createFetcher({
    url: graphqlUrl(),
    subscriptionUrl: websocketUrl(),
    headers: authHeaders(token),
    // graphql-transport-ws: the token travels in the connection_init payload.
    wsConnectionParams: authHeaders(token),
  });
  // GraphiQL parses the editor's text, and learns the operation's name, a moment after each
  // edit; an operation run at once would go out with the previous name, and a subscription over
  // HTTP. Parse it here when needed, so it always goes out whole and to the websocket.
  return (params, options = {}) => {
    let documentAST = options.documentAST;
    try {
      documentAST = GraphiQL.GraphQL.parse(params.query);
    } catch {
      return fetcher(params, options); // the server explains the syntax error
    }
    const operations = documentAST.definitions.filter((node) => node.kind === "OperationDefinition");
    const names = operations.map((operation) => operation.name?.value);
    let operationName = params.operationName ?? undefined;
    if (operations.length === 1 && !names.includes(operationName)) operationName = names[0];
    return fetcher({ ...params, operationName }, { ...options, documentAST });
  };
}

// The editor context, captured inside GraphiQL so the buttons above it can fill its editors.
let editorContext = null;

function EditorBridge() {
  editorContext = GraphiQL.React.useEditorContext({ nonNull: true });
  return null;
}

async function loadExample(name) {
  const example = EXAMPLES[name];
  if (!example || !editorContext) return;
  const variables = JSON.stringify(await example.variables(), null, 2);
  ReactDOM.flushSync(() => editorContext.addTab());
  fillNewTab(example.query, variables);
  editorContext.queryEditor?.focus();
}

// How long a new tab's editors are watched for GraphiQL emptying them again.
const REFILL_MS = 2000;

/** Writes an example into the tab just added. GraphiQL fills a new tab's editors from inside a
 * state update, which React applies again when it rebases that update over a slower one still
 * pending (a busy page): the second pass puts the tab's defaults back over the example. For a
 * moment after, an editor found holding exactly those defaults gets the example again; one the
 * user has typed in is left alone. */
function fillNewTab(query, variables) {
  const defaults = {
    query: editorContext.queryEditor?.getValue() ?? "",
    variables: editorContext.variableEditor?.getValue() ?? "",
  };
  const fill = () => {
    const { queryEditor, variableEditor } = editorContext;
    if (queryEditor && queryEditor.getValue() === defaults.query) queryEditor.setValue(query);
    if (variableEditor && variableEditor.getValue() === defaults.variables) {
      variableEditor.setValue(variables);
    }
  };
  fill();
  const until = performance.now() + REFILL_MS;
  const watch = () => {
    fill();
    if (performance.now() < until) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}

let setToken = () => {};

function App() {
  const [token, changeToken] = React.useState(storedToken());
  setToken = changeToken;
  const fetcher = React.useMemo(() => createFetcher(token), [token]);
  return React.createElement(
    GraphiQL,
    {
      fetcher,
      defaultQuery: WELCOME,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    },
    React.createElement(GraphiQL.Logo, null, React.createElement(EditorBridge), "GraphiQL"),
  );
}

function showTokenForm() {
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const state = document.getElementById("token-state");
  const describe = () => {
    state.textContent = storedToken() ? "Token set" : "No token: requests are refused";
  };
  input.value = storedToken();
  form.hidden = false;
  describe();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    storeToken(input.value.trim());
    setToken(storedToken());
    describe();
  });
}

async function start() {
  for (const button of document.querySelectorAll("[data-example]")) {
    button.addEventListener("click", () => loadExample(button.dataset.example));
  }
  const config = await loadUiConfig();
  if (config.auth === "token") showTokenForm();
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(App));
}

start();
