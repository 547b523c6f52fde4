// The chains the server syncs (its `chains` answer, read once) and how each is shown: the
// address format to type, a badge, and the block explorer its addresses and transactions link to.

import { h } from "./dom.js";
import { CHAINS } from "./queries.js";

// Presentation only: which chains can be added comes from the server, never from this table.
const LOOKS = {
  BITCOIN: looks("bc1q…, 1…, 3…", explorer("mempool.space", "https://mempool.space")),
  LITECOIN: looks("L…, M…, ltc1…", explorer("litecoinspace.org", "https://litecoinspace.org")),
  DOGECOIN: looks("D…, A…, 9…", blockchair("dogecoin")),
  BITCOIN_CASH: looks("bitcoincash:q… or 1…", blockchair("bitcoin-cash")),
  ETHEREUM: looks("0x… (40 hex digits)", explorer("Etherscan", "https://etherscan.io")),
  SOLANA: looks("base58, 32–44 characters", explorer("Solscan", "https://solscan.io", "account")),
};

function looks(addressHint, explorerLinks) {
  return { addressHint, explorer: explorerLinks };
}

// An explorer's pages of a transaction (`<base>/<txPath>/<id>`) and an address.
function explorer(name, base, addressPath = "address", txPath = "tx") {
  return { name, tx: `${base}/${txPath}/`, address: `${base}/${addressPath}/` };
}

function blockchair(chainPath) {
  return explorer("Blockchair", `https://blockchair.com/${chainPath}`, "address", "transaction");
}
const DEFAULT_CHAIN = "BITCOIN";

/** The server's chains by their `Chain` value, in the server's order. */
export class Chains {
  constructor(infos) {
    this.list = infos;
    this.byChain = new Map(infos.map((info) => [info.chain, info]));
  }

  /** The ChainInfo of `chain`; a chain the server does not list shows plain base units. */
  get(chain) {
    const info = this.byChain.get(chain);
    if (info) return info;
    const name = chain.charAt(0) + chain.slice(1).toLowerCase().replace(/_/g, " ");
    return { chain, name, symbol: `${name} base units`, decimals: 0, baseUnit: "base units" };
  }

  name(chain) {
    return this.get(chain).name;
  }

  /** What the chain picker starts on: Bitcoin when the server lists it. */
  get defaultChain() {
    return this.byChain.has(DEFAULT_CHAIN) ? DEFAULT_CHAIN : (this.list[0]?.chain ?? null);
  }
}

let loading = null;

/** The server's chains, asked for once; a failed answer is asked for again next time. */
export function loadChains(api) {
  if (loading === null) {
    loading = api.request(CHAINS).then((data) => new Chains(data.chains));
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** "L…, M…, ltc1…": the shape of an address on `chain`, or null when there is no hint. */
export function addressHint(chain) {
  return LOOKS[chain]?.addressHint ?? null;
}

/** The explorer's page of a transaction, or null for a chain without one. */
export function transactionUrl(chain, txid) {
  const explorer = LOOKS[chain]?.explorer;
  return explorer ? explorer.tx + encodeURIComponent(txid) : null;
}

/** The explorer's page of an address, or null for a chain without one. */
export function addressUrl(chain, address) {
  const explorer = LOOKS[chain]?.explorer;
  if (!explorer) return null;
  // Blockchair names Bitcoin Cash addresses without the CashAddr prefix.
  const bare = chain === "BITCOIN_CASH" ? address.replace(/^bitcoincash:/i, "") : address;
  return explorer.address + encodeURIComponent(bare);
}

export function explorerName(chain) {
  return LOOKS[chain]?.explorer.name ?? null;
}

/** A small badge with the chain's name, e.g. "Bitcoin". */
export function chainBadge(info) {
  return h(
    "span",
    { class: `chain-badge chain-${info.chain.toLowerCase().replace(/_/g, "-")}`, "data-chain": info.chain },
    info.name,
  );
}
