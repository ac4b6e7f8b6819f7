// Output renderers, one per MIME type, and the registry that picks the
// richest type a bundle carries.

import type { MimeBundle, Output } from "../notebook/model";
import { clipText } from "../notebook/text";
import { stripAnsi } from "../notebook/errors";
import { renderAnsi } from "./ansi";
import { mathLoaded, mathReady, renderMarkdown, renderTeX, sanitize } from "./markdown";
import { applyInlineStyles } from "./styles";
import { sandboxedFrame } from "./frame";

/** RenderContext carries what renderers need from the notebook. */
export interface RenderContext {
  /** jump moves to a cell (by execution count) and line, from an error link. */
  jump?: (cell: number, line: number) => void;
}

/** A Renderer builds the DOM for one MIME value. */
export type Renderer = (value: unknown, meta: Record<string, unknown>, ctx: RenderContext) => HTMLElement;

/** TEXT_LINES and TEXT_CHARS bound the text shown before "show more". */
export const TEXT_LINES = 200;
export const TEXT_CHARS = 40000;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  return e;
}

function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.join("");
  return v == null ? "" : JSON.stringify(v, null, 2);
}

/**
 * textBlock renders (possibly huge) text with ANSI colours, showing a bounded
 * head and a "show more" button that reveals more in steps.
 */
export function textBlock(text: string, cls: string): HTMLElement {
  const wrap = el("div", "text-output " + cls);
  const pre = el("pre");
  wrap.append(pre);
  let lines = TEXT_LINES;
  let chars = TEXT_CHARS;
  const draw = () => {
    pre.textContent = "";
    const c = clipText(text, lines, chars);
    renderAnsi(pre, c.text);
    wrap.querySelector(".show-more")?.remove();
    if (c.hiddenChars > 0) {
      const more = el("button", "show-more");
      more.type = "button";
      const size = c.hiddenChars > 1e6 ? `${(c.hiddenChars / 1e6).toFixed(1)} MB` : c.hiddenChars > 1e3 ? `${Math.round(c.hiddenChars / 1e3)} KB` : `${c.hiddenChars} chars`;
      more.textContent = `Show more (${c.hiddenLines.toLocaleString()} more lines, ${size})`;
      more.addEventListener("click", () => {
        lines *= 10;
        chars *= 10;
        draw();
      });
      wrap.append(more);
    }
  };
  draw();
  return wrap;
}

function dataURL(mime: string, v: unknown): string {
  const s = str(v).replace(/\s+/g, "");
  return `data:${mime};base64,${s}`;
}

function image(mime: string): Renderer {
  return (v, meta) => {
    const img = el("img", "image-output");
    img.src = dataURL(mime, v);
    const m = (meta[mime] ?? meta) as Record<string, unknown>;
    if (typeof m.width === "number") img.width = m.width;
    if (typeof m.height === "number") img.height = m.height;
    img.alt = typeof m.alt === "string" ? m.alt : "image output";
    return img;
  };
}

const renderers: Array<[string, Renderer]> = [
  ["application/javascript", (v) => sandboxedFrame(`<script>${str(v).replace(/<\/script/gi, "<\\/script")}</script>`, "script output")],
  ["text/html", (v) => sandboxedFrame(str(v), "HTML output")],
  ["text/markdown", (v) => {
    const d = el("div", "markdown-output rendered-markdown");
    const draw = () => {
      d.innerHTML = renderMarkdown(str(v));
      applyInlineStyles(d);
    };
    draw();
    if (!mathLoaded() && d.querySelector(".math-pending")) void mathReady().then(draw);
    return d;
  }],
  ["image/svg+xml", (v) => {
    const img = el("img", "image-output svg-output");
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(str(v));
    img.alt = "SVG image output";
    return img;
  }],
  ["image/png", image("image/png")],
  ["image/jpeg", image("image/jpeg")],
  ["image/gif", image("image/gif")],
  ["image/webp", image("image/webp")],
  ["text/latex", (v) => {
    const d = el("div", "latex-output");
    let tex = str(v).trim();
    const m = /^\$\$([\s\S]*)\$\$$/.exec(tex) ?? /^\$([\s\S]*)\$$/.exec(tex) ?? /^\\\[([\s\S]*)\\\]$/.exec(tex);
    if (m) tex = m[1];
    const draw = () => {
      d.innerHTML = sanitize(renderTeX(tex, true));
      applyInlineStyles(d);
    };
    draw();
    if (!mathLoaded()) void mathReady().then(draw);
    return d;
  }],
  ["application/json", (v) => textBlock(JSON.stringify(v, null, 2), "json-output")],
  ["text/plain", (v) => textBlock(str(v), "plain-output")],
];

