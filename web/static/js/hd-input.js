// What the add box's text is, as the server will read it: an address, a bare extended key that
// leaves the script type open, or an HD input that fixes it (ypub, zpub…, a descriptor).

// Base58Check of a 78-byte extended key is 111 or 112 characters; no address comes close.
const EXTENDED_KEY = /^[1-9A-HJ-NP-Za-km-z]{100,119}$/;
const DESCRIPTOR = /^[a-z_]+\(.*\)(#.*)?$/s;
// Version prefixes that say nothing of the script (SLIP-132): xpub-like keys of each network.
const SCRIPT_OPEN_PREFIXES = new Set(["xpub", "tpub", "Ltub", "dgub", "ttub"]);

export const GAP_LIMIT = { min: 1, max: 1000, default: 20 };

/** "address", "hd" (the key or descriptor fixes its script) or "bare-key" (a picker is due). */
export function inputKind(text) {
  const trimmed = text.trim();
  if (DESCRIPTOR.test(trimmed)) return "hd";
  if (!EXTENDED_KEY.test(trimmed)) return "address";
  return SCRIPT_OPEN_PREFIXES.has(trimmed.slice(0, 4)) ? "bare-key" : "hd";
}

// The address each script type gives on each chain that has HD wallets (presentation only:
// the server says which it accepts).
const SCRIPT_LOOKS = {
  BITCOIN: { P2PKH: "1…", P2SH_P2WPKH: "3…", P2WPKH: "bc1q…", P2TR: "bc1p…" },
  LITECOIN: { P2PKH: "L…", P2SH_P2WPKH: "M…", P2WPKH: "ltc1q…" },
  DOGECOIN: { P2PKH: "D…" },
};
const SCRIPT_NAMES = {
  P2PKH: "P2PKH legacy",
  P2SH_P2WPKH: "P2SH-P2WPKH nested segwit",
  P2WPKH: "P2WPKH native segwit",
  P2TR: "P2TR taproot",
};

/** True when the server takes extended keys and descriptors on `chain`. */
export function hasHdWallets(chain) {
  return chain in SCRIPT_LOOKS;
}

/** [[ScriptType, "P2WPKH native segwit, bc1q…"], …] for the script picker of `chain`. */
export function scriptChoices(chain) {
  return Object.entries(SCRIPT_LOOKS[chain] ?? {}).map(([script, looks]) => [
    script,
    `${SCRIPT_NAMES[script]}, ${looks}`,
  ]);
}
