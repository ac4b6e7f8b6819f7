// Widget models of the Jupyter widget protocol 2.1, kept in step with the
// kernel over comms of target "jupyter.widget". Pure: the caller feeds the
// iopub comm messages in and sends what set() returns.

/** WIDGET_VIEW_MIME is the MIME type of a widget's display. */
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** WIDGET_STATE_MIME keys the widget snapshot in a notebook's metadata.widgets. */
export const WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json";

/** WIDGET_CONTROL_TARGET is the comm target that answers request_states. */
export const WIDGET_CONTROL_TARGET = "jupyter.widget.control";

/** WidgetModel is one model's state and who watches it. */
export interface WidgetModel {
  id: string;
  state: Record<string, unknown>;
  closed: boolean;
  /** stale is set for a model read from the notebook's saved snapshot, not live in the kernel. */
  stale?: boolean;
  listeners: Set<(changed: string[]) => void>;
  custom: Set<(content: unknown) => void>;
  /**
   * pending maps an attribute this tab changed to the msg_id of the update
   * that carried it, until the kernel's echo_update of that message comes
   * back (protocol 2.1): older echoes must not undo a newer local change.
   */
  pending?: Map<string, string>;
}

/** A comm_msg content for the kernel. */
export interface CommMsg {
  comm_id: string;
  data: Record<string, unknown>;
}

/** refId returns the model id of an "IPY_MODEL_<id>" reference, or "". */
export function refId(v: unknown): string {
  return typeof v === "string" && v.startsWith("IPY_MODEL_") ? v.slice("IPY_MODEL_".length) : "";
}

/** decodeBuffer turns a message buffer (base64 in JSON frames) into bytes. */
export function decodeBuffer(b: unknown): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (typeof b !== "string") return new Uint8Array(0);
  const bin = atob(b);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * putBuffers places binary buffers into a state at their buffer_paths
 * (the protocol sends []byte values out of band), in place.
 */
export function putBuffers(state: Record<string, unknown>, paths: unknown, buffers: unknown[] | undefined): void {
  if (!Array.isArray(paths) || !buffers) return;
  paths.forEach((path, i) => {
    if (!Array.isArray(path) || path.length === 0 || i >= buffers.length) return;
    let obj: Record<string | number, unknown> = state;
    for (const k of path.slice(0, -1)) {
      const next = obj[k as string];
      if (typeof next !== "object" || next === null) return;
      obj = next as Record<string | number, unknown>;
    }
    obj[path[path.length - 1] as string] = decodeBuffer(buffers[i]);
  });
}

/** WidgetStore holds the live widget models of one kernel. */
export class WidgetStore {
  private models = new Map<string, WidgetModel>();
  private waiting = new Map<string, Array<(m: WidgetModel) => void>>();

  /** get returns a model, or undefined. */
  get(id: string): WidgetModel | undefined {
    return this.models.get(id);
  }

  /** whenReady calls fn with the model as soon as it is opened (now if it is). */
  whenReady(id: string, fn: (m: WidgetModel) => void): void {
    const m = this.models.get(id);
    if (m) {
      fn(m);
      return;
    }
    const list = this.waiting.get(id) ?? [];
    list.push(fn);
    this.waiting.set(id, list);
  }

  /**
   * handle applies one iopub message (comm_open, comm_msg, comm_close). It
   * returns true when it was a widget message.
   */
  handle(msgType: string, content: Record<string, unknown>, buffers?: unknown[], parentId = ""): boolean {
    const id = String(content.comm_id ?? "");
    if (!id) return false;
    const data = (content.data ?? {}) as Record<string, unknown>;
    switch (msgType) {
      case "comm_open": {
        if (content.target_name !== "jupyter.widget") return false;
        const m: WidgetModel = { id, state: { ...((data.state ?? {}) as Record<string, unknown>) }, closed: false, listeners: new Set(), custom: new Set() };
        putBuffers(m.state, data.buffer_paths, buffers);
        this.models.set(id, m);
        for (const fn of this.waiting.get(id) ?? []) fn(m);
        this.waiting.delete(id);
        return true;
      }
      case "comm_msg": {
        const m = this.models.get(id);
        if (!m) return false;
        const method = data.method;
        if (method === "update" || method === "echo_update") {
          const patch = { ...((data.state ?? {}) as Record<string, unknown>) };
          putBuffers(patch, data.buffer_paths, buffers);
          if (method === "echo_update" && m.pending) {
            // An echo of this tab's own update is already applied; an echo
            // of anything older than this tab's latest change of an
            // attribute would roll it back. Other tabs' echoes apply.
            for (const k of Object.keys(patch)) {
              const mine = m.pending.get(k);
              if (mine === undefined) continue;
              if (mine === parentId) m.pending.delete(k);
              delete patch[k];
            }
            if (Object.keys(patch).length === 0) return true;
          }
          Object.assign(m.state, patch);
          const keys = Object.keys(patch);
          for (const fn of m.listeners) fn(keys);
        } else if (method === "custom") {
          for (const fn of m.custom) fn(data.content);
        }
        return true;
      }
      case "comm_close": {
        const m = this.models.get(id);
        if (!m) return false;
        m.closed = true;
        this.models.delete(id);
        for (const fn of m.listeners) fn([]);
        return true;
      }
    }
    return false;
  }

