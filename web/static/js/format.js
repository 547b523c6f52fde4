// Formatting for people: satoshi as BTC with exact integer arithmetic, addresses, times.

const SATOSHI_PER_BTC = 100_000_000n;

/** "1,234.56789012 BTC" from a satoshi amount (a decimal string or BigInt); never a float. */
export function formatBtc(satoshi, { signed = false, unit = true } = {}) {
  const value = BigInt(satoshi);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = groupThousands((magnitude / SATOSHI_PER_BTC).toString());
  const fraction = (magnitude % SATOSHI_PER_BTC).toString().padStart(8, "0");
  const sign = negative ? "-" : signed && value > 0n ? "+" : "";
  return `${sign}${whole}.${fraction}${unit ? " BTC" : ""}`;
}

function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function sumSatoshi(amounts) {
  return amounts.reduce((total, amount) => total + BigInt(amount), 0n);
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
