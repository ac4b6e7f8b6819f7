// CellView: one cell's DOM — prompt, editor (mounted lazily), rendered
// Markdown, outputs and the run footer.

import type { KeyBinding } from "@codemirror/view";
import { EditorView, createEditor, setErrorMark, type ErrorMark } from "../editor";
import { formatElapsed, type Cell, type Output } from "../notebook";
import { mathLoaded, mathReady, pickMime, renderMarkdown, renderOutput, updateFrame, type RenderContext } from "../outputs";
import { h, iconButton, setHTML } from "./dom";

/** CellHost is what a cell needs from its notebook. */
export interface CellHost {
  keys(view: CellView): KeyBinding[];
  changed(view: CellView, source: string): void;
  focused(view: CellView): void;
  pick(view: CellView): void;
  run(view: CellView): void;
  move(view: CellView, delta: number): void;
  duplicate(view: CellView): void;
  remove(view: CellView): void;
  clear(view: CellView): void;
  toggleOutputs(view: CellView): void;
  complete(code: string, pos: number): Promise<{ matches: string[]; start: number; end: number; types?: string[] } | null>;
  inspect(code: string, pos: number): Promise<string | null>;
  renderContext: RenderContext;
}

/** CellView renders one model cell. */
export class CellView {
  readonly el: HTMLElement;
  editor: EditorView | null = null;
  hydrated = false;
  private prompt: HTMLElement;
  private input: HTMLElement;
  private placeholder: HTMLElement | null = null;
  private md: HTMLElement;
  private outputs: HTMLElement;
  private footer: HTMLElement;
  private renderQueued = false;
  private pendingMark: ErrorMark | null = null;
  private outputsDirty = true;

  constructor(public cell: Cell, private host: CellHost) {
    this.prompt = h("div", { class: "cell-prompt", "aria-hidden": "true" });
    this.input = h("div", { class: "cell-input" });
    this.md = h("div", { class: "cell-md rendered-markdown" });
    this.outputs = h("div", { class: "cell-outputs", "aria-live": "polite" });
    this.footer = h("div", { class: "cell-footer" });
    const tools = h("div", { class: "cell-tools", role: "toolbar", "aria-label": "Cell actions" },
      iconButton("play", "Run cell (Shift+Enter)", () => host.run(this)),
      iconButton("up", "Move cell up", () => host.move(this, -1)),
      iconButton("down", "Move cell down", () => host.move(this, 1)),
      iconButton("copy", "Duplicate cell", () => host.duplicate(this)),
      iconButton("clear", "Clear this cell's output", () => host.clear(this), "clear-output"),
      iconButton("trash", "Delete cell (D D)", () => host.remove(this)),
    );
    this.el = h("section", { class: "cell", tabindex: "-1" },
      this.prompt,
      h("div", { class: "cell-main" }, this.input, this.md, this.outputs, this.footer),
      tools,
    );
    this.el.addEventListener("mousedown", () => host.pick(this));
    this.md.addEventListener("dblclick", () => {
      if (this.cell.type === "markdown") this.edit();
    });
    this.applyType();
    this.applyOutputsHidden();
    this.renderPrompt();
  }

  /** applyOutputsHidden shows a collapsed-outputs bar when metadata.jupyter.outputs_hidden is set. */
  applyOutputsHidden(): void {
    const j = this.cell.metadata.jupyter as { outputs_hidden?: boolean } | undefined;
    const hidden = this.cell.type === "code" && !!j?.outputs_hidden;
    this.el.classList.toggle("outputs-hidden", hidden);
    if (hidden && !this.collapsedBar) {
      this.collapsedBar = h("button", { type: "button", class: "outputs-collapsed", title: "Show the outputs (O)" }, "Outputs hidden — show");
      this.collapsedBar.addEventListener("click", () => this.host.toggleOutputs(this));
      this.outputs.before(this.collapsedBar);
    } else if (!hidden && this.collapsedBar) {
      this.collapsedBar.remove();
      this.collapsedBar = null;
    }
  }

  /** applyType refreshes classes and labels after a type change. */
  applyType(): void {
    const c = this.cell;
    this.el.classList.toggle("code", c.type === "code");
    this.el.classList.toggle("markdown", c.type === "markdown");
    this.el.classList.toggle("raw", c.type === "raw");
    this.el.dataset.type = c.type;
    this.el.dataset.id = c.id;
    this.el.setAttribute("aria-label", `${c.type === "code" ? "Code" : c.type === "markdown" ? "Markdown" : "Raw"} cell`);
    if (this.editor) {
      this.editor.destroy();
      this.editor = null;
      if (this.hydrated) this.mountEditor();
    }
    this.renderMarkdownState();
    this.renderPrompt();
    this.outputsDirty = true;
    this.scheduleRender();
  }

