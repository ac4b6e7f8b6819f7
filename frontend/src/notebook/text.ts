// Clipping long text output for display. Pure; no DOM.

/** Clip is the visible head of a long text and what was left out. */
export interface Clip {
  text: string;
  hiddenLines: number;
  hiddenChars: number;
}

/**
 * clipText keeps at most maxLines lines and maxChars characters of s, so a
 * cell printing megabytes never builds a megabyte DOM node.
 */
export function clipText(s: string, maxLines: number, maxChars: number): Clip {
  let end = Math.min(s.length, maxChars);
  let lines = 0;
  let i = -1;
  while (lines < maxLines) {
    i = s.indexOf("\n", i + 1);
    if (i < 0 || i >= end) break;
    lines++;
  }
  if (lines >= maxLines && i >= 0 && i < end) end = i + 1;
  if (end >= s.length) return { text: s, hiddenLines: 0, hiddenChars: 0 };
  return { text: s.slice(0, end), hiddenLines: countLines(s, end), hiddenChars: s.length - end };
}

function countLines(s: string, from: number): number {
  let n = 0;
  for (let i = s.indexOf("\n", from); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  if (!s.endsWith("\n")) n++;
  return n;
}
