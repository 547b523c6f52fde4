// Formatting for people: amounts in a chain's units with exact integer arithmetic, times.

// Fraction digits an amount shows, as Bitcoin always has; chains with finer units (Ethereum's
// 18 decimals, Solana's 9) cut the rest, mark the cut with "…", and give the exact value apart.
const SHOWN_FRACTION_DIGITS = 8;

/**
 * "1,234.56789012 BTC" from an amount in base units (a decimal string or BigInt) and a
 * ChainInfo ({decimals, symbol}); never a float. Chains of up to 8 decimals show every digit;
 * finer ones show 8 fraction digits, cut toward zero, ending in "…" when non-zero digits were
 * cut: "1,180.59162071… ETH". `exact`: every digit that is not a trailing zero instead,
 * but never fewer than the 8 (or `decimals`) shown digits: "1,180.591620717411303424 ETH".
 */
export function formatAmount(baseUnits, chain, { signed = false, unit = true, exact = false } = {}) {
  const value = BigInt(baseUnits);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const decimals = chain.decimals;
  const scale = 10n ** BigInt(decimals);
  const whole = groupThousands((magnitude / scale).toString());
  const allDigits = decimals ? (magnitude % scale).toString().padStart(decimals, "0") : "";
  const shown = Math.min(decimals, SHOWN_FRACTION_DIGITS);
  let fraction = allDigits.slice(0, shown);
  let cut = "";
  if (exact) fraction += allDigits.slice(shown).replace(/0+$/, "");
  else if (/[1-9]/.test(allDigits.slice(shown))) cut = "…";
  const sign = negative ? "-" : signed && value > 0n ? "+" : "";
  const number = fraction ? `${whole}.${fraction}` : whole;
  return `${sign}${number}${cut}${unit ? ` ${chain.symbol}` : ""}`;
}

/** The exact amount and its base units, for a title: "1.5 ETH = 1,500,000,000,000,000,000 wei". */
export function describeAmount(baseUnits, chain, { signed = false } = {}) {
  const exact = formatAmount(baseUnits, chain, { signed, exact: true });
  const value = BigInt(baseUnits);
  const units = groupThousands((value < 0n ? -value : value).toString());
  return `${exact} = ${value < 0n ? "-" : ""}${units} ${chain.baseUnit}`;
}

/** "1,234.56 USD" from a FiatValue-like {amount: "1234.56", currency: "USD"}. */
export function formatFiat({ amount, currency }) {
  const negative = amount.startsWith("-");
  const [whole, fraction] = amount.replace(/^[-+]/, "").split(".");
  const number = fraction === undefined ? groupThousands(whole) : `${groupThousands(whole)}.${fraction}`;
  return `${negative ? "-" : ""}${number} ${currency}`;
}

function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "bc1qm34l…7s3h": enough to recognise an address or txid. */
export function shorten(text, keep = 6) {
  return text.length <= keep * 2 + 1 ? text : `${text.slice(0, keep)}…${text.slice(-keep)}`;
}

/** "2024-05-01 12:00 UTC". */
export function formatTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatDate(iso) {
  return new Date(iso).toISOString().slice(0, 10);
}

/** "just now", "5 min ago", "3 h ago", "2 days ago"; the exact time goes in a title. */
export function formatAge(iso, now = Date.now()) {
  if (!iso) return "never";
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? "" : "s"} ago`;
}

export function formatCount(count) {
  return groupThousands(String(count));
}

/** "2024-05-01T00:00:00+00:00": the form the API's DateTime takes. */
export function isoUtc(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/**
 * JSON `text` laid out with two spaces an indent, as Python's `json.dumps(indent=2)` would,
 * keeping every number and string exactly as written (JSON.parse would round big integers);
 * text that is not JSON comes back as it is.
 */
export function prettyJson(text) {
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  const closing = { "{": "}", "[": "]" };
  let depth = 0;
  let laidOut = "";
  const newline = () => `\n${"  ".repeat(depth)}`;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character === '"') {
      const end = stringEnd(text, index);
      laidOut += text.slice(index, end);
      index = end - 1;
    } else if (character in closing) {
      let next = index + 1;
      while (JSON_WHITESPACE.has(text[next])) next += 1;
      if (text[next] === closing[character]) {
        laidOut += character + closing[character];
        index = next;
      } else {
        depth += 1;
        laidOut += character + newline();
      }
    } else if (character === "}" || character === "]") {
      depth -= 1;
      laidOut += newline() + character;
    } else if (character === ",") {
      laidOut += `,${newline()}`;
    } else if (character === ":") {
      laidOut += ": ";
    } else if (!JSON_WHITESPACE.has(character)) {
      laidOut += character;
    }
  }
  return laidOut;
}

const JSON_WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

/** The index just after the string that starts with the quote at `start`. */
function stringEnd(text, start) {
  let index = start + 1;
  while (index < text.length && text[index] !== '"') index += text[index] === "\\" ? 2 : 1;
  return index + 1;
}