  /** hydrate mounts the editor and renders outputs (called when the cell nears the viewport). */
  hydrate(): void {
    if (this.hydrated) return;
    this.hydrated = true;
    if (this.cell.type !== "markdown" || !this.cell.rendered) this.mountEditor();
    else this.showPlaceholder();
    this.renderMarkdownState();
    this.outputsDirty = true;
    this.renderNow();
  }

  private showPlaceholder(): void {
    if (this.placeholder || this.editor) return;
    this.placeholder = h("pre", { class: "cell-placeholder" }, this.cell.source || " ");
    this.placeholder.addEventListener("click", () => {
      this.mountEditor();
      this.editor?.focus();
    });
    this.input.append(this.placeholder);
  }

  /** showSource shows the source as plain text before hydration (cheap for big notebooks). */
  showSource(): void {
    if (!this.hydrated && !(this.cell.type === "markdown" && this.cell.rendered)) this.showPlaceholder();
  }

  private mountEditor(): void {
    if (this.editor) return;
    this.placeholder?.remove();
    this.placeholder = null;
    this.editor = createEditor({
      parent: this.input,
      doc: this.cell.source,
      language: this.cell.type === "code" ? "go" : this.cell.type === "markdown" ? "markdown" : "plain",
      keys: this.host.keys(this),
      onChange: (doc) => this.host.changed(this, doc),
      onFocus: () => this.host.focused(this),
      complete: async (code, pos) => {
        const r = await this.host.complete(code, pos);
        return r ? { matches: r.matches, cursorStart: r.start, cursorEnd: r.end, types: r.types } : null;
      },
      inspect: (code, pos) => this.host.inspect(code, pos),
      label: this.cell.type === "code" ? "Go code" : this.cell.type === "markdown" ? "Markdown source" : "Raw text",
    });
    if (this.pendingMark) {
      setErrorMark(this.editor, this.pendingMark);
      this.pendingMark = null;
    }
  }

  /** edit switches a Markdown cell to editing and focuses its editor. */
  edit(): void {
    if (this.cell.type === "markdown" && this.cell.rendered) {
      this.cell.rendered = false;
      this.renderMarkdownState();
    }
    this.hydrate();
    this.mountEditor();
    this.editor?.focus();
  }

  /** renderMarkdownState shows either the Markdown editor or its rendering. */
  renderMarkdownState(): void {
    const c = this.cell;
    const showRendered = c.type === "markdown" && c.rendered;
    this.el.classList.toggle("rendered", showRendered);
    if (showRendered) {
      if (this.hydrated) {
        setHTML(this.md, renderMarkdown(c.source || "*Empty Markdown cell — double-click to edit*"));
        if (!mathLoaded() && this.md.querySelector(".math-pending")) {
          void mathReady().then(() => {
            if (this.cell.type === "markdown" && this.cell.rendered) this.renderMarkdownState();
          });
        }
      } else this.md.textContent = c.source;
      this.input.hidden = true;
      this.md.hidden = false;
    } else {
      this.md.hidden = true;
      this.md.textContent = "";
      this.input.hidden = false;
      if (this.hydrated) this.mountEditor();
    }
  }

  /** setSource replaces the editor text (after undo, merge, split). */
  setSource(src: string): void {
    if (this.editor && this.editor.state.doc.toString() !== src) {
      this.editor.dispatch({ changes: { from: 0, to: this.editor.state.doc.length, insert: src } });
    }
    if (this.placeholder) this.placeholder.textContent = src || " ";
  }

  /** focusEditor enters edit mode in this cell. */
  focusEditor(atEnd?: boolean): void {
    if (this.cell.type === "markdown" && this.cell.rendered) {
      this.edit();
      return;
    }
    this.hydrate();
    this.mountEditor();
    if (!this.editor) return;
    if (atEnd !== undefined) {
      const pos = atEnd ? this.editor.state.doc.length : 0;
      this.editor.dispatch({ selection: { anchor: pos } });
    }
    this.editor.focus();
  }

  /** markError marks an error line (or clears with null). */
  markError(m: ErrorMark | null): void {
    if (this.editor) setErrorMark(this.editor, m);
    else this.pendingMark = m;
  }

