// Unsaved edits kept in browser storage until the server has them, so a
// dropped socket, a server restart or a closed tab loses nothing.

/** A storage with the localStorage surface (a Map-backed fake in tests). */
export interface KV {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Draft is one notebook's unsaved state. */
export interface Draft {
  path: string;
  /** base is the server's last_modified the edits started from. */
  base: string;
  /** savedAt is when the draft was written (ms since epoch). */
  savedAt: number;
  /** content is the nbformat JSON of the edited notebook. */
  content: unknown;
  /** outputsDropped is set when outputs were left out to fit the storage quota. */
  outputsDropped?: boolean;
}

const prefix = "tandem.draft:";

/** draftKey is the storage key of a notebook's draft. */
export function draftKey(path: string): string {
  return prefix + path;
}

/** stripOutputs returns nbformat JSON with every output removed (edits only). */
export function stripOutputs(content: unknown): unknown {
  const nb = content as { cells?: Array<Record<string, unknown>> };
  if (!nb || !Array.isArray(nb.cells)) return content;
  return {
    ...nb,
    cells: nb.cells.map((c) => (c.cell_type === "code" ? { ...c, outputs: [], execution_count: null } : c)),
  };
}

/**
 * writeDraft stores a draft. When the storage is full it retries without
 * outputs (the edits are what matter). It returns false if even that failed.
 */
export function writeDraft(kv: KV, d: Draft): boolean {
  try {
    kv.setItem(draftKey(d.path), JSON.stringify(d));
    return true;
  } catch {
    try {
      kv.setItem(draftKey(d.path), JSON.stringify({ ...d, content: stripOutputs(d.content), outputsDropped: true }));
      return true;
    } catch {
      return false;
    }
  }
}

/** readDraft returns the stored draft for path, or null (also for a corrupt one). */
export function readDraft(kv: KV, path: string): Draft | null {
  const raw = kv.getItem(draftKey(path));
  if (!raw) return null;
  try {
    const d = JSON.parse(raw) as Draft;
    if (d && d.path === path && typeof d.base === "string" && d.content) return d;
  } catch {
    /* fall through */
  }
  return null;
}

/** clearDraft drops a draft once the server has saved the notebook. */
export function clearDraft(kv: KV, path: string): void {
  kv.removeItem(draftKey(path));
}

/** moveDraft follows a rename. */
export function moveDraft(kv: KV, from: string, to: string): void {
  const d = readDraft(kv, from);
  if (!d) return;
  clearDraft(kv, from);
  writeDraft(kv, { ...d, path: to });
}
