// RunQueue: "run all / above / below" as a chain of cells sent one at a
// time. The next cell goes when the previous one finished well; a failure,
// an interrupt or a lost kernel stops the chain and the rest is "not run".
// Pure: the caller sends the cells and reports how they ended.

import type { Cell } from "./model";
import { markDone, markQueued } from "./outputs";

/** RunQueue holds the cells waiting their turn. */
export class RunQueue {
  private waiting: Cell[] = [];
  private current: Cell | null = null;

  /** localId is the run id a cell carries while it waits in the queue. */
  static localId(c: Cell): string {
    return "local:" + c.id;
  }

  /**
   * enqueue marks runnable code cells queued and appends them; it skips
   * cells already queued or running and empty ones. It returns how many
   * were added.
   */
  enqueue(cells: Cell[], now: number): number {
    let n = 0;
    for (const c of cells) {
      if (c.type !== "code" || c.run.phase !== "idle" || c.source.trim() === "" || this.waiting.includes(c) || c === this.current) continue;
      markQueued(c, RunQueue.localId(c), now);
      this.waiting.push(c);
      n++;
    }
    return n;
  }

  /**
   * next returns the cell to send now, or null when one is in flight or none
   * waits. The cell's run state is reset so it can be sent; cells that left
   * the queue meanwhile (deleted, run by hand) are skipped; present tells
   * whether a cell is still in the notebook.
   */
  next(present: (c: Cell) => boolean): Cell | null {
    if (this.current) return null;
    for (;;) {
      const c = this.waiting.shift();
      if (!c) return null;
      if (!present(c) || c.run.msgId !== RunQueue.localId(c)) continue;
      c.run = { phase: "idle" };
      this.current = c;
      return c;
    }
  }

  /**
   * done reports how the cell in flight ended. On anything but "ok" the
   * waiting cells are marked not run; they are returned (to redraw).
   */
  done(status: "ok" | "error" | "aborted" | "lost", now: number): Cell[] {
    this.current = null;
    return status === "ok" ? [] : this.abort(now);
  }

  /** abort drops the waiting cells, marking them not run, and returns them. */
  abort(now: number): Cell[] {
    const out: Cell[] = [];
    for (const c of this.waiting) if (markDone(c, RunQueue.localId(c), now, "aborted")) out.push(c);
    this.waiting = [];
    this.current = null;
    return out;
  }

  /** size is the number of cells waiting (not counting the one in flight). */
  get size(): number {
    return this.waiting.length;
  }
}
