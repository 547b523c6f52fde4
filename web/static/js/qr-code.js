// A QR code drawn as SVG: the vendored encoder gives the modules, this draws them.

import qrcode from "../vendor/qrcode-generator-2.0.4/qrcode.mjs";
import { svg } from "./dom.js";

// The light border every reader needs around the code, in modules (ISO/IEC 18004).
const QUIET_ZONE = 4;

/** An <svg role="img"> of `text` in byte mode, error correction M, the smallest version. */
export function qrCode(text, label) {
  const code = qrcode(0, "M");
  code.addData(text, "Byte");
  code.make();
  const count = code.getModuleCount();
  const squares = [];
  for (let row = 0; row < count; row += 1) {
    for (let column = 0; column < count; column += 1) {
      if (code.isDark(row, column)) squares.push(`M${column + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  const size = count + 2 * QUIET_ZONE;
  return svg(
    "svg",
    {
      class: "qr-code",
      viewBox: `0 0 ${size} ${size}`,
      role: "img",
      "aria-label": label,
      "data-modules": count,
      "shape-rendering": "crispEdges",
    },
    svg("rect", { width: size, height: size, fill: "#fff" }),
    svg("path", { d: squares.join(""), fill: "#000" }),
  );
}
