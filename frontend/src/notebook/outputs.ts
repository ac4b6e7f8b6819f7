// Applying kernel iopub messages to cell outputs, and the run state of cells.
// Pure functions over the model; no DOM.

import type { Cell, MimeBundle, Notebook, Output } from "./model";

/**
 * appendStreamText appends a stream chunk to existing text, applying
 * carriage returns (a lone "\r" rewinds to the start of the line, as a
 * terminal progress bar expects) and backspaces.
 */
export function appendStreamText(prev: string, chunk: string): string {
  if (chunk.indexOf("\r") < 0 && chunk.indexOf("\b") < 0) return prev + chunk;
  // Only the last line of prev can be affected.
  const cut = prev.lastIndexOf("\n") + 1;
  let line = prev.slice(cut);
  const head = prev.slice(0, cut);
  const done: string[] = [];
  let col = line.length;
  for (let i = 0; i < chunk.length; i++) {
    const ch = chunk[i];
    if (ch === "\n") {
      done.push(line + "\n");
      line = "";
      col = 0;
    } else if (ch === "\r") {
      if (chunk[i + 1] === "\n") continue; // CRLF is a newline
      col = 0;
    } else if (ch === "\b") {
      col = Math.max(0, col - 1);
    } else {
      line = line.slice(0, col) + ch + line.slice(col + 1);
      col++;
    }
  }
  return head + done.join("") + line;
}

/** displayIdOf returns the display id an output carries, or "". */
export function displayIdOf(o: Output): string {
  if (o.output_type === "display_data" || o.output_type === "execute_result") {
    return o.transient?.display_id ?? "";
  }
  return "";
}

function takeClear(cell: Cell): void {
  if (cell.clearPending) {
    cell.outputs = [];
    cell.clearPending = false;
  }
}

/**
 * applyIOPub applies one iopub message (by msg_type and content) to the cell
 * that sent the request. It returns true when the cell's outputs changed.
 * update_display_data is handled by updateDisplay, across all cells.
 */
export function applyIOPub(cell: Cell, msgType: string, content: Record<string, unknown>): boolean {
  switch (msgType) {
    case "stream": {
      takeClear(cell);
      const name = content.name === "stderr" ? "stderr" : "stdout";
      const text = typeof content.text === "string" ? content.text : "";
      const last = cell.outputs[cell.outputs.length - 1];
      if (last && last.output_type === "stream" && last.name === name) {
        last.text = appendStreamText(last.text, text);
      } else {
        cell.outputs.push({ output_type: "stream", name, text: appendStreamText("", text) });
      }
      return true;
    }
    case "display_data":
    case "execute_result": {
      takeClear(cell);
      const data = (content.data ?? {}) as MimeBundle;
      const metadata = (content.metadata ?? {}) as Record<string, unknown>;
      const transient = content.transient as { display_id?: string } | undefined;
      if (msgType === "execute_result") {
        const count = typeof content.execution_count === "number" ? content.execution_count : null;
        cell.outputs.push({ output_type: "execute_result", data, metadata, execution_count: count, transient });
        if (count !== null) cell.executionCount = count;
      } else {
        cell.outputs.push({ output_type: "display_data", data, metadata, transient });
      }
      return true;
    }
    case "error": {
      takeClear(cell);
      cell.outputs.push({
        output_type: "error",
        ename: String(content.ename ?? "Error"),
        evalue: String(content.evalue ?? ""),
        traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
      });
      return true;
    }
    case "clear_output": {
      if (content.wait) {
        cell.clearPending = true;
        return false;
      }
      cell.outputs = [];
      cell.clearPending = false;
      return true;
    }
    case "execute_input": {
      if (typeof content.execution_count === "number") cell.executionCount = content.execution_count;
      return false;
    }
  }
  return false;
}

/**
 * updateDisplay replaces, in every cell, the outputs carrying displayId
 * (update_display_data). It returns the cells that changed.
 */
export function updateDisplay(nb: Notebook, displayId: string, data: MimeBundle, metadata: Record<string, unknown>): Cell[] {
  const changed: Cell[] = [];
  if (!displayId) return changed;
  for (const c of nb.cells) {
    let hit = false;
    for (const o of c.outputs) {
      if ((o.output_type === "display_data" || o.output_type === "execute_result") && o.transient?.display_id === displayId) {
        o.data = data;
        o.metadata = metadata;
        hit = true;
      }
    }
    if (hit) changed.push(c);
  }
  return changed;
}

// ---- run state ----------------------------------------------------------------

/** markQueued marks a cell as sent to the kernel and waiting. */
export function markQueued(cell: Cell, msgId: string, now: number): void {
  cell.run = { phase: "queued", msgId, queuedAt: now, elapsedMs: cell.run.elapsedMs, status: cell.run.status };
}

/** markRunning marks a queued cell as running (the kernel went busy for it). */
export function markRunning(cell: Cell, msgId: string, now: number): boolean {
  if (cell.run.msgId !== msgId || cell.run.phase === "running") return false;
  cell.run = { ...cell.run, phase: "running", startedAt: now };
  return true;
}

/** markDone ends a run with the reply status. */
export function markDone(cell: Cell, msgId: string, now: number, status: "ok" | "error" | "aborted" | "lost"): boolean {
  if (cell.run.msgId !== msgId) return false;
  const started = cell.run.startedAt;
  cell.run = {
    phase: "idle",
    status,
    elapsedMs: started !== undefined && status !== "aborted" ? Math.max(0, now - started) : undefined,
  };
  return true;
}

/** formatElapsed renders a duration for the cell footer: "12 ms", "3.4 s", "2 m 05 s". */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  return `${m} m ${String(s).padStart(2, "0")} s`;
}
