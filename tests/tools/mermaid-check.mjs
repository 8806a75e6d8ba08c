// Parse a Mermaid file with Mermaid's own parser; exit 1 with its error if invalid.
// Usage: node mermaid-check.mjs FILE
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;

const { default: mermaid } = await import("mermaid");
// A whole estate has thousands of edges; Mermaid's default limit is 500.
mermaid.initialize({ startOnLoad: false, maxEdges: 100000, maxTextSize: 10000000 });
const text = readFileSync(process.argv[2], "utf8");
try {
  const result = await mermaid.parse(text);
  console.log(`valid Mermaid: ${result.diagramType}`);
} catch (e) {
  console.error(`invalid Mermaid: ${e.message ?? e}`);
  process.exit(1);
}
