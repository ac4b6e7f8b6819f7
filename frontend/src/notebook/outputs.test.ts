import { test } from "node:test";
import assert from "node:assert/strict";
import {
  appendStreamText, applyIOPub, clipText, errorLocation, formatElapsed, markDone, markQueued, markRunning,
  newCell, newNotebook, toIpynb, updateDisplay, type Output,
} from "./index";

test("stream chunks merge and honour carriage returns", () => {
  for (const [prev, chunk, want] of [
    ["", "a\nb", "a\nb"],
    ["x\n10%", "\r20%", "x\n20%"],
    ["", "abc\rX", "Xbc"],
    ["ab", "\b\bZ", "Zb"],
    ["", "a\r\nb", "a\nb"],
  ]) {
    assert.equal(appendStreamText(prev, chunk), want, JSON.stringify([prev, chunk]));
  }
  const c = newCell("code");
  applyIOPub(c, "stream", { name: "stdout", text: "1\n" });
  applyIOPub(c, "stream", { name: "stdout", text: "2\n" });
  applyIOPub(c, "stream", { name: "stderr", text: "oops\n" });
  assert.equal(c.outputs.length, 2);
  assert.deepEqual(c.outputs[0], { output_type: "stream", name: "stdout", text: "1\n2\n" });
});

test("execute_result sets the count, clear_output(wait) clears on next output", () => {
  const c = newCell("code");
  applyIOPub(c, "execute_input", { code: "1+1", execution_count: 7 });
  assert.equal(c.executionCount, 7);
  applyIOPub(c, "execute_result", { data: { "text/plain": "2" }, metadata: {}, execution_count: 7 });
  assert.equal(c.outputs.length, 1);
  assert.equal(applyIOPub(c, "clear_output", { wait: true }), false);
  assert.equal(c.outputs.length, 1);
  applyIOPub(c, "display_data", { data: { "text/plain": "new" }, metadata: {} });
  assert.equal(c.outputs.length, 1);
  assert.equal((c.outputs[0] as { data: Record<string, string> }).data["text/plain"], "new");
  applyIOPub(c, "clear_output", { wait: false });
  assert.equal(c.outputs.length, 0);
});

test("update_display_data replaces outputs in every cell, transient not saved", () => {
  const nb = newNotebook();
  nb.cells = [newCell("code"), newCell("code"), newCell("code")];
  applyIOPub(nb.cells[0], "display_data", { data: { "text/plain": "0%" }, metadata: {}, transient: { display_id: "p" } });
  applyIOPub(nb.cells[2], "display_data", { data: { "text/plain": "0%" }, metadata: {}, transient: { display_id: "p" } });
  applyIOPub(nb.cells[1], "display_data", { data: { "text/plain": "other" }, metadata: {}, transient: { display_id: "q" } });
  const changed = updateDisplay(nb, "p", { "text/plain": "100%" }, {});
  assert.deepEqual(changed.map((c) => nb.cells.indexOf(c)), [0, 2]);
  assert.equal((nb.cells[2].outputs[0] as { data: Record<string, string> }).data["text/plain"], "100%");
  assert.equal((nb.cells[1].outputs[0] as { data: Record<string, string> }).data["text/plain"], "other");
  const saved = JSON.stringify(toIpynb(nb));
  assert.ok(!saved.includes("transient"), saved);
});

test("run state: queued, running, done with elapsed time", () => {
  const c = newCell("code");
  markQueued(c, "m1", 100);
  assert.equal(c.run.phase, "queued");
  assert.equal(markRunning(c, "other", 150), false);
  assert.equal(markRunning(c, "m1", 150), true);
  assert.equal(c.run.phase, "running");
  assert.equal(markDone(c, "m1", 400, "ok"), true);
  assert.deepEqual(c.run, { phase: "idle", status: "ok", elapsedMs: 250 });
  markQueued(c, "m2", 500);
  markDone(c, "m2", 600, "aborted");
  assert.equal(c.run.elapsedMs, undefined);
});

test("formatElapsed", () => {
  for (const [ms, want] of [[4, "4 ms"], [999, "999 ms"], [1234, "1.23 s"], [12345, "12.3 s"], [125000, "2 m 05 s"]] as Array<[number, string]>) {
    assert.equal(formatElapsed(ms), want);
  }
});

test("errorLocation reads the cell line from error text", () => {
  const err = (evalue: string, traceback: string[] = []): Output => ({ output_type: "error", ename: "E", evalue, traceback });
  for (const [o, want] of [
    [err("cell 4, line 2, column 7: undefined: y"), { cell: 4, line: 2, col: 7 }],
    [err("x", ["\x1b[31m[3]:5:2\x1b[0m: undefined: y"]), { cell: 3, line: 5, col: 2 }],
    [err("_.go:3:9: undefined: foo"), { cell: 0, line: 3, col: 9 }],
    [err("2:1: expected ';', found 'IDENT' x"), { cell: 0, line: 2, col: 1 }],
    [err("panic at line 12"), { cell: 0, line: 12, col: 0 }],
    [err("runtime error: index out of range"), null],
  ] as Array<[Output, unknown]>) {
    assert.deepEqual(errorLocation(o), want, (o as { evalue: string }).evalue);
  }
  assert.deepEqual(errorLocation(err("nothing"), { line: 3, col: 1, cell: 2 }), { line: 3, col: 1, cell: 2 });
});

test("clipText keeps a bounded head", () => {
  const many = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join("");
  const c = clipText(many, 10, 1e6);
  assert.equal(c.text.split("\n").length - 1, 10);
  assert.equal(c.hiddenLines, 990);
  const big = "x".repeat(10 * 1024 * 1024);
  const b = clipText(big, 100, 5000);
  assert.equal(b.text.length, 5000);
  assert.equal(b.hiddenChars, big.length - 5000);
  assert.deepEqual(clipText("short\n", 10, 100), { text: "short\n", hiddenLines: 0, hiddenChars: 0 });
});
