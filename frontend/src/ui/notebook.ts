// NotebookPage: the notebook editor — header, toolbar, cells, keyboard
// modes, running, saving (with conflicts), drafts and autosave.

import type { KeyBinding } from "@codemirror/view";
import { atFirstLine, atLastLine, closePopups, cursorOffset } from "../editor";
import {
  applyIOPub, clearDraft, clearOutputs, copyCell, deleteCells, duplicateCell, errorLocation, insertCell, markDone,
  markQueued, markRunning, mergeCells, RunQueue, moveCell, moveDraft, newCell, parseNotebook, readDraft, restoreCells,
  setCellType, splitCell, toIpynb, updateDisplay, writeDraft, NotebookError, WidgetStore, WIDGET_CONTROL_TARGET, WIDGET_VIEW_MIME, type Cell,
  type CellType, type CommMsg, type Deleted, type Notebook,
} from "../notebook";
import { registerRenderer, renderOutput, widgetRenderer } from "../outputs";
import { Api, ApiError, SIGNED_OUT, type Message } from "../wire";
import { CellView, type CellHost } from "./cell";
import { confirmDialog, promptDialog, showDialog, toast } from "./dialog";
import { h, iconButton } from "./dom";
import { KernelSession, type KernelState } from "./session";
import { themeButton } from "./theme";
import { shortcutHelp } from "./help";

const AUTOSAVE_MS = 10000;
const DRAFT_MS = 700;

/** NotebookPage is the editor for one notebook file. */
export class NotebookPage implements CellHost {
  nb!: Notebook;
  views: CellView[] = [];
  current = 0;
  mode: "command" | "edit" = "command";
  readonly el: HTMLElement;
  private cellsEl: HTMLElement;
  private titleBtn: HTMLButtonElement;
  private dirtyMark: HTMLElement;
  private saveState: HTMLElement;
  private status: HTMLElement;
  private typeSelect: HTMLSelectElement;
  private notices: HTMLElement;
  private session: KernelSession;
  private lastModified = "";
  private version = 0;
  private savedVersion = 0;
  private saving: Promise<void> | null = null;
  private conflictPaused = false;
  private autosaveTimer: ReturnType<typeof setTimeout> | null = null;
  private draftTimer: ReturnType<typeof setTimeout> | null = null;
  private tick: ReturnType<typeof setInterval> | null = null;
  private undo: Deleted[][] = [];
  private clipboard: Cell[] = [];
  private lastKey = "";
  private lastKeyAt = 0;
  private observer: IntersectionObserver;
  renderContext = { jump: (cell: number, line: number) => this.jumpTo(cell, line) };
  /** widgets are the live widget models of the kernel (jupyter.widget comms). */
  readonly widgets = new WidgetStore();

