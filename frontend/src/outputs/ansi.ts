// ANSI SGR colour codes in text output → styled segments (parse is pure),
// then DOM spans (render).

/** Style is the SGR state of a text run. */
export interface Style {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

/** Segment is a run of text with one style. */
export interface Segment {
  text: string;
  style: Style;
}

const names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

function color256(n: number): string {
  if (n < 8) return names[n];
  if (n < 16) return "bright-" + names[n - 8];
  if (n < 232) {
    const v = n - 16;
    const c = (x: number) => (x === 0 ? 0 : 55 + x * 40);
    return `rgb(${c(Math.floor(v / 36))},${c(Math.floor(v / 6) % 6)},${c(v % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

function apply(style: Style, codes: number[]): Style {
  const s = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) {
      for (const k of Object.keys(s)) delete (s as Record<string, unknown>)[k];
    } else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 7) s.inverse = true;
    else if (c === 22) { s.bold = false; s.dim = false; }
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c === 27) s.inverse = false;
    else if (c >= 30 && c <= 37) s.fg = names[c - 30];
    else if (c === 39) delete s.fg;
    else if (c >= 40 && c <= 47) s.bg = names[c - 40];
    else if (c === 49) delete s.bg;
    else if (c >= 90 && c <= 97) s.fg = "bright-" + names[c - 90];
    else if (c >= 100 && c <= 107) s.bg = "bright-" + names[c - 100];
    else if ((c === 38 || c === 48) && codes[i + 1] === 5 && i + 2 < codes.length) {
      const v = color256(codes[i + 2] & 255);
      if (c === 38) s.fg = v; else s.bg = v;
      i += 2;
    } else if ((c === 38 || c === 48) && codes[i + 1] === 2 && i + 4 < codes.length) {
      const v = `rgb(${codes[i + 2] & 255},${codes[i + 3] & 255},${codes[i + 4] & 255})`;
      if (c === 38) s.fg = v; else s.bg = v;
      i += 4;
    }
  }
  return s;
}

// eslint-disable-next-line no-control-regex
const esc = /\x1b\[([0-9;]*)([A-Za-z])/g;

/** parseAnsi splits text into styled segments; non-SGR escapes are dropped. */
export function parseAnsi(text: string): Segment[] {
  const out: Segment[] = [];
  let style: Style = {};
  let last = 0;
  esc.lastIndex = 0;
  for (let m = esc.exec(text); m; m = esc.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), style });
    last = esc.lastIndex;
    if (m[2] === "m") {
      const codes = m[1] === "" ? [0] : m[1].split(";").map((x) => Number(x) || 0);
      style = apply(style, codes);
    }
  }
  if (last < text.length) out.push({ text: text.slice(last), style });
  return out;
}

/** renderAnsi appends the styled text to parent (named colours as classes, themable). */
export function renderAnsi(parent: HTMLElement, text: string): void {
  if (text.indexOf("\x1b") < 0) {
    parent.append(document.createTextNode(text));
    return;
  }
  for (const seg of parseAnsi(text)) {
    const st = seg.style;
    if (!st.fg && !st.bg && !st.bold && !st.italic && !st.underline && !st.dim && !st.inverse) {
      parent.append(document.createTextNode(seg.text));
      continue;
    }
    const span = document.createElement("span");
    span.textContent = seg.text;
    let fg = st.fg, bg = st.bg;
    if (st.inverse) [fg, bg] = [bg ?? "default-bg", fg ?? "default-fg"];
    if (fg) {
      if (fg.startsWith("rgb")) span.style.color = fg; else span.classList.add("ansi-fg-" + fg);
    }
    if (bg) {
      if (bg.startsWith("rgb")) span.style.backgroundColor = bg; else span.classList.add("ansi-bg-" + bg);
    }
    if (st.bold) span.classList.add("ansi-bold");
    if (st.dim) span.classList.add("ansi-dim");
    if (st.italic) span.classList.add("ansi-italic");
    if (st.underline) span.classList.add("ansi-underline");
    parent.append(span);
  }
}
