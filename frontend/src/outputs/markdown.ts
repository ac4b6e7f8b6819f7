// Markdown (CommonMark via markdown-it) with KaTeX math: $…$ inline and
// $$…$$ display. The HTML is sanitised with DOMPurify before it reaches the
// page, so a notebook's Markdown cannot script the app.

import markdownit, { type MarkdownIt, type StateBlock, type StateInline } from "markdown-it";
import DOMPurify from "dompurify";

type KaTeX = typeof import("katex").default;

// KaTeX is a third of the bundle: it loads on first use, so notebooks
// without math (and the file browser) never parse it. Until it arrives,
// math shows as its TeX source, and mathReady() tells the renderers to redo.
let katex: KaTeX | null = null;
let loading: Promise<void> | null = null;

/** mathReady loads KaTeX (once) and resolves when it can render. */
export function mathReady(): Promise<void> {
  if (!loading) {
    loading = import("katex").then((m) => {
      katex = m.default;
    });
  }
  return loading;
}

/** mathLoaded reports whether KaTeX is loaded. */
export function mathLoaded(): boolean {
  return katex !== null;
}

function escapeHTML(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * renderTeX renders TeX with KaTeX; errors show in red, never throw. Before
 * KaTeX has loaded it returns the source in a "math-pending" element and
 * starts the load.
 */
export function renderTeX(tex: string, display: boolean): string {
  if (!katex) {
    void mathReady();
    return `<span class="math-pending${display ? " display" : ""}">${escapeHTML(display ? "$$" + tex + "$$" : "$" + tex + "$")}</span>`;
  }
  return katex.renderToString(tex, { displayMode: display, throwOnError: false, output: "htmlAndMathml", strict: "ignore" });
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x24 /* $ */) return false;
  if (src.charCodeAt(start + 1) === 0x24) {
    // $$…$$ inside a paragraph: display math inline.
    const end = src.indexOf("$$", start + 2);
    if (end < 0) return false;
    if (!silent) {
      const t = state.push("math_display_inline", "", 0);
      t.content = src.slice(start + 2, end);
    }
    state.pos = end + 2;
    return true;
  }
  const next = src.charCodeAt(start + 1);
  if (Number.isNaN(next) || next === 0x20 || next === 0x09) return false;
  let end = start + 1;
  for (;;) {
    end = src.indexOf("$", end);
    if (end < 0) return false;
    if (src.charCodeAt(end - 1) === 0x5c /* \ */) { end++; continue; }
    break;
  }
  const before = src.charCodeAt(end - 1);
  const after = src.charCodeAt(end + 1);
  if (before === 0x20 || before === 0x09 || (after >= 0x30 && after <= 0x39)) return false;
  if (end === start + 1) return false;
  if (!silent) {
    const t = state.push("math_inline", "", 0);
    t.content = src.slice(start + 1, end);
  }
  state.pos = end + 1;
  return true;
}

function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  let pos = state.bMarks[startLine] + state.tShift[startLine];
  let max = state.eMarks[startLine];
  if (pos + 2 > max || state.src.slice(pos, pos + 2) !== "$$") return false;
  pos += 2;
  let first = state.src.slice(pos, max);
  let last = "";
  let found = false;
  let line = startLine;
  if (first.trim().endsWith("$$")) {
    first = first.trim().slice(0, -2);
    found = true;
  }
  if (silent) return true;
  while (!found) {
    line++;
    if (line >= endLine) break;
    pos = state.bMarks[line] + state.tShift[line];
    max = state.eMarks[line];
    if (pos < max && state.tShift[line] < state.blkIndent) break;
    const text = state.src.slice(pos, max);
    if (text.trim().endsWith("$$")) {
      last = text.slice(0, text.lastIndexOf("$$"));
      found = true;
    }
  }
  state.line = line + 1;
  const t = state.push("math_block", "math", 0);
  t.block = true;
  t.content = (first && first.trim() ? first + "\n" : "") + state.getLines(startLine + 1, line, state.tShift[startLine], true) + (last.trim() ? last : "");
  t.map = [startLine, state.line];
  return true;
}

let md: MarkdownIt | null = null;

function engine(): MarkdownIt {
  if (md) return md;
  md = markdownit({ html: true, linkify: true, typographer: false });
  md.inline.ruler.after("escape", "math_inline", mathInline);
  md.block.ruler.after("blockquote", "math_block", mathBlock, { alt: ["paragraph", "reference", "blockquote", "list"] });
  md.renderer.rules.math_inline = (tokens, i) => renderTeX(tokens[i].content, false);
  md.renderer.rules.math_display_inline = (tokens, i) => renderTeX(tokens[i].content, true);
  md.renderer.rules.math_block = (tokens, i) => `<div class="math-block">${renderTeX(tokens[i].content.trim(), true)}</div>\n`;
  return md;
}

let hooked = false;

/** sanitize cleans HTML for the app page (KaTeX's MathML kept, scripts removed). */
export function sanitize(html: string): string {
  if (!hooked) {
    hooked = true;
    // Style attributes only inside KaTeX's own output: a notebook's raw HTML
    // must not draw over the app (a fixed overlay faking a dialog).
    DOMPurify.addHook("uponSanitizeAttribute", (node, data) => {
      if (data.attrName === "style" && !(node as Element).closest?.(".katex, .katex-display")) data.keepAttr = false;
    });
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A" && node.getAttribute("href")) {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer");
      }
    });
  }
  return DOMPurify.sanitize(html, {
    ADD_TAGS: ["semantics", "annotation"],
    ADD_ATTR: ["encoding", "target"],
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select"],
  });
}

/** markdownToHTML turns Markdown with math into HTML, not yet sanitised (pure: no DOM). */
export function markdownToHTML(src: string): string {
  return engine().render(src);
}

/** renderMarkdown turns Markdown with math into sanitised HTML. */
export function renderMarkdown(src: string): string {
  return sanitize(markdownToHTML(src));
}
