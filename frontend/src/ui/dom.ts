// Small DOM helpers: element builder, icons, inline-style re-application.

import { applyInlineStyles } from "../outputs/styles";

type Attrs = Record<string, string | number | boolean | EventListener | undefined | null>;
type Child = Node | string | null | undefined | false;

/** h builds an element: h("button", {class: "x", onclick: fn, "aria-label": "Run"}, "text"). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v as EventListener);
    else if (k === "class") e.className = String(v);
    else if (v === true) e.setAttribute(k, "");
    else e.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

const paths: Record<string, string> = {
  play: "M7 5v14l11-7z",
  playAll: "M4 5v14l8-7zM12 5v14l8-7z",
  stop: "M7 7h10v10H7z",
  restart: "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z",
  fastForward: "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7zM10 9.5v5l4-2.5z",
  save: "M5 3h11l3 3v13a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm2 2v4h8V5zm5 8a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z",
  plus: "M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z",
  trash: "M9 3h6l1 2h4v2H4V5h4zm-3 6h12l-1 12H7z",
  up: "M12 6l-6 6h4v6h4v-6h4z",
  down: "M12 18l6-6h-4V6h-4v6H6z",
  copy: "M8 8h11v13H8zM5 3h11v3H7v11H5z",
  clear: "M5 5l14 14M19 5L5 19",
  moon: "M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z",
  sun: "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM11 1h2v4h-2zm0 18h2v4h-2zM1 11h4v2H1zm18 0h4v2h-4z",
  keyboard: "M3 6h18v12H3zm2 2v2h2V8zm4 0v2h2V8zm4 0v2h2V8zm4 0v2h2V8zM7 14v2h10v-2z",
  folder: "M3 5h6l2 2h10v12H3z",
  notebook: "M6 2h10l4 4v16H6zm9 1v4h4M9 11h8v1.5H9zm0 3h8v1.5H9zm0 3h5v1.5H9z",
  file: "M6 2h9l5 5v15H6zm8 1v5h5",
  refresh: "M17.6 6.4A8 8 0 1 0 20 12h-2a6 6 0 1 1-1.8-4.2L13 11h7V4z",
  edit: "M4 17v3h3l10-10-3-3zM15 6l3 3 2-2-3-3z",
  power: "M11 3h2v9h-2zm-4.2 3.2l1.4 1.4a6 6 0 1 0 7.6 0l1.4-1.4a8 8 0 1 1-10.4 0z",
  split: "M4 11h16v2H4zM8 4h8v4H8zm0 12h8v4H8z",
  merge: "M4 4h16v7H4zm0 9h16v7H4z",
};

/** icon returns an inline SVG icon (aria-hidden; the button carries the label). */
export function icon(name: keyof typeof paths | string): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "18");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const p = document.createElementNS(ns, "path");
  p.setAttribute("d", paths[name] ?? paths.file);
  if (name === "clear") {
    p.setAttribute("stroke", "currentColor");
    p.setAttribute("stroke-width", "2.2");
    p.setAttribute("fill", "none");
  } else {
    p.setAttribute("fill", "currentColor");
  }
  svg.append(p);
  return svg;
}

/** iconButton is a labelled icon button with a tooltip. */
export function iconButton(name: string, label: string, onclick: () => void, extraClass = ""): HTMLButtonElement {
  const b = h("button", { type: "button", class: "icon-btn " + extraClass, "aria-label": label, title: label }, icon(name));
  b.addEventListener("click", (e) => {
    e.stopPropagation();
    onclick();
  });
  return b;
}

/** setHTML sets sanitised HTML and re-applies its inline styles. */
export function setHTML(e: HTMLElement, html: string): void {
  e.innerHTML = html;
  applyInlineStyles(e);
}

/** relTime renders a timestamp as "just now", "5 min ago", or a date. */
export function relTime(iso: string | undefined): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const s = (Date.now() - t) / 1000;
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(t).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

/** humanSize renders a byte count. */
export function humanSize(n: number | null | undefined): string {
  if (n == null) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
