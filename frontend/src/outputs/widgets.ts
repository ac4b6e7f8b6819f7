// Views of the standard widget controls (ipywidgets 8 model names): the
// renderer of application/vnd.jupyter.widget-view+json. A view follows its
// model (updates from the kernel or another tab) and sends the user's
// changes back as comm messages.

import { refId, type CommMsg, type WidgetModel, type WidgetStore } from "../notebook/widgets";
import type { Output } from "../notebook/model";
import type { RenderContext, Renderer } from "./registry";

/** WidgetHost sends comm messages to the kernel and renders outputs. */
export interface WidgetHost {
  store: WidgetStore;
  send(msg: CommMsg): void;
  renderOutput(o: Output, ctx: RenderContext): HTMLElement;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function num(v: unknown, d = 0): number {
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : d;
}

function str(v: unknown): string {
  return v == null ? "" : String(v);
}

let uid = 0;

/** watch runs draw now and on every model change while root is on the page. */
function watch(m: WidgetModel, root: HTMLElement, draw: (changed: string[]) => void): void {
  const mark = () => {
    root.classList.toggle("widget-stale", !!m.stale);
    if (m.stale) root.title = "As saved: run the cell to use this widget";
    else if (root.title.startsWith("As saved")) root.title = "";
  };
  mark();
  draw([]);
  const fn = (changed: string[]) => {
    if (!root.isConnected && root.dataset.attached === "1") {
      m.listeners.delete(fn);
      return;
    }
    if (m.closed) {
      root.classList.add("widget-closed");
      root.title = "This widget was closed by the kernel";
    }
    mark();
    draw(changed);
  };
  m.listeners.add(fn);
  requestAnimationFrame(() => {
    root.dataset.attached = "1";
  });
}

function labelled(m: WidgetModel, control: HTMLElement, cls: string): HTMLElement {
  const row = el("div", "widget " + cls);
  const id = `w${++uid}`;
  control.id = id;
  const label = el("label", "widget-label");
  label.htmlFor = id;
  row.append(label, control);
  watch(m, row, () => {
    label.textContent = str(m.state.description);
    label.hidden = label.textContent === "";
    (control as HTMLInputElement).disabled = !!m.state.disabled;
  });
  return row;
}

function slider(m: WidgetModel, h: WidgetHost, float: boolean): HTMLElement {
  const input = el("input");
  input.type = "range";
  const readout = el("output", "widget-readout");
  const row = labelled(m, input, "widget-slider");
  row.append(readout);
  const fmt = (v: number) => (float ? v.toFixed(Math.max(0, Math.min(6, -Math.floor(Math.log10(num(m.state.step, 0.1)))))) : String(Math.round(v)));
  watch(m, row, () => {
    input.min = str(num(m.state.min));
    input.max = str(num(m.state.max, 100));
    input.step = str(num(m.state.step, float ? 0.1 : 1));
    if (document.activeElement !== input) input.value = str(num(m.state.value));
    readout.textContent = m.state.readout === false ? "" : fmt(num(m.state.value));
  });
  let pending: ReturnType<typeof setTimeout> | null = null;
  const push = () => {
    const v = float ? Number(input.value) : Math.round(Number(input.value));
    readout.textContent = fmt(v);
    const msg = h.store.set(m.id, { value: v });
    if (msg) h.send(msg);
  };
  input.addEventListener("input", () => {
    readout.textContent = fmt(Number(input.value));
    if (m.state.continuous_update === false) return;
    if (!pending) pending = setTimeout(() => ((pending = null), push()), 50);
  });
  input.addEventListener("change", push);
  return row;
}

function button(m: WidgetModel, h: WidgetHost): HTMLElement {
  const b = el("button", "widget widget-button btn");
  b.type = "button";
  watch(m, b, () => {
    b.textContent = str(m.state.description) || " ";
    b.disabled = !!m.state.disabled;
    b.title = str(m.state.tooltip);
    b.dataset.style = str(m.state.button_style);
  });
  b.addEventListener("click", () => {
    const msg = h.store.custom(m.id, { event: "click" });
    if (msg) h.send(msg);
  });
  return b;
}

function dropdown(m: WidgetModel, h: WidgetHost): HTMLElement {
  const sel = el("select", "widget-select");
  const row = labelled(m, sel, "widget-dropdown");
  watch(m, row, () => {
    const labels = (Array.isArray(m.state._options_labels) ? m.state._options_labels : []).map(str);
    if (sel.options.length !== labels.length || labels.some((l, i) => sel.options[i].text !== l)) {
      sel.replaceChildren(...labels.map((l, i) => {
        const o = el("option", undefined, l);
        o.value = String(i);
        return o;
      }));
    }
    sel.value = m.state.index == null ? "" : String(num(m.state.index));
  });
  sel.addEventListener("change", () => {
    const msg = h.store.set(m.id, { index: Number(sel.value) });
    if (msg) h.send(msg);
  });
  return row;
}

function toggleButtons(m: WidgetModel, h: WidgetHost): HTMLElement {
  const group = el("div", "widget-toggles");
  group.setAttribute("role", "radiogroup");
  const row = el("div", "widget widget-togglebuttons");
  const label = el("span", "widget-label");
  row.append(label, group);
  watch(m, row, () => {
    label.textContent = str(m.state.description);
    label.hidden = label.textContent === "";
    group.setAttribute("aria-label", label.textContent || "Options");
    const labels = (Array.isArray(m.state._options_labels) ? m.state._options_labels : []).map(str);
    const idx = m.state.index == null ? -1 : num(m.state.index);
    group.replaceChildren(...labels.map((l, i) => {
      const b = el("button", "btn small" + (i === idx ? " primary" : ""), l);
      b.type = "button";
      b.setAttribute("role", "radio");
      b.setAttribute("aria-checked", String(i === idx));
      b.disabled = !!m.state.disabled;
      b.addEventListener("click", () => {
        const msg = h.store.set(m.id, { index: i });
        if (msg) h.send(msg);
      });
      return b;
    }));
  });
  return row;
}

function text(m: WidgetModel, h: WidgetHost, area: boolean): HTMLElement {
  const input = area ? el("textarea", "text-input widget-textarea") : el("input", "text-input");
  if (!area) (input as HTMLInputElement).type = "text";
  const row = labelled(m, input, area ? "widget-textarea-row" : "widget-text");
  watch(m, row, () => {
    if (document.activeElement !== input) input.value = str(m.state.value);
    input.placeholder = str(m.state.placeholder);
  });
  const push = () => {
    if (input.value === str(m.state.value)) return;
    const msg = h.store.set(m.id, { value: input.value });
    if (msg) h.send(msg);
  };
  input.addEventListener("change", push);
  input.addEventListener("input", () => {
    if (m.state.continuous_update === true) push();
  });
  if (!area) {
    input.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter") {
        push();
        const msg = h.store.custom(m.id, { event: "submit" });
        if (msg) h.send(msg);
      }
    });
  }
  return row;
}

