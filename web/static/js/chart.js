// The balance-over-time chart: plain SVG, scaled with integer (BigInt) arithmetic.

import { h, svg } from "./dom.js";
import { formatAmount, formatDate } from "./format.js";

const WIDTH = 1000;
const HEIGHT = 300;
// Hundredths of a unit: enough precision for the drawing, all in integers.
const SCALE = 100n;

/** A figure with the chart, its range in words and the numbers in a table; `chain` a ChainInfo. */
export function balanceChart(points, intervalName, chain) {
  const formatBalance = (balance) => formatAmount(balance, chain);
  const balances = points.map((point) => BigInt(point.balance));
  const lowest = balances.reduce((a, b) => (b < a ? b : a));
  const highest = balances.reduce((a, b) => (b > a ? b : a));
  // The axis always shows zero, so the area under the line is the balance.
  const low = lowest > 0n ? 0n : lowest;
  const high = highest < 0n ? 0n : highest;
  const range = high - low || 1n;
  const x = (index) =>
    points.length === 1 ? WIDTH / 2 : Math.round((index * WIDTH) / (points.length - 1));
  const y = (balance) =>
    Number(((high - balance) * BigInt(HEIGHT) * SCALE) / range) / Number(SCALE);
  const line = balances.map((balance, index) => `${index ? "L" : "M"}${x(index)},${y(balance)}`);
  const baseline = y(0n);
  const area = `${line.join(" ")} L${x(points.length - 1)},${baseline} L${x(0)},${baseline} Z`;
  const first = formatDate(points[0].at);
  const last = formatDate(points[points.length - 1].at);
  const latest = formatBalance(balances[balances.length - 1]);
  const span =
    lowest === highest
      ? `steady at ${latest}.`
      : `between ${formatBalance(lowest)} and ${formatBalance(highest)}, now ${latest}.`;
  const summary = `Balance at the end of each ${intervalName} from ${first} to ${last}: ${span}`;
  return h(
    "figure",
    { class: "chart" },
    h(
      "div",
      { class: "chart-plot" },
      h("span", { class: "chart-high" }, formatBalance(high)),
      svg(
        "svg",
        {
          viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
          preserveAspectRatio: "none",
          role: "img",
          "aria-label": summary,
        },
        svg("line", {
          class: "chart-zero",
          x1: 0,
          x2: WIDTH,
          y1: baseline,
          y2: baseline,
          "vector-effect": "non-scaling-stroke",
        }),
        svg("path", { class: "chart-area", d: area }),
        svg("path", { class: "chart-line", d: line.join(" "), "vector-effect": "non-scaling-stroke" }),
      ),
      h("span", { class: "chart-low" }, formatBalance(low)),
    ),
    h("div", { class: "chart-dates" }, h("span", {}, first), h("span", {}, last)),
    h("figcaption", {}, summary),
    h(
      "details",
      {},
      h("summary", {}, "Show the numbers"),
      h(
        "table",
        { class: "chart-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "From"), h("th", { scope: "col", class: "amount" }, "Balance at the end"))),
        h(
          "tbody",
          {},
          points.map((point) =>
            h("tr", {}, h("td", {}, formatDate(point.at)), h("td", { class: "amount" }, formatBalance(point.balance))),
          ),
        ),
      ),
    ),
  );
}
