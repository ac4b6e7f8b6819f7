import { test } from "node:test";
import assert from "node:assert/strict";
import { markdownToHTML, mathLoaded, mathReady } from "./markdown";

test("math is found by the $ and $$ rules", async () => {
  // Before KaTeX loads, math shows as its source in a pending element.
  const pending = markdownToHTML("Euler $e^{i\\pi}+1=0$ done");
  assert.match(pending, /<span class="math-pending">\$e\^\{i\\pi\}\+1=0\$<\/span>/);
  await mathReady();
  assert.ok(mathLoaded());
  for (const [src, inline, display] of [
    ["a $x^2$ b", 1, 0],
    ["costs $5 and $6 today", 0, 0], // a digit after the closing $: not math (pandoc's rule)
    ["$ x $", 0, 0], // space after the opening $: not math
    ["escaped \\$x$ dollar", 0, 0],
    ["$$\\int_0^1 x\\,dx$$", 0, 1],
    ["before\n\n$$\na^2 + b^2\n= c^2\n$$\n\nafter", 0, 1],
    ["inline display $$x$$ in text", 0, 1],
    ["`code $x$`", 0, 0],
  ] as Array<[string, number, number]>) {
    const html = markdownToHTML(src);
    const nDisplay = (html.match(/class="katex-display"/g) ?? []).length;
    const nKatex = (html.match(/class="katex"/g) ?? []).length;
    assert.equal(nDisplay, display, `${JSON.stringify(src)} display: ${html}`);
    assert.equal(nKatex - nDisplay, inline, `${JSON.stringify(src)} inline: ${html}`);
  }
  const block = markdownToHTML("$$\na^2 + b^2\n= c^2\n$$");
  assert.match(block, /<div class="math-block">/);
  assert.match(block, /<annotation encoding="application\/x-tex">a\^2 \+ b\^2\n= c\^2<\/annotation>/);
});

test("CommonMark basics and raw HTML pass through to the sanitiser", () => {
  assert.equal(markdownToHTML("# T\n\n*e* **s**").trim(), "<h1>T</h1>\n<p><em>e</em> <strong>s</strong></p>");
  assert.match(markdownToHTML("<b>raw</b>"), /<b>raw<\/b>/);
});
