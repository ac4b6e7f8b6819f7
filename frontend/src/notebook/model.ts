// The notebook model: cells, outputs and their run state, read from and
// written to nbformat 4.5. Pure data and functions; no DOM.

import { newId } from "../wire/protocol";

/** A cell kind. */
export type CellType = "code" | "markdown" | "raw";

/** A MIME bundle. */
export type MimeBundle = Record<string, unknown>;

/** One output of a code cell (nbformat 4 output types). */
export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: MimeBundle; metadata: Record<string, unknown>; transient?: { display_id?: string } }
  | {
      output_type: "execute_result";
      data: MimeBundle;
      metadata: Record<string, unknown>;
      execution_count: number | null;
      transient?: { display_id?: string };
    }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/** The run phase of a cell in this browser. */
export type Phase = "idle" | "queued" | "running";

/** RunState is what the UI shows about a cell's last or current run. */
export interface RunState {
  phase: Phase;
  /** msgId is the execute_request id while queued or running. */
  msgId?: string;
  queuedAt?: number;
  startedAt?: number;
  /** elapsedMs is the duration of the last finished run. */
  elapsedMs?: number;
  /** status of the last finished run. */
  status?: "ok" | "error" | "aborted" | "lost";
}

/** A cell. */
export interface Cell {
  id: string;
  type: CellType;
  source: string;
  outputs: Output[];
  executionCount: number | null;
  metadata: Record<string, unknown>;
  attachments?: Record<string, unknown>;
  run: RunState;
  /** rendered is true for a markdown cell shown as HTML (not being edited). */
  rendered: boolean;
  /** clearPending is set by clear_output(wait=true): clear before the next output. */
  clearPending?: boolean;
}

/** A notebook. */
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformatMinor: number;
}

/** NotebookError reports a file that is not a usable nbformat 4 notebook. */
export class NotebookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotebookError";
  }
}

/** cellId returns a fresh nbformat 4.5 cell id (1-64 chars of [a-zA-Z0-9-_]). */
export function cellId(): string {
  return newId().replace(/[^a-zA-Z0-9-_]/g, "").slice(0, 36) || "c" + Date.now().toString(36);
}

/** newCell makes an empty cell of the given type. */
export function newCell(type: CellType = "code", source = ""): Cell {
  return {
    id: cellId(),
    type,
    source,
    outputs: [],
    executionCount: null,
    metadata: {},
    run: { phase: "idle" },
    rendered: type === "markdown" && source !== "",
  };
}

/** newNotebook makes a notebook with one empty code cell and the tandem kernelspec. */
export function newNotebook(): Notebook {
  return {
    cells: [newCell("code")],
    metadata: defaultMetadata(),
    nbformat: 4,
    nbformatMinor: 5,
  };
}

function defaultMetadata(): Record<string, unknown> {
  return {
    kernelspec: { display_name: "Go (Tandem)", language: "go", name: "tandem" },
    language_info: { file_extension: ".go", mimetype: "text/x-go", name: "go" },
  };
}

/** joinSource turns an nbformat multiline string (string or list) into a string. */
export function joinSource(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : "")).join("");
  return "";
}

/** splitLines splits text into nbformat lines, each keeping its "\n". */
export function splitLines(s: string): string[] {
  if (s === "") return [];
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const i = s.indexOf("\n", start);
    if (i < 0) {
      if (start < s.length) out.push(s.slice(start));
      return out;
    }
    out.push(s.slice(start, i + 1));
    start = i + 1;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function bundleIn(v: unknown): MimeBundle {
  const out: MimeBundle = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    // Text MIME types may be stored as line lists; JSON types stay as they are.
    out[k] = Array.isArray(val) && !k.includes("json") ? joinSource(val) : val;
  }
  return out;
}

function bundleOut(b: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const k of Object.keys(b).sort()) {
    const v = b[k];
    out[k] = typeof v === "string" && !k.includes("json") && !k.startsWith("image/png") ? splitLines(v) : v;
  }
  return out;
}

/** parseOutput reads one nbformat output; unknown kinds return null. */
export function parseOutput(v: unknown): Output | null {
  if (!isObject(v)) return null;
  switch (v.output_type) {
    case "stream":
      return { output_type: "stream", name: v.name === "stderr" ? "stderr" : "stdout", text: joinSource(v.text) };
    case "display_data":
      return { output_type: "display_data", data: bundleIn(v.data), metadata: isObject(v.metadata) ? v.metadata : {} };
    case "execute_result":
      return {
        output_type: "execute_result",
        data: bundleIn(v.data),
        metadata: isObject(v.metadata) ? v.metadata : {},
        execution_count: typeof v.execution_count === "number" ? v.execution_count : null,
      };
    case "error":
      return {
        output_type: "error",
        ename: String(v.ename ?? "Error"),
        evalue: String(v.evalue ?? ""),
        traceback: Array.isArray(v.traceback) ? v.traceback.map(String) : [],
      };
  }
  return null;
}