/**
 * registerRenderer adds (or replaces) the renderer of a MIME type, placed
 * before the type `before` in the preference order (first when omitted).
 * A widget manager registers application/vnd.jupyter.widget-view+json here.
 */
export function registerRenderer(mime: string, r: Renderer, before?: string): void {
  const old = renderers.findIndex(([m]) => m === mime);
  if (old >= 0) renderers.splice(old, 1);
  const at = before ? renderers.findIndex(([m]) => m === before) : 0;
  renderers.splice(at < 0 ? 0 : at, 0, [mime, r]);
}

/** mimeOrder returns the preference order of the registry (richest first). */
export function mimeOrder(): string[] {
  return renderers.map(([m]) => m);
}

/** pickMime returns the richest MIME type in a bundle that has a renderer. */
export function pickMime(data: MimeBundle): string | null {
  for (const [m] of renderers) if (m in data) return m;
  return null;
}

/** renderBundle renders the richest part of a MIME bundle. */
export function renderBundle(data: MimeBundle, meta: Record<string, unknown>, ctx: RenderContext): HTMLElement {
  const m = pickMime(data);
  if (!m) {
    const d = el("div", "unknown-output");
    d.textContent = `No renderer for ${Object.keys(data).join(", ") || "an empty bundle"}.`;
    return d;
  }
  const r = renderers.find(([k]) => k === m)![1];
  const out = r(data[m], meta, ctx);
  out.dataset.mime = m;
  return out;
}

const locRe = /(cell\s+\[?(\d+)\]?,?\s+line\s+(\d+))|(\[(\d+)\]:(\d+))/i;

function renderError(o: Extract<Output, { output_type: "error" }>, ctx: RenderContext): HTMLElement {
  const d = el("div", "error-output");
  d.setAttribute("role", "alert");
  const head = el("div", "error-head");
  const name = el("strong");
  name.textContent = o.ename;
  head.append(name);
  if (o.evalue) head.append(document.createTextNode(": " + stripAnsi(o.evalue)));
  d.append(head);
  const head1 = stripAnsi(`${o.ename}: ${o.evalue}`).trim();
  const head2 = stripAnsi(o.evalue).trim();
  const tb = o.traceback.filter((l) => {
    const s = stripAnsi(l).trim();
    return s !== head1 && s !== head2;
  });
  if (tb.length) {
    const pre = el("pre", "traceback");
    for (const line of tb) {
      const row = el("div");
      renderAnsi(row, line);
      const m = locRe.exec(stripAnsi(line));
      if (m && ctx.jump) {
        const cell = Number(m[2] ?? m[5]);
        const ln = Number(m[3] ?? m[6]);
        const a = el("a", "error-link");
        a.href = "#";
        a.textContent = ` → go to cell [${cell}] line ${ln}`;
        a.addEventListener("click", (e) => {
          e.preventDefault();
          ctx.jump?.(cell, ln);
        });
        row.append(a);
      }
      pre.append(row);
    }
    d.append(pre);
  }
  return d;
}

/** renderOutput builds the DOM for one output. */
export function renderOutput(o: Output, ctx: RenderContext): HTMLElement {
  switch (o.output_type) {
    case "stream":
      return textBlock(o.text, o.name === "stderr" ? "stderr" : "stdout");
    case "error":
      return renderError(o, ctx);
    default:
      return renderBundle(o.data, o.metadata, ctx);
  }
}
