// Reads Mermaid text on stdin and parses it with Mermaid itself; exit 1 on a parse error.
import { JSDOM } from "jsdom";
const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMPurify = undefined;
const { default: mermaid } = await import("mermaid");
let text = "";
for await (const chunk of process.stdin) text += chunk;
try {
  const result = await mermaid.parse(text);
  console.log("ok", JSON.stringify(result));
} catch (e) {
  console.error("parse error:", e.message);
  process.exit(1);
}