/**
 * parseNotebook reads nbformat 4 JSON (an object or its text). It throws a
 * NotebookError that says what is wrong, so a broken file is reported, never
 * replaced by an empty notebook.
 */
export function parseNotebook(json: unknown): Notebook {
  let v = json;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch (e) {
      throw new NotebookError(`notebook is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isObject(v)) throw new NotebookError("notebook is not a JSON object");
  if (v.nbformat !== 4) throw new NotebookError(`unsupported nbformat ${JSON.stringify(v.nbformat)} (want 4)`);
  if (!Array.isArray(v.cells)) throw new NotebookError("notebook has no cells list");
  const seen = new Set<string>();
  const cells: Cell[] = v.cells.map((c, i) => {
    if (!isObject(c)) throw new NotebookError(`cell ${i + 1} is not an object`);
    const type = c.cell_type;
    if (type !== "code" && type !== "markdown" && type !== "raw") {
      throw new NotebookError(`cell ${i + 1} has unknown cell_type ${JSON.stringify(type)}`);
    }
    let id = typeof c.id === "string" && /^[a-zA-Z0-9-_]{1,64}$/.test(c.id) ? c.id : cellId();
    if (seen.has(id)) id = cellId();
    seen.add(id);
    const cell: Cell = {
      id,
      type,
      source: joinSource(c.source),
      outputs: [],
      executionCount: null,
      metadata: isObject(c.metadata) ? c.metadata : {},
      run: { phase: "idle" },
      rendered: type === "markdown" && joinSource(c.source).trim() !== "",
    };
    if (type === "code") {
      cell.executionCount = typeof c.execution_count === "number" ? c.execution_count : null;
      if (Array.isArray(c.outputs)) {
        for (const o of c.outputs) {
          const out = parseOutput(o);
          if (out) cell.outputs.push(out);
        }
      }
    }
    if (isObject(c.attachments)) cell.attachments = c.attachments;
    return cell;
  });
  return {
    cells,
    metadata: isObject(v.metadata) ? v.metadata : defaultMetadata(),
    nbformat: 4,
    nbformatMinor: typeof v.nbformat_minor === "number" ? Math.max(v.nbformat_minor, 5) : 5,
  };
}

function outputOut(o: Output): Record<string, unknown> {
  switch (o.output_type) {
    case "stream":
      return { name: o.name, output_type: "stream", text: splitLines(o.text) };
    case "display_data":
      return { data: bundleOut(o.data), metadata: o.metadata, output_type: "display_data" };
    case "execute_result":
      return { data: bundleOut(o.data), execution_count: o.execution_count, metadata: o.metadata, output_type: "execute_result" };
    case "error":
      return { ename: o.ename, evalue: o.evalue, output_type: "error", traceback: o.traceback };
  }
}

/** toIpynb writes the notebook as nbformat 4.5 JSON (stable key order, line lists). */
export function toIpynb(nb: Notebook): Record<string, unknown> {
  return {
    cells: nb.cells.map((c) => {
      const o: Record<string, unknown> = {};
      if (c.attachments && c.type !== "code") o.attachments = c.attachments;
      o.cell_type = c.type;
      if (c.type === "code") o.execution_count = c.executionCount;
      o.id = c.id;
      o.metadata = c.metadata;
      if (c.type === "code") o.outputs = c.outputs.map(outputOut);
      o.source = splitLines(c.source);
      return o;
    }),
    metadata: nb.metadata,
    nbformat: 4,
    nbformat_minor: nb.nbformatMinor,
  };
}

/** serialize returns the notebook file text, as the server would store it. */
export function serialize(nb: Notebook): string {
  return JSON.stringify(toIpynb(nb), null, 1) + "\n";
}

// ---- structural edits -------------------------------------------------------

/** Deleted records a removed cell so that it can be restored. */
export interface Deleted {
  cell: Cell;
  index: number;
}

function checkIndex(nb: Notebook, i: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= nb.cells.length) {
    throw new RangeError(`cell index ${i} out of range [0, ${nb.cells.length})`);
  }
}

/** insertCell puts cell at index (clamped) and returns its index. */
export function insertCell(nb: Notebook, index: number, cell: Cell): number {
  const i = Math.max(0, Math.min(index, nb.cells.length));
  nb.cells.splice(i, 0, cell);
  return i;
}

/**
 * deleteCells removes the cells at the given indices and returns them for
 * undo, in ascending index order. A notebook never becomes empty: deleting
 * the last cell leaves a fresh empty code cell.
 */
export function deleteCells(nb: Notebook, indices: number[]): Deleted[] {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  sorted.forEach((i) => checkIndex(nb, i));
  const out: Deleted[] = sorted.map((i) => ({ cell: nb.cells[i], index: i }));
  for (let k = sorted.length - 1; k >= 0; k--) nb.cells.splice(sorted[k], 1);
  if (nb.cells.length === 0) nb.cells.push(newCell("code"));
  return out;
}

/** restoreCells undoes deleteCells; it returns the index of the first restored cell. */
export function restoreCells(nb: Notebook, deleted: Deleted[]): number {
  // A placeholder cell added by deleteCells is dropped if untouched.
  if (nb.cells.length === 1 && nb.cells[0].source === "" && nb.cells[0].outputs.length === 0 && deleted.length > 0) {
    const only = nb.cells[0];
    if (!deleted.some((d) => d.cell === only)) nb.cells.splice(0, 1);
  }
  for (const d of deleted) {
    nb.cells.splice(Math.min(d.index, nb.cells.length), 0, d.cell);
  }
  return deleted.length ? Math.min(deleted[0].index, nb.cells.length - 1) : 0;
}

/** moveCell moves the cell at from by delta places (clamped); it returns the new index. */
export function moveCell(nb: Notebook, from: number, delta: number): number {
  checkIndex(nb, from);
  const to = Math.max(0, Math.min(nb.cells.length - 1, from + delta));
  if (to === from) return from;
  const [c] = nb.cells.splice(from, 1);
  nb.cells.splice(to, 0, c);
  return to;
}

/** copyCell returns a copy of a cell with a fresh id and no run state. */
export function copyCell(c: Cell): Cell {
  return {
    ...structuredCloneSafe(c),
    id: cellId(),
    run: { phase: "idle" },
  };
}

function structuredCloneSafe<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** duplicateCell inserts a copy below index and returns the copy's index. */
export function duplicateCell(nb: Notebook, index: number): number {
  checkIndex(nb, index);
  return insertCell(nb, index + 1, copyCell(nb.cells[index]));
}

/**
 * splitCell splits the cell at index at the given source offset (UTF-16
 * units). The top part keeps the outputs; the bottom part is a new cell of
 * the same type. It returns the index of the bottom cell.
 */
export function splitCell(nb: Notebook, index: number, offset: number): number {
  checkIndex(nb, index);
  const c = nb.cells[index];
  const at = Math.max(0, Math.min(offset, c.source.length));
  const top = c.source.slice(0, at).replace(/\n$/, "");
  const bottom = c.source.slice(at).replace(/^\n/, "");
  c.source = top;
  const b = newCell(c.type, bottom);
  b.rendered = false;
  return insertCell(nb, index + 1, b);
}

/**
 * mergeCells merges the cell at index+1 into the cell at index (sources
 * joined by a newline, outputs dropped as Jupyter does) and returns index.
 */
export function mergeCells(nb: Notebook, index: number): number {
  checkIndex(nb, index);
  checkIndex(nb, index + 1);
  const a = nb.cells[index];
  const b = nb.cells[index + 1];
  a.source = a.source === "" ? b.source : b.source === "" ? a.source : a.source + "\n" + b.source;
  a.outputs = [];
  a.executionCount = null;
  nb.cells.splice(index + 1, 1);
  return index;
}

/** setCellType changes a cell's type; leaving "code" drops outputs and count. */
export function setCellType(c: Cell, type: CellType): boolean {
  if (c.type === type) return false;
  c.type = type;
  if (type !== "code") {
    c.outputs = [];
    c.executionCount = null;
    c.run = { phase: "idle" };
  }
  c.rendered = false;
  return true;
}

/** clearOutputs empties a cell's outputs and execution count. */
export function clearOutputs(c: Cell): void {
  c.outputs = [];
  c.executionCount = null;
  c.clearPending = false;
}

/** indexOf returns the index of the cell with the given id, or -1. */
export function indexOf(nb: Notebook, id: string): number {
  for (let i = 0; i < nb.cells.length; i++) if (nb.cells[i].id === id) return i;
  return -1;
}