function checkbox(m: WidgetModel, h: WidgetHost): HTMLElement {
  const input = el("input");
  input.type = "checkbox";
  const row = el("label", "widget widget-checkbox");
  const span = el("span");
  row.append(input, span);
  watch(m, row, () => {
    input.checked = !!m.state.value;
    input.disabled = !!m.state.disabled;
    span.textContent = str(m.state.description);
  });
  input.addEventListener("change", () => {
    const msg = h.store.set(m.id, { value: input.checked });
    if (msg) h.send(msg);
  });
  return row;
}

function box(m: WidgetModel, h: WidgetHost, ctx: RenderContext, vertical: boolean): HTMLElement {
  const d = el("div", "widget widget-box " + (vertical ? "widget-vbox" : "widget-hbox"));
  let last = "";
  watch(m, d, () => {
    const kids = Array.isArray(m.state.children) ? m.state.children.map(refId) : [];
    const key = kids.join(",");
    if (key === last) return;
    last = key;
    d.replaceChildren(...kids.map((id) => view(id, h, ctx)));
  });
  return d;
}

function output(m: WidgetModel, h: WidgetHost, ctx: RenderContext): HTMLElement {
  const d = el("div", "widget widget-output");
  let last: unknown = null;
  watch(m, d, () => {
    if (m.state.outputs === last) return;
    last = m.state.outputs;
    const outs = Array.isArray(m.state.outputs) ? (m.state.outputs as Output[]) : [];
    d.replaceChildren(...outs.map((o) => h.renderOutput(o, ctx)));
  });
  return d;
}

function label(m: WidgetModel): HTMLElement {
  const d = el("div", "widget widget-labeltext");
  watch(m, d, () => {
    d.textContent = str(m.state.value);
  });
  return d;
}

// ---- custom widgets (anywidget's _esm) ------------------------------------

/** WIDGET_FRAME_URL is the sandbox that runs custom widgets' code. */
export const WIDGET_FRAME_URL = "/static/sandbox/widget.html";

const STORE_PREFIX = "tandem.widget:";
const widgetFrames = new Map<HTMLIFrameElement, (d: Record<string, unknown>) => void>();
let widgetListening = false;