  /** scheduleRender redraws prompt, outputs and footer on the next frame. */
  scheduleRender(outputsChanged = false): void {
    if (outputsChanged) this.outputsDirty = true;
    if (this.renderQueued) return;
    this.renderQueued = true;
    const draw = () => {
      this.renderQueued = false;
      this.renderNow();
    };
    // A hidden tab gets no animation frames; it still keeps up, at a low rate.
    if (document.visibilityState === "hidden") setTimeout(draw, 100);
    else requestAnimationFrame(draw);
  }

  /** renderNow redraws at once. */
  renderNow(): void {
    this.renderPrompt();
    this.renderFooter();
    if (this.hydrated && this.outputsDirty) {
      this.outputsDirty = false;
      this.renderOutputs();
    }
  }

  private renderPrompt(): void {
    const c = this.cell;
    this.el.classList.toggle("queued", c.run.phase === "queued");
    this.el.classList.toggle("running", c.run.phase === "running");
    this.el.classList.toggle("failed", c.run.phase === "idle" && c.run.status === "error");
    if (c.type !== "code") {
      this.prompt.textContent = "";
      return;
    }
    const n = c.run.phase !== "idle" ? "*" : c.executionCount ?? " ";
    const text = `[${n}]`;
    if (this.prompt.textContent !== text) this.prompt.textContent = text;
  }

  /** renderFooter shows queued / running time / last elapsed time. */
  renderFooter(now = performance.now()): void {
    const r = this.cell.run;
    let text = "";
    let cls = "";
    if (this.cell.type !== "code") text = "";
    else if (r.phase === "queued") {
      text = "queued";
      cls = "queued";
    } else if (r.phase === "running") {
      text = "running " + formatElapsed(now - (r.startedAt ?? now));
      cls = "running";
    } else if (r.status === "aborted") {
      text = "not run (an earlier cell failed)";
      cls = "aborted";
    } else if (r.status === "lost") {
      text = "interrupted: the kernel restarted";
      cls = "aborted";
    } else if (r.elapsedMs !== undefined) {
      text = (r.status === "error" ? "failed after " : "ran in ") + formatElapsed(r.elapsedMs);
      cls = r.status === "error" ? "error" : "ok";
    }
    if (this.footer.textContent !== text) this.footer.textContent = text;
    this.footer.className = "cell-footer " + cls;
  }

  // What each output node shows: an output is redrawn only when it changed
  // (a stream's text grew, update_display_data replaced a bundle), so a
  // frame or an image above streaming text is not rebuilt on every chunk.
  private collapsedBar: HTMLButtonElement | null = null;
  private drawn: Array<{ out: Output; key: unknown; node: HTMLElement }> = [];

  private renderOutputs(): void {
    const outs = this.cell.type === "code" ? this.cell.outputs : [];
    this.el.classList.toggle("has-outputs", outs.length > 0);
    const next: typeof this.drawn = [];
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i];
      const key = o.output_type === "stream" ? o.text : o.output_type === "error" ? o : o.data;
      const old = this.drawn[i];
      if (old && old.out === o && old.key === key) {
        next.push(old);
        continue;
      }
      // An updated HTML display (a live training view) rewrites its frame in place.
      if (old && old.out === o && o.output_type !== "stream" && o.output_type !== "error" &&
          old.node instanceof HTMLIFrameElement && old.node.dataset.mime === "text/html" && pickMime(o.data) === "text/html") {
        const v = o.data["text/html"];
        updateFrame(old.node, Array.isArray(v) ? v.join("") : String(v ?? ""));
        next.push({ out: o, key, node: old.node });
        continue;
      }
      let node: HTMLElement;
      try {
        node = renderOutput(o, this.host.renderContext);
        node.classList.add("output");
      } catch (e) {
        node = h("div", { class: "output error-output" }, `Cannot show this output: ${(e as Error).message}`);
      }
      next.push({ out: o, key, node });
    }
    const kids = this.outputs.children;
    for (let i = 0; i < next.length; i++) {
      if (kids[i] !== next[i].node) {
        if (kids[i] && this.drawn[i] && kids[i] === this.drawn[i].node && !next.some((d) => d.node === kids[i])) kids[i].replaceWith(next[i].node);
        else this.outputs.insertBefore(next[i].node, kids[i] ?? null);
      }
    }
    while (this.outputs.children.length > next.length) this.outputs.lastElementChild?.remove();
    this.drawn = next;
  }

  /** setSelected marks the cell as the notebook's current cell. */
  setSelected(on: boolean): void {
    this.el.classList.toggle("selected", on);
  }

  /** destroy frees the editor. */
  destroy(): void {
    this.editor?.destroy();
    this.editor = null;
    this.el.remove();
  }
}
