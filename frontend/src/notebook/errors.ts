// Finding the cell line an error output points at, for the editor's error
// marks. Pure; no DOM.

import type { Output } from "./model";

/** ErrorLocation is a 1-based line (and column, 0 if unknown) in a cell. */
export interface ErrorLocation {
  line: number;
  col: number;
  /** cell is the execution count the location belongs to (0 if not stated). */
  cell: number;
}

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;]*[A-Za-z]/g;

/** stripAnsi removes ANSI escape sequences. */
export function stripAnsi(s: string): string {
  return s.replace(ansi, "");
}

const patterns: Array<{ re: RegExp; cell?: number; line: number; col?: number }> = [
  // "cell 3, line 2, column 5" / "cell 3, line 2"
  { re: /cell\s+\[?(\d+)\]?,?\s+line\s+(\d+)(?:,?\s+col(?:umn)?\s+(\d+))?/i, cell: 1, line: 2, col: 3 },
  // "[3]:2:5" or "cell[3]:2:5" or "In [3]:2"
  { re: /\[(\d+)\]:(\d+)(?::(\d+))?/, cell: 1, line: 2, col: 3 },
  // "cell3:2:5"
  { re: /cell_?(\d+)(?:\.go)?:(\d+)(?::(\d+))?/i, cell: 1, line: 2, col: 3 },
  // yaegi's "_.go:2:5" or a bare "2:5: undefined: x" at a line start
  { re: /(?:^|\s|_\.go:)(\d+):(\d+):/m, line: 1, col: 2 },
  // "line 2"
  { re: /\bline\s+(\d+)/i, line: 1 },
];

/**
 * errorLocation finds where an error output points in its cell: first from
 * structured metadata the kernel may attach, then from the text of evalue
 * and traceback. It returns null when no line is stated.
 */
export function errorLocation(o: Output, meta?: Record<string, unknown>): ErrorLocation | null {
  if (o.output_type !== "error") return null;
  if (meta && typeof meta.line === "number" && meta.line > 0) {
    return { line: meta.line, col: typeof meta.col === "number" ? meta.col : 0, cell: typeof meta.cell === "number" ? meta.cell : 0 };
  }
  const texts = [o.evalue, ...o.traceback].map(stripAnsi);
  for (const p of patterns) {
    for (const t of texts) {
      const m = p.re.exec(t);
      if (!m) continue;
      const line = Number(m[p.line]);
      if (!(line > 0)) continue;
      return {
        line,
        col: p.col && m[p.col] ? Number(m[p.col]) : 0,
        cell: p.cell && m[p.cell] ? Number(m[p.cell]) : 0,
      };
    }
  }
  return null;
}