function listenWidgets(): void {
  if (widgetListening) return;
  widgetListening = true;
  window.addEventListener("message", (e: MessageEvent) => {
    const d = e.data as Record<string, unknown> | null;
    if (!d || typeof d !== "object" || d.tandemWidget !== true) return;
    for (const [f, fn] of widgetFrames) {
      if (!f.isConnected && f.dataset.attached === "1") {
        widgetFrames.delete(f);
        continue;
      }
      if (f.contentWindow === e.source) fn(d);
    }
  });
}

function storageSnapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k && k.startsWith(STORE_PREFIX)) out[k.slice(STORE_PREFIX.length)] = localStorage.getItem(k) ?? "";
    }
  } catch {
    /* storage disabled: the widget keeps memory only */
  }
  return out;
}

/**
 * custom runs a custom widget's _esm in a sandboxed frame (sandbox="allow-scripts",
 * never allow-same-origin) and bridges its model to the kernel's.
 */
function custom(m: WidgetModel, h: WidgetHost): HTMLElement {
  listenWidgets();
  const f = el("iframe", "output-frame widget-frame");
  f.setAttribute("sandbox", "allow-scripts");
  f.setAttribute("title", "Custom widget");
  f.style.height = "60px";
  const post = (msg: Record<string, unknown>) => f.contentWindow?.postMessage({ tandemWidget: true, ...msg }, "*");
  let fromFrame = false;
  widgetFrames.set(f, (d) => {
    switch (d.kind) {
      case "ready": {
        const { _esm: esm, _css: css, ...state } = m.state;
        post({ kind: "init", state, esm: str(esm), css: str(css), dark: document.documentElement.dataset.theme === "dark", storage: storageSnapshot() });
        break;
      }
      case "set": {
        fromFrame = true;
        const msg = h.store.set(m.id, (d.patch ?? {}) as Record<string, unknown>);
        fromFrame = false;
        if (msg) h.send(msg);
        break;
      }
      case "custom":
        if (!m.closed) h.send({ comm_id: m.id, data: { method: "custom", content: d.content } });
        break;
      case "height":
        if (typeof d.h === "number" && Number.isFinite(d.h)) f.style.height = Math.min(Math.max(Math.ceil(d.h), 24), 4000) + "px";
        break;
      case "store":
        try {
          const key = STORE_PREFIX + str(d.key);
          if (d.value === null) localStorage.removeItem(key);
          else localStorage.setItem(key, str(d.value));
        } catch {
          /* quota or disabled storage */
        }
        break;
    }
  });
  const onChange = (keys: string[]) => {
    if (!f.isConnected && f.dataset.attached === "1") {
      m.listeners.delete(onChange);
      m.custom.delete(onCustom);
      return;
    }
    if (fromFrame || keys.length === 0) return;
    const patch: Record<string, unknown> = {};
    for (const k of keys) patch[k] = m.state[k];
    post({ kind: "update", patch });
  };
  const onCustom = (content: unknown) => post({ kind: "custom", content });
  m.listeners.add(onChange);
  m.custom.add(onCustom);
  f.src = WIDGET_FRAME_URL;
  requestAnimationFrame(() => {
    f.dataset.attached = "1";
  });
  return f;
}

/** view builds the view of a model by its _model_name. */
export function view(id: string, h: WidgetHost, ctx: RenderContext): HTMLElement {
  const m = h.store.get(id);
  if (!m) {
    const d = el("div", "widget widget-missing", "This widget is not running: run its cell again to use it.");
    h.store.whenReady(id, () => d.replaceWith(view(id, h, ctx)));
    return d;
  }
  switch (str(m.state._model_name)) {
    case "IntSliderModel":
      return slider(m, h, false);
    case "FloatSliderModel":
      return slider(m, h, true);
    case "ButtonModel":
      return button(m, h);
    case "DropdownModel":
      return dropdown(m, h);
    case "ToggleButtonsModel":
      return toggleButtons(m, h);
    case "TextModel":
      return text(m, h, false);
    case "TextareaModel":
      return text(m, h, true);
    case "CheckboxModel":
      return checkbox(m, h);
    case "HBoxModel":
      return box(m, h, ctx, false);
    case "VBoxModel":
    case "BoxModel":
      return box(m, h, ctx, true);
    case "OutputModel":
      return output(m, h, ctx);
    case "LabelModel":
      return label(m);
  }
  if (typeof m.state._esm === "string") return custom(m, h);
  return el("div", "widget widget-missing", `${str(m.state._model_name) || "This widget"} has no view in this browser yet.`);
}

/** widgetRenderer is the renderer of widget-view outputs. */
export function widgetRenderer(h: WidgetHost): Renderer {
  return (v, _meta, ctx) => {
    const id = str((v as { model_id?: unknown } | null)?.model_id);
    const wrap = el("div", "widget-area");
    wrap.append(view(id, h, ctx));
    return wrap;
  };
}