  /**
   * set changes a model's state here and returns the comm_msg that tells the
   * kernel ("update"); the kernel answers with echo_update.
   */
  set(id: string, patch: Record<string, unknown>): CommMsg | null {
    const m = this.models.get(id);
    if (!m || m.closed || m.stale) return null;
    Object.assign(m.state, patch);
    const keys = Object.keys(patch);
    for (const fn of m.listeners) fn(keys);
    return { comm_id: id, data: { method: "update", state: patch, buffer_paths: [] } };
  }

  /**
   * sent records the msg_id of the update set() returned, once it is sent,
   * so the kernel's echo of it is recognised (see handle).
   */
  sent(msg: CommMsg, msgId: string): void {
    const m = this.models.get(msg.comm_id);
    if (!m || msg.data.method !== "update" || !msgId) return;
    m.pending ??= new Map();
    for (const k of Object.keys((msg.data.state ?? {}) as Record<string, unknown>)) m.pending.set(k, msgId);
  }

  /** custom returns the comm_msg of a custom event (a button click). */
  custom(id: string, content: unknown): CommMsg | null {
    const m = this.models.get(id);
    if (!m || m.closed || m.stale) return null;
    return { comm_id: id, data: { method: "custom", content } };
  }

  /**
   * load adds models from a state map (id → state): live ones from the
   * kernel's update_states, stale ones from the notebook's snapshot. A live
   * state revives a stale model in place, so views already drawn follow it.
   */
  load(states: Record<string, unknown>, live: boolean): void {
    for (const [id, v] of Object.entries(states)) {
      if (typeof v !== "object" || v === null) continue;
      // update_states and snapshots wrap the state: {model_name, ..., state}.
      const raw = v as Record<string, unknown>;
      const st = ("model_name" in raw && typeof raw.state === "object" && raw.state !== null ? raw.state : raw) as Record<string, unknown>;
      const m = this.models.get(id);
      if (m) {
        if (!live || !m.stale) continue;
        m.stale = false;
        Object.assign(m.state, st);
        for (const fn of m.listeners) fn(Object.keys(st));
        continue;
      }
      const nm: WidgetModel = { id, state: { ...st }, closed: false, stale: !live, listeners: new Set(), custom: new Set() };
      this.models.set(id, nm);
      for (const fn of this.waiting.get(id) ?? []) fn(nm);
      this.waiting.delete(id);
    }
  }

  /** loadSnapshot reads a notebook's metadata.widgets (stale models). */
  loadSnapshot(widgets: unknown): void {
    const snap = (widgets as Record<string, unknown> | undefined)?.[WIDGET_STATE_MIME] as { state?: Record<string, { state?: unknown }> } | undefined;
    if (!snap?.state) return;
    const states: Record<string, unknown> = {};
    for (const [id, e] of Object.entries(snap.state)) if (e && typeof e.state === "object") states[id] = e.state;
    this.load(states, false);
  }

  /** snapshot is the live models as nbformat's widget state (for metadata.widgets), or null. */
  snapshot(): Record<string, unknown> | null {
    const state: Record<string, unknown> = {};
    for (const m of this.models.values()) {
      if (m.stale) continue;
      state[m.id] = {
        model_name: m.state._model_name, model_module: m.state._model_module,
        model_module_version: m.state._model_module_version, state: m.state,
      };
    }
    if (Object.keys(state).length === 0) return null;
    return { [WIDGET_STATE_MIME]: { version_major: 2, version_minor: 0, state } };
  }

  /** clear forgets every model (the kernel restarted). */
  clear(): void {
    const all = [...this.models.values()];
    this.models.clear();
    for (const m of all) {
      m.closed = true;
      for (const fn of m.listeners) fn([]);
    }
  }

  /**
   * contains reports whether the view of model root shows model id: root
   * itself, or a box whose children (at any depth) include it.
   */
  contains(root: string, id: string, depth = 0): boolean {
    if (root === id) return true;
    const m = this.models.get(root);
    if (!m || depth > 20) return false;
    const kids = m.state.children;
    return Array.isArray(kids) && kids.some((k) => this.contains(refId(k), id, depth + 1));
  }

  /** size is the number of live models. */
  get size(): number {
    return this.models.size;
  }
}
