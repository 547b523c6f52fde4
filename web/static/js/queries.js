// The GraphQL operations the dashboard sends (see shared/schema.graphql).

const JOB_FIELDS = `id status progress fetchedTransactions expectedTransactions addressesScanned
  error`;
const WALLET_FIELDS = `id address chain kind label balance confirmedBalance unconfirmedBalance
  transactionCount syncStatus lastSyncedAt lastSyncError latestJob { ${JOB_FIELDS} }`;
// What an HD wallet's page shows beyond the list's fields: its keys and where to pay it.
const WALLET_PAGE_FIELDS = `${WALLET_FIELDS} descriptor gapLimit receiveAddress`;
const ERROR_FIELDS = "errors { code field message }";

export const CHAINS = `query Chains { chains { chain name symbol decimals baseUnit } }`;

export const TOTALS = `query Totals {
  portfolios { chain walletCount balance fiatValue { amount currency priceAt } }
  netWorth { currency amount priceAt unpricedChains }
}`;

export const WALLETS = `query Wallets($after: String) {
  wallets(first: 500, after: $after) {
    totalCount
    edges { node { ${WALLET_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** One wallet: the list's fields and, for HD wallets, its descriptor and receive address. */
export const WALLET = `query Wallet($address: String!, $chain: Chain) {
  wallet(address: $address, chain: $chain) { ${WALLET_PAGE_FIELDS} }
}`;

export const ADD_WALLET = `mutation AddWallet($address: String!, $chain: Chain!, $label: String,
    $gapLimit: Int, $scriptType: ScriptType) {
  addWallet(input: {address: $address, chain: $chain, label: $label, gapLimit: $gapLimit,
      scriptType: $scriptType}) {
    wallet { ${WALLET_FIELDS} }
    job { ${JOB_FIELDS} }
    ${ERROR_FIELDS}
  }
}`;

export const UPDATE_WALLET = `mutation UpdateWallet($address: String!, $chain: Chain, $label: String) {
  updateWallet(input: {address: $address, chain: $chain, label: $label}) {
    wallet { ${WALLET_FIELDS} }
    ${ERROR_FIELDS}
  }
}`;

export const REMOVE_WALLET = `mutation RemoveWallet($address: String!, $chain: Chain) {
  removeWallet(input: {address: $address, chain: $chain}) { removedAddress ${ERROR_FIELDS} }
}`;

export const SYNC_WALLET = `mutation SyncWallet($address: String!, $chain: Chain) {
  syncWallet(input: {address: $address, chain: $chain}) { job { ${JOB_FIELDS} } ${ERROR_FIELDS} }
}`;

export const TRANSACTIONS = `query Transactions($address: String!, $chain: Chain, $first: Int, $after: String,
    $last: Int, $before: String, $filter: TransactionFilter) {
  wallet(address: $address, chain: $chain) {
    transactions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      edges { node { id txid blockHeight timestamp amount direction confirmations fee failed } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;

export const WALLET_ADDRESSES = `query WalletAddresses($address: String!, $chain: Chain, $first: Int,
    $after: String, $keychain: Keychain, $used: Boolean) {
  wallet(address: $address, chain: $chain) {
    addresses(first: $first, after: $after, keychain: $keychain, used: $used) {
      totalCount
      edges { node { address keychain index derivationPath balance transactionCount used } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const BALANCE_HISTORY = `query BalanceHistory($address: String!, $chain: Chain, $interval: Interval!,
    $since: DateTime) {
  wallet(address: $address, chain: $chain) { balanceHistory(interval: $interval, since: $since) { at balance } }
}`;

export const WALLET_UPDATES = `subscription WalletUpdates($address: String!, $chain: Chain) {
  walletUpdates(address: $address, chain: $chain) { ${WALLET_FIELDS} }
}`;

export const WALLET_PAGE_UPDATES = `subscription WalletPageUpdates($address: String!, $chain: Chain) {
  walletUpdates(address: $address, chain: $chain) { ${WALLET_PAGE_FIELDS} }
}`;

export const JOB_UPDATES = `subscription JobUpdates($id: ID!) {
  jobUpdates(id: $id) { ${JOB_FIELDS} }
}`;

// Webhooks: the viewer's endpoints, their recent deliveries, and what changes them.

const DELIVERY_FIELDS = `id event status attempts lastStatusCode lastError payload createdAt
  deliveredAt nextAttemptAt`;
const WEBHOOK_FIELDS = `id url events enabled disabledReason createdAt
  wallet { id address label chain }`;
export const DELIVERIES_PAGE = 10;
/** A page of deliveries, newest first; after `$after` where the operation declares it. */
const deliveries = (paged) => `deliveries(first: ${DELIVERIES_PAGE}${paged ? ", after: $after" : ""}) {
  totalCount
  pageInfo { hasNextPage endCursor }
  edges { node { ${DELIVERY_FIELDS} } }
}`;

export const WEBHOOKS = `query Webhooks {
  viewer { webhooks { ${WEBHOOK_FIELDS} ${deliveries(false)} } }
}`;

/** One webhook's deliveries, the page after `after`. */
export const WEBHOOK_DELIVERIES = `query WebhookDeliveries($id: ID!, $after: String) {
  node(id: $id) { ... on Webhook { id ${deliveries(true)} } }
}`;

export const CREATE_WEBHOOK = `mutation CreateWebhook($url: String!, $events: [WebhookEvent!]!,
    $address: String, $chain: Chain) {
  createWebhook(input: {url: $url, events: $events, address: $address, chain: $chain}) {
    webhook { ${WEBHOOK_FIELDS} ${deliveries(false)} }
    secret
    ${ERROR_FIELDS}
  }
}`;

export const UPDATE_WEBHOOK = `mutation UpdateWebhook($id: ID!, $enabled: Boolean) {
  updateWebhook(input: {id: $id, enabled: $enabled}) { webhook { ${WEBHOOK_FIELDS} } ${ERROR_FIELDS} }
}`;

export const DELETE_WEBHOOK = `mutation DeleteWebhook($id: ID!) {
  deleteWebhook(input: {id: $id}) { deletedId ${ERROR_FIELDS} }
}`;

export const TEST_WEBHOOK = `mutation TestWebhook($id: ID!) {
  testWebhook(input: {id: $id}) { delivery { ${DELIVERY_FIELDS} } ${ERROR_FIELDS} }
}`;