  constructor(private api: Api, public path: string) {
    this.session = new KernelSession(api, path);
    registerRenderer(WIDGET_VIEW_MIME, widgetRenderer({ store: this.widgets, send: (msg) => this.sendComm(msg), renderOutput }));
    this.titleBtn = h("button", { type: "button", class: "title", title: "Rename notebook" });
    this.titleBtn.addEventListener("click", () => void this.rename());
    this.dirtyMark = h("span", { class: "dirty-mark", title: "Unsaved changes", "aria-hidden": "true", hidden: true }, "●");
    this.saveState = h("span", { class: "save-state", "aria-live": "polite" });
    this.status = h("div", { class: "kernel-status", role: "status", "aria-live": "polite", "data-state": "connecting" });
    this.typeSelect = h("select", { class: "type-select", "aria-label": "Cell type" },
      h("option", { value: "code" }, "Code"), h("option", { value: "markdown" }, "Markdown"), h("option", { value: "raw" }, "Raw"));
    this.typeSelect.addEventListener("change", () => this.setType(this.typeSelect.value as CellType));
    this.notices = h("div", { class: "notices" });
    this.cellsEl = h("main", { class: "cells", id: "cells", "aria-label": "Notebook cells" });
    const header = h("header", { class: "topbar" },
      h("a", { href: "/", class: "brand", "aria-label": "Tandem: back to files" }, h("span", { class: "brand-mark" }, "⟂"), "Tandem"),
      h("div", { class: "title-wrap" }, this.titleBtn, this.dirtyMark, this.saveState),
      h("div", { class: "spacer" }),
      this.status,
      themeButton(),
      iconButton("keyboard", "Keyboard shortcuts (H)", () => void shortcutHelp()),
    );
    const btn = (ic: string, label: string, fn: () => void, text?: string) => {
      const b = iconButton(ic, label, fn, text ? "with-text" : "");
      if (text) b.append(h("span", {}, text));
      return b;
    };
    const toolbar = h("nav", { class: "toolbar", role: "toolbar", "aria-label": "Notebook actions" },
      btn("save", "Save (Ctrl+S)", () => void this.save()),
      h("span", { class: "sep" }),
      btn("plus", "Insert cell below (B)", () => this.insert(this.current + 1, "code")),
      btn("up", "Move cell up", () => this.move(this.views[this.current], -1)),
      btn("down", "Move cell down", () => this.move(this.views[this.current], 1)),
      btn("split", "Split cell at cursor (Ctrl+Shift+-)", () => this.split()),
      btn("merge", "Merge with cell below (Shift+M)", () => this.merge()),
      h("span", { class: "sep" }),
      btn("play", "Run cell and select below (Shift+Enter)", () => this.runCurrent("next"), "Run"),
      btn("playAll", "Run all cells", () => this.runAll(), "Run all"),
      h("button", { type: "button", class: "text-btn", title: "Run all cells above the current one", onclick: () => this.runAbove() }, "Above"),
      h("button", { type: "button", class: "text-btn", title: "Run the current cell and all below", onclick: () => this.runBelow() }, "Below"),
      btn("stop", "Interrupt the kernel (I I)", () => void this.interrupt()),
      btn("restart", "Restart the kernel (0 0)", () => void this.restart(false)),
      btn("fastForward", "Restart the kernel and run all cells", () => void this.restart(true)),
      btn("clear", "Clear all outputs", () => this.clearAll()),
      h("span", { class: "sep" }),
      this.typeSelect,
    );
    this.el = h("div", { class: "notebook-page" }, header, toolbar, this.notices, this.cellsEl);
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        const v = this.views.find((x) => x.el === e.target);
        if (v) {
          v.hydrate();
          this.observer.unobserve(e.target);
        }
      }
    }, { rootMargin: "1200px 0px" });
    this.cellsEl.addEventListener("keydown", (e) => this.commandKey(e));
    // Ctrl+S anywhere on the page saves the notebook, never the web page.
    document.addEventListener("keydown", (e) => {
      if ((e.ctrlKey || e.metaKey) && (e.key === "s" || e.key === "S") && !e.defaultPrevented) {
        e.preventDefault();
        void this.save();
      }
    });
    this.session.onState((s) => {
      this.showStatus(s);
      if (s === "idle" && !this.statesAsked) {
        this.statesAsked = true;
        this.requestWidgetStates();
      }
    });
    this.session.onRestart((why) => this.kernelLost(why));
    this.session.onIOPub((m) => this.broadcast(m));
    window.addEventListener("beforeunload", (e) => {
      if (this.dirty) {
        this.writeDraftNow();
        e.preventDefault();
      }
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden" && this.dirty) this.writeDraftNow();
    });
  }

  // ---- loading ------------------------------------------------------------

  /** load reads the notebook, restores unsaved edits, renders and starts the kernel. */
  async load(): Promise<void> {
    this.setTitle();
    let model;
    try {
      model = await this.api.get(this.path);
    } catch (e) {
      this.fail(e instanceof ApiError && e.status === 404 ? `There is no notebook at ${this.path}.`
        : e instanceof ApiError && e.signedOut ? SIGNED_OUT : `Cannot open ${this.path}: ${(e as Error).message}`);
      return;
    }
    if (model.type !== "notebook") {
      this.fail(`${this.path} is not a notebook (it is a ${model.type}).`);
      return;
    }
    try {
      this.nb = parseNotebook(model.content);
    } catch (e) {
      // A broken file is reported and left alone: nothing is ever saved over it.
      this.fail(`Cannot open ${this.path}: ${e instanceof NotebookError ? e.message : String(e)}. The file was not changed.`);
      return;
    }
    this.lastModified = model.last_modified;
    const draft = readDraft(localStorage, this.path);
    if (draft) {
      let use = draft.base === this.lastModified;
      if (!use) {
        const v = await showDialog("Unsaved edits found",
          h("p", {}, `This browser kept edits to ${this.path} from ${new Date(draft.savedAt).toLocaleString()} that were never saved, but the file has changed on disk since. Which version do you want?`),
          [{ label: "Use the file on disk", value: "disk" }, { label: "Restore my unsaved edits", value: "draft", primary: true }]);
        use = v === "draft";
      }
      if (use) {
        try {
          this.nb = parseNotebook(draft.content);
          this.version = 1;
          this.notice(`Restored unsaved edits from ${new Date(draft.savedAt).toLocaleTimeString()}${draft.outputsDropped ? " (outputs were not kept)" : ""}.`, "info", 8000);
        } catch {
          clearDraft(localStorage, this.path);
        }
      } else {
        clearDraft(localStorage, this.path);
      }
    }
    // Widgets as saved show (dimmed) until the kernel has them live again.
    this.widgets.loadSnapshot(this.nb.metadata.widgets);
    // An empty notebook (a new untitled one) starts with one code cell to type in.
    if (this.nb.cells.length === 0) this.nb.cells.push(newCell("code"));
    this.renderAll();
    this.markSaved(this.version === 0);
    this.select(0, false);
    (window as unknown as { tandem: Record<string, unknown> }).tandem = { ready: performance.now(), cells: this.nb.cells.length, page: this };
    document.body.dataset.ready = "1";
    this.session.start().catch((e) => {
      this.notice(`No kernel: ${(e as Error).message}`, "error");
    });
  }

  private fail(msg: string): void {
    this.cellsEl.replaceChildren(h("div", { class: "load-error", role: "alert" }, h("h2", {}, "This notebook cannot be opened"), h("p", {}, msg), h("p", {}, h("a", { href: "/" }, "Back to the file browser"))));
    document.body.dataset.ready = "error";
  }

  private renderAll(): void {
    for (const v of this.views) v.destroy();
    this.views = this.nb.cells.map((c) => new CellView(c, this));
    const frag = document.createDocumentFragment();
    for (const v of this.views) {
      v.showSource();
      frag.append(v.el);
      this.observer.observe(v.el);
    }
    this.cellsEl.replaceChildren(frag);
    // The first screenful is hydrated at once, so the page is interactive now.
    for (const v of this.views.slice(0, 12)) v.hydrate();
  }

  /** reconcile makes the DOM follow nb.cells after a structural edit. */
  private reconcile(): void {
    const byId = new Map(this.views.map((v) => [v.cell.id, v]));
    const next: CellView[] = [];
    for (const c of this.nb.cells) {
      let v = byId.get(c.id);
      if (v && v.cell !== c) v = undefined;
      if (!v) {
        v = new CellView(c, this);
        v.showSource();
        this.observer.observe(v.el);
      }
      byId.delete(c.id);
      next.push(v);
    }
    for (const v of byId.values()) v.destroy();
    this.views = next;
    const kids = this.cellsEl.children;
    for (let i = 0; i < next.length; i++) {
      if (kids[i] !== next[i].el) this.cellsEl.insertBefore(next[i].el, kids[i] ?? null);
    }
    while (this.cellsEl.children.length > next.length) this.cellsEl.lastElementChild?.remove();
  }

  // ---- header, status, notices -----------------------------------------------

  private setTitle(): void {
    const name = this.path.split("/").pop() ?? this.path;
    this.titleBtn.textContent = name.replace(/\.ipynb$/, "");
    this.titleBtn.setAttribute("aria-label", `${name}: rename the notebook`);
    document.title = `${name.replace(/\.ipynb$/, "")} — Tandem`;
  }

  private showStatus(s: KernelState): void {
    const label: Record<KernelState, string> = {
      connecting: "Connecting…", starting: "Kernel starting…", idle: "Kernel idle", busy: "Kernel busy",
      restarting: "Kernel restarting…", dead: "Kernel dead", reconnecting: "Reconnecting…", "no kernel": "No kernel",
    };
    this.status.dataset.state = s.replace(" ", "-");
    this.status.replaceChildren(h("span", { class: "dot", "aria-hidden": "true" }), h("span", {}, label[s]));
    this.status.title = s === "no kernel" && this.session.lastError ? this.session.lastError : label[s];
    if (s === "dead") {
      this.status.append(h("button", { type: "button", class: "link-btn", onclick: () => void this.restart(false) }, "Restart"));
    }
  }

  private notice(text: string, kind: "info" | "error" | "warn" = "info", ms = 0): void {
    const n = h("div", { class: "notice " + kind, role: kind === "error" ? "alert" : "status" }, h("span", {}, text));
    const close = iconButton("clear", "Dismiss", () => n.remove(), "small");
    n.append(close);
    this.notices.append(n);
    if (ms) setTimeout(() => n.remove(), ms);
  }

  private kernelLost(why: string): void {
    this.foreign.clear();
    this.widgets.clear();
    this.statesAsked = false;
    const now = performance.now();
    for (const c of this.queue.abort(now)) this.viewOf(c)?.scheduleRender();
    for (const v of this.views) {
      const r = v.cell.run;
      if (r.phase !== "idle" && r.msgId) {
        markDone(v.cell, r.msgId, now, "lost");
        v.scheduleRender();
      }
    }
    this.notice(why, "warn", 10000);
  }

  // Another tab on this notebook runs a cell: its kernel is ours too, so its
  // outputs arrive here. execute_input carries the code; the cell with that
  // source shows the run, as it would in the tab that started it.
  private foreign = new Map<string, Cell>();

  private followForeign(m: Message): void {
    const t = m.header.msg_type;
    const pid = m.parent_header?.msg_id ?? "";
    if (!pid) return;
    const content = m.content as Record<string, unknown>;
    let cell = this.foreign.get(pid);
    if (!cell && t === "execute_input") {
      const code = String(content.code ?? "");
      cell = this.nb.cells.find((c) => c.type === "code" && c.source === code && c.run.phase === "idle");
      if (!cell) return;
      this.foreign.set(pid, cell);
      clearOutputs(cell);
      markQueued(cell, pid, performance.now());
      markRunning(cell, pid, performance.now());
      applyIOPub(cell, t, content);
      this.viewOf(cell)?.scheduleRender(true);
      this.runningChanged();
      return;
    }
    if (!cell) return;
    const v = this.viewOf(cell);
    if (t === "status" && content.execution_state === "idle") {
      this.foreign.delete(pid);
      const failed = cell.outputs.some((o) => o.output_type === "error");
      markDone(cell, pid, performance.now(), failed ? "error" : "ok");
      v?.scheduleRender();
      this.runningChanged();
      return;
    }
    if (t !== "update_display_data" && applyIOPub(cell, t, content)) v?.scheduleRender(true);
  }

  // After a reload the kernel may still hold widgets this page has not seen:
  // ask its control comm for every model's state (request_states).
  private statesAsked = false;
  private controlComm = "";

  private requestWidgetStates(): void {
    try {
      this.controlComm = "ctl-" + Math.random().toString(16).slice(2);
      this.session.done(this.session.send("comm_open", { comm_id: this.controlComm, target_name: WIDGET_CONTROL_TARGET, data: {} }));
      this.session.done(this.session.send("comm_msg", { comm_id: this.controlComm, data: { method: "request_states" } }));
    } catch {
      /* no kernel yet: asked again on the next idle */
      this.statesAsked = false;
    }
  }

  // What a widget callback prints (its iopub parent is the comm_msg this
  // tab sent) goes under the cell that shows the widget, instead of being
  // lost: msg_id of a sent comm_msg → its model id.
  private commSent = new Map<string, string>();

  private widgetOutput(m: Message): boolean {
    const t = m.header.msg_type;
    if (t !== "stream" && t !== "display_data" && t !== "error") return false;
    const model = this.commSent.get(m.parent_header?.msg_id ?? "");
    if (!model) return false;
    const cell = this.nb.cells.find((c) => c.outputs.some((o) => {
      if (o.output_type !== "display_data" && o.output_type !== "execute_result") return false;
      const v = o.data[WIDGET_VIEW_MIME] as { model_id?: unknown } | undefined;
      return typeof v?.model_id === "string" && this.widgets.contains(v.model_id, model);
    }));
    if (!cell) return false;
    if (applyIOPub(cell, t, m.content as Record<string, unknown>)) {
      this.viewOf(cell)?.scheduleRender(true);
      this.touch();
    }
    return true;
  }

  private sendComm(msg: CommMsg): void {
    try {
      const id = this.session.send("comm_msg", msg);
      this.session.done(id); // nothing answers a comm message: keep no handlers
      this.widgets.sent(msg, id);
      this.commSent.set(id, msg.comm_id);
      if (this.commSent.size > 500) this.commSent.delete(this.commSent.keys().next().value as string);
    } catch (e) {
      toast(`The widget cannot reach the kernel: ${(e as Error).message}`, "error");
    }
  }

  private broadcast(m: Message): void {
    if (!this.nb) return;
    const t = m.header.msg_type;
    if (t === "comm_open" || t === "comm_msg" || t === "comm_close") {
      const c = m.content as { comm_id?: string; data?: { method?: string; states?: Record<string, unknown> } };
      if (c.comm_id && c.comm_id === this.controlComm) {
        if (c.data?.method === "update_states" && c.data.states) this.widgets.load(c.data.states, true);
        return;
      }
      this.widgets.handle(t, m.content as Record<string, unknown>, m.buffers, m.parent_header?.msg_id ?? "");
      return;
    }
    if (this.widgetOutput(m)) return;
    if (!this.session.mine(m)) this.followForeign(m);
    if (m.header.msg_type !== "update_display_data") return;
    const c = m.content as { data?: Record<string, unknown>; metadata?: Record<string, unknown>; transient?: { display_id?: string } };
    const id = c.transient?.display_id ?? "";
    for (const cell of updateDisplay(this.nb, id, c.data ?? {}, c.metadata ?? {})) {
      this.viewOf(cell)?.scheduleRender(true);
    }
  }

  // ---- dirty state, drafts, saving ---------------------------------------------

  get dirty(): boolean {
    return this.version !== this.savedVersion;
  }

  private touch(): void {
    this.version++;
    this.dirtyMark.hidden = false;
    this.saveState.textContent = "Unsaved changes";
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.writeDraftNow(), DRAFT_MS);
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = setTimeout(() => {
      if (!this.conflictPaused) void this.save(true);
    }, AUTOSAVE_MS);
  }

  private writeDraftNow(): void {
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = null;
    if (!this.dirty || !this.nb) return;
    const ok = writeDraft(localStorage, { path: this.path, base: this.lastModified, savedAt: Date.now(), content: toIpynb(this.nb) });
    if (!ok) this.saveState.textContent = "Unsaved changes (browser storage full: save soon)";
  }

  private markSaved(saved: boolean): void {
    this.dirtyMark.hidden = saved;
    this.saveState.textContent = saved ? (this.lastModified ? `Saved ${new Date(this.lastModified).toLocaleTimeString()}` : "") : "Unsaved changes";
  }

  /** save writes the notebook; a conflict opens the conflict dialog (never for autosave twice). */
  async save(auto = false, force = false): Promise<void> {
    if (!this.nb) return;
    if (this.saving) await this.saving;
    if (auto && (!this.dirty || this.conflictPaused)) return;
    const version = this.version;
    const snap = this.widgets.snapshot();
    if (snap) this.nb.metadata.widgets = snap;
    const content = toIpynb(this.nb);
    this.saveState.textContent = "Saving…";
    const run = async (): Promise<"ok" | "conflict" | "failed"> => {
      try {
        const m = await this.api.saveNotebook(this.path, content, this.lastModified, force);
        this.lastModified = m.last_modified;
        this.savedVersion = version;
        this.conflictPaused = false;
        if (!this.dirty) clearDraft(localStorage, this.path);
        this.markSaved(!this.dirty);
        return "ok";
      } catch (e) {
        this.markSaved(false);
        if (e instanceof ApiError && e.conflict) {
          this.conflictPaused = true;
          return "conflict";
        }
        this.saveState.textContent = "Not saved";
        this.writeDraftNow();
        if (!auto || !(e instanceof ApiError && e.status === 0)) {
          toast(`Save failed: ${(e as Error).message}. Your edits are kept in this browser.`, "error", 6000);
        }
        return "failed";
      }
    };
    const p = run();
    this.saving = p.then(() => undefined);
    let result: "ok" | "conflict" | "failed";
    try {
      result = await p;
    } finally {
      this.saving = null;
    }
    // The dialog runs outside the save, so its "Overwrite" can save again.
    if (result === "conflict") await this.conflict();
  }

  private async conflict(): Promise<void> {
    const body = h("div", {},
      h("p", {}, `${this.path} was changed on disk after you opened it (by another tab, an editor or git).`),
      h("p", {}, "Saving now would overwrite those changes. Your edits are safe in this browser until you choose."));
    const v = await showDialog("The file changed on disk", body, [
      { label: "Cancel", value: "cancel" },
      { label: "Save mine as a copy", value: "copy" },
      { label: "Reload from disk (discard mine)", value: "reload", danger: true },
      { label: "Overwrite with mine", value: "overwrite", primary: true },
    ], "conflict-dialog");
    if (v === "overwrite") {
      await this.save(false, true);
    } else if (v === "reload") {
      clearDraft(localStorage, this.path);
      this.savedVersion = this.version;
      location.reload();
    } else if (v === "copy") {
      const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
      const copy = this.path.replace(/(\.ipynb)?$/, `-conflict-${stamp}.ipynb`);
      try {
        const m = await this.api.saveNotebook(copy, toIpynb(this.nb));
        clearDraft(localStorage, this.path);
        this.savedVersion = this.version;
        location.assign("/notebooks/" + m.path.split("/").map(encodeURIComponent).join("/"));
      } catch (e) {
        toast(`Could not save a copy: ${(e as Error).message}`, "error");
      }
    }
  }

  private async rename(): Promise<void> {
    const old = this.path;
    const name = old.split("/").pop() ?? old;
    const v = await promptDialog("Rename notebook", "New name", name);
    if (!v || v === name) return;
    if (/[\\/]/.test(v)) {
      toast("A name cannot contain a slash.", "error");
      return;
    }
    const dir = old.includes("/") ? old.slice(0, old.lastIndexOf("/") + 1) : "";
    // A percent-format script stays a script; anything else is a notebook.
    const ext = old.endsWith(".go") ? ".go" : ".ipynb";
    const next = dir + (/\.(ipynb|go)$/.test(v) ? v : v + ext);
    try {
      if (this.dirty) await this.save();
      const m = await this.api.rename(old, next);
      this.path = m.path || next;
      this.lastModified = m.last_modified || this.lastModified;
      moveDraft(localStorage, old, this.path);
      await this.session.rename(this.path);
      history.replaceState(null, "", "/notebooks/" + this.path.split("/").map(encodeURIComponent).join("/"));
      this.setTitle();
    } catch (e) {
      toast(`Rename failed: ${(e as Error).message}`, "error");
    }
  }

  // ---- selection and modes -------------------------------------------------

  private viewOf(c: Cell): CellView | undefined {
    return this.views.find((v) => v.cell === c);
  }

  /** select makes cell i current; edit=true enters edit mode. */
  select(i: number, edit: boolean, atEnd?: boolean): void {
    if (this.views.length === 0) return;
    i = Math.max(0, Math.min(i, this.views.length - 1));
    const prev = this.views[this.current];
    prev?.setSelected(false);
    prev?.el.setAttribute("tabindex", "-1");
    this.current = i;
    const v = this.views[i];
    v.setSelected(true);
    v.el.setAttribute("tabindex", "0"); // roving tabindex: Tab reaches the current cell
    v.hydrate();
    this.typeSelect.value = v.cell.type;
    if (edit) {
      this.mode = "edit";
      v.focusEditor(atEnd);
    } else {
      this.mode = "command";
      if (v.el.contains(document.activeElement)) (document.activeElement as HTMLElement).blur();
      // Command mode focuses the cell itself, so a screen reader names it.
      v.el.focus({ preventScroll: true });
    }
    const kind = v.cell.type === "code" ? "Code" : v.cell.type === "markdown" ? "Markdown" : "Raw";
    v.el.setAttribute("aria-label", `${kind} cell ${i + 1} of ${this.views.length}`);
    v.el.scrollIntoView({ block: "nearest" });
  }

  // CellHost
  keys(view: CellView): KeyBinding[] {
    return [
      { key: "Shift-Enter", run: () => (this.runView(view, "next"), true) },
      { key: "Mod-Enter", run: () => (this.runView(view, "stay"), true) },
      { key: "Alt-Enter", run: () => (this.runView(view, "insert"), true) },
      { key: "Mod-s", run: () => (void this.save(), true), preventDefault: true },
      { key: "Mod-Shift--", run: () => (this.split(), true) },
      {
        key: "Escape",
        run: (ev) => {
          if (closePopups(ev)) return true;
          this.select(this.views.indexOf(view), false);
          return true;
        },
      },
      {
        key: "ArrowUp",
        run: (ev) => {
          const i = this.views.indexOf(view);
          if (!atFirstLine(ev) || i === 0) return false;
          this.select(i - 1, true, true);
          return true;
        },
      },
      {
        key: "ArrowDown",
        run: (ev) => {
          const i = this.views.indexOf(view);
          if (!atLastLine(ev) || i === this.views.length - 1) return false;
          this.select(i + 1, true, false);
          return true;
        },
      },
    ];
  }

  changed(view: CellView, source: string): void {
    if (view.cell.source === source) return;
    view.cell.source = source;
    this.touch();
  }

  pick(view: CellView): void {
    const i = this.views.indexOf(view);
    if (i !== this.current) this.select(i, false);
  }

  focused(view: CellView): void {
    const i = this.views.indexOf(view);
    if (i !== this.current) {
      this.views[this.current]?.setSelected(false);
      this.current = i;
      view.setSelected(true);
      this.typeSelect.value = view.cell.type;
    }
    this.mode = "edit";
  }

  complete(code: string, pos: number) {
    return this.session.complete(code, pos).catch(() => null);
  }

  inspect(code: string, pos: number) {
    return this.session.inspect(code, pos).catch(() => null);
  }

  // ---- command mode keys ------------------------------------------------------

  private commandKey(e: KeyboardEvent): void {
    // Keys typed in an editor belong to it (its keymap handles Esc, Shift+Enter...).
    if ((e.target as HTMLElement).closest(".cm-editor")) return;
    if ((e.target as HTMLElement).closest("input, select, textarea, button, dialog, iframe")) return;
    const k = e.key;
    const mod = e.ctrlKey || e.metaKey;
    const now = Date.now();
    const twice = (key: string) => {
      const hit = this.lastKey === key && now - this.lastKeyAt < 800;
      this.lastKey = hit ? "" : key;
      this.lastKeyAt = now;
      return hit;
    };
    let handled = true;
    if (k === "Enter" && e.shiftKey) this.runCurrent("next");
    else if (k === "Enter" && mod) this.runCurrent("stay");
    else if (k === "Enter" && e.altKey) this.runCurrent("insert");
    else if (k === "Enter") this.select(this.current, true);
    else if (mod && (k === "s" || k === "S")) void this.save();
    else if (mod || e.altKey) handled = false;
    else if (k === "ArrowUp" || k === "k") this.select(this.current - 1, false);
    else if (k === "ArrowDown" || k === "j") this.select(this.current + 1, false);
    else if (k === "a") this.insert(this.current, "code");
    else if (k === "b") this.insert(this.current + 1, "code");
    else if (k === "d") {
      if (twice("d")) this.deleteCurrent();
    } else if (k === "z") this.undoDelete();
    else if (k === "m") this.setType("markdown");
    else if (k === "y") this.setType("code");
    else if (k === "r") this.setType("raw");
    else if (k === "c") this.clipboard = [copyCell(this.views[this.current].cell)];
    else if (k === "x") {
      this.clipboard = [copyCell(this.views[this.current].cell)];
      this.deleteCurrent();
    } else if (k === "v") this.paste();
    else if (k === "M") this.merge();
    else if (k === "s") void this.save();
    else if (k === "h") void shortcutHelp();
    else if (k === "o") this.toggleOutputs();
    else if (k === "i") {
      if (twice("i")) void this.interrupt();
    } else if (k === "0") {
      if (twice("0")) void this.restart(false);
    } else if (k === "Home") this.select(0, false);
    else if (k === "End") this.select(this.views.length - 1, false);
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  // ---- structural edits ---------------------------------------------------------

  insert(index: number, type: CellType): void {
    const c = newCell(type);
    c.rendered = false;
    const i = insertCell(this.nb, index, c);
    this.reconcile();
    this.touch();
    this.select(i, true);
  }

  move(view: CellView | undefined, delta: number): void {
    if (!view) return;
    const from = this.views.indexOf(view);
    const to = moveCell(this.nb, from, delta);
    if (to === from) return;
    this.reconcile();
    this.touch();
    this.select(to, this.mode === "edit");
  }

  duplicate(view: CellView): void {
    const i = duplicateCell(this.nb, this.views.indexOf(view));
    this.reconcile();
    this.touch();
    this.select(i, false);
  }

  clear(view: CellView): void {
    if (view.cell.type !== "code") return;
    clearOutputs(view.cell);
    view.markError(null);
    if (view.cell.run.phase === "idle") view.cell.run = { phase: "idle" };
    view.scheduleRender(true);
    this.touch();
  }

  remove(view: CellView): void {
    this.select(this.views.indexOf(view), false);
    this.deleteCurrent();
  }

  private deleteCurrent(): void {
    const i = this.current;
    const del = deleteCells(this.nb, [i]);
    this.undo.push(del);
    if (this.undo.length > 50) this.undo.shift();
    this.reconcile();
    this.touch();
    this.select(Math.min(i, this.views.length - 1), false);
    toast("Cell deleted — press Z to undo", "info", 3000);
  }

  private undoDelete(): void {
    const del = this.undo.pop();
    if (!del) return;
    const i = restoreCells(this.nb, del);
    this.reconcile();
    this.touch();
    this.select(i, false);
  }

  private paste(): void {
    if (!this.clipboard.length) return;
    let at = this.current + 1;
    for (const c of this.clipboard) insertCell(this.nb, at++, copyCell(c));
    this.reconcile();
    this.touch();
    this.select(at - 1, false);
  }

  private split(): void {
    const v = this.views[this.current];
    if (!v || !v.editor) return;
    const j = splitCell(this.nb, this.current, cursorOffset(v.editor));
    v.setSource(v.cell.source);
    v.scheduleRender(true);
    this.reconcile();
    this.touch();
    this.select(j, true, false);
  }

  private merge(): void {
    if (this.current >= this.views.length - 1) return;
    const i = mergeCells(this.nb, this.current);
    const v = this.views[i];
    v.setSource(v.cell.source);
    v.scheduleRender(true);
    this.reconcile();
    this.touch();
    this.select(i, false);
  }

  private setType(t: CellType): void {
    const v = this.views[this.current];
    if (!v || !setCellType(v.cell, t)) return;
    v.applyType();
    this.typeSelect.value = t;
    this.touch();
  }

  private clearAll(): void {
    for (const v of this.views) {
      if (v.cell.type === "code" && (v.cell.outputs.length || v.cell.executionCount !== null)) {
        clearOutputs(v.cell);
        v.markError(null);
        if (v.cell.run.phase === "idle") v.cell.run = { phase: "idle" }; // a running cell keeps running
        v.scheduleRender(true);
      }
    }
    this.touch();
  }

  // O hides or shows the current cell's outputs (nbformat's
  // metadata.jupyter.outputs_hidden, saved with the notebook).
  toggleOutputs(view?: CellView): void {
    const v = view ?? this.views[this.current];
    if (!v || v.cell.type !== "code") return;
    const j = ((v.cell.metadata.jupyter as Record<string, unknown> | undefined) ?? {});
    const hidden = !j.outputs_hidden;
    if (hidden) v.cell.metadata.jupyter = { ...j, outputs_hidden: true };
    else {
      const { outputs_hidden: _, ...rest } = j;
      if (Object.keys(rest).length) v.cell.metadata.jupyter = rest;
      else delete v.cell.metadata.jupyter;
    }
    v.applyOutputsHidden();
    this.touch();
  }

  private jumpTo(count: number, line: number): void {
    const i = this.views.findIndex((v) => v.cell.executionCount === count);
    if (i < 0) {
      toast(`Cell [${count}] is no longer in the notebook.`, "info");
      return;
    }
    this.select(i, false);
    this.views[i].markError({ line, col: 0, message: "" });
  }

  // ---- running -----------------------------------------------------------------

  run(view: CellView): void {
    this.runView(view, "stay");
  }

  private runCurrent(advance: "next" | "stay" | "insert"): void {
    const v = this.views[this.current];
    if (v) this.runView(v, advance);
  }

  private runView(view: CellView, advance: "next" | "stay" | "insert"): void {
    this.execute(view, false);
    const i = this.views.indexOf(view);
    if (advance === "insert") this.insert(i + 1, "code");
    else if (advance === "next") {
      if (i === this.views.length - 1) this.insert(i + 1, "code");
      else this.select(i + 1, this.mode === "edit" && this.views[i + 1].cell.type === "code");
    } else if (view.cell.type === "markdown") this.select(i, false);
  }

  runAll(): void {
    this.runRange(0, this.views.length);
  }

  private runAbove(): void {
    this.runRange(0, this.current);
  }

  private runBelow(): void {
    this.runRange(this.current, this.views.length);
  }

  // Run all / above / below go one cell at a time (notebook/runqueue.ts):
  // a failure or an interrupt stops the rest, whatever the kernel does with
  // stop_on_error.
  private queue = new RunQueue();

  private runRange(from: number, to: number): void {
    const views = this.views.slice(from, to);
    for (const v of views) if (v.cell.type === "markdown") this.execute(v, true);
    this.queue.enqueue(views.map((v) => v.cell), performance.now());
    for (const v of views) v.scheduleRender();
    this.pump();
  }

  private pump(): void {
    const cell = this.queue.next((c) => this.nb.cells.includes(c));
    const v = cell && this.viewOf(cell);
    if (!v) return;
    this.execute(v, true, (status) => {
      for (const c of this.queue.done(status, performance.now())) this.viewOf(c)?.scheduleRender();
      this.pump();
    });
  }

  /** execute runs one cell: Markdown renders, code goes to the kernel. */
  private execute(view: CellView, stopOnError: boolean, onDone?: (status: "ok" | "error" | "aborted" | "lost") => void): void {
    const cell = view.cell;
    if (cell.type === "markdown") {
      if (!cell.rendered) {
        cell.rendered = true;
        view.hydrate();
        view.renderMarkdownState();
      }
      return;
    }
    if (cell.type !== "code") return;
    if (cell.run.phase !== "idle") return;
    if (cell.source.trim() === "") {
      clearOutputs(cell);
      view.scheduleRender(true);
      onDone?.("ok");
      return;
    }
    clearOutputs(cell);
    view.markError(null);
    view.scheduleRender(true);
    let replied = "";
    let idle = false;
    let msgId = "";
    const finish = () => {
      if (!replied || !idle) return;
      if (markDone(cell, msgId, performance.now(), replied as "ok" | "error" | "aborted")) view.scheduleRender();
      this.session.done(msgId);
      this.runningChanged();
      onDone?.(replied as "ok" | "error" | "aborted");
    };
    try {
      msgId = this.session.execute(cell.source, {
        onIOPub: (m) => {
          const t = m.header.msg_type;
          const content = m.content as Record<string, unknown>;
          if (t === "status") {
            const es = content.execution_state;
            if (es === "busy" && markRunning(cell, msgId, performance.now())) {
              view.scheduleRender();
              this.runningChanged();
            } else if (es === "idle") {
              idle = true;
              finish();
            }
            return;
          }
          if (t === "update_display_data") return;
          if (t === "tandem_error") {
            // The server refused the request (too large, malformed): no reply will come.
            applyIOPub(cell, "error", { ename: "RequestRefused", evalue: String(content.message ?? content.reason ?? "refused by the server"), traceback: [] });
            replied = "error";
            idle = true;
            finish();
            view.scheduleRender(true);
            return;
          }
          if (applyIOPub(cell, t, content)) {
            view.scheduleRender(true);
            this.touch();
          } else if (t === "execute_input") view.scheduleRender();
          if (t === "error") this.markErrorFrom(view, content);
        },
        onReply: (m) => {
          const c = m.content as { status?: string; execution_count?: number };
          replied = c.status === "ok" || c.status === "error" || c.status === "aborted" ? c.status : "error";
          if (typeof c.execution_count === "number" && c.status !== "aborted") cell.executionCount = c.execution_count;
          if (replied === "aborted") idle = true;
          finish();
          view.scheduleRender();
        },
        onLost: () => {
          markDone(cell, msgId, performance.now(), "lost");
          view.scheduleRender();
          this.runningChanged();
          onDone?.("lost");
        },
      }, stopOnError);
    } catch (e) {
      toast((e as Error).message, "error");
      onDone?.("error");
      return;
    }
    markQueued(cell, msgId, performance.now());
    view.scheduleRender();
    this.runningChanged();
  }

  private markErrorFrom(view: CellView, content: Record<string, unknown>): void {
    const o = view.cell.outputs[view.cell.outputs.length - 1];
    if (!o || o.output_type !== "error") return;
    const loc = errorLocation(o, (content as { metadata?: Record<string, unknown> }).metadata);
    if (!loc) return;
    let target = view;
    if (loc.cell && view.cell.executionCount !== null && loc.cell !== view.cell.executionCount) {
      target = this.views.find((v) => v.cell.executionCount === loc.cell) ?? view;
    }
    target.markError({ line: loc.line, col: loc.col, message: o.evalue });
  }

  private runningChanged(): void {
    const any = this.views.some((v) => v.cell.run.phase === "running");
    if (any && !this.tick) {
      this.tick = setInterval(() => {
        const now = performance.now();
        for (const v of this.views) if (v.cell.run.phase === "running") v.renderFooter(now);
      }, 250);
    } else if (!any && this.tick) {
      clearInterval(this.tick);
      this.tick = null;
    }
  }

  async interrupt(): Promise<void> {
    try {
      await this.session.interrupt();
    } catch (e) {
      toast(`Interrupt failed: ${(e as Error).message}`, "error");
    }
  }

  async restart(thenRunAll: boolean): Promise<void> {
    const ok = await confirmDialog(thenRunAll ? "Restart and run all?" : "Restart the kernel?",
      "All variables and imports are lost; the notebook's text and outputs stay.", thenRunAll ? "Restart and run all" : "Restart", true);
    if (!ok) return;
    try {
      await this.session.restart();
    } catch (e) {
      toast(`Restart failed: ${(e as Error).message}`, "error");
      return;
    }
    if (thenRunAll) this.runAll();
  }
}


