import { test } from "node:test";
import assert from "node:assert/strict";
import { RunQueue, newCell, type Cell } from "./index";

function cells(...srcs: string[]): Cell[] {
  return srcs.map((s) => newCell(s.startsWith("#") ? "markdown" : "code", s));
}

test("cells go one at a time, in order", () => {
  const cs = cells("a", "b", "", "# md", "c");
  const q = new RunQueue();
  assert.equal(q.enqueue(cs, 1), 3);
  assert.deepEqual(cs.map((c) => c.run.phase), ["queued", "queued", "idle", "idle", "queued"]);
  const all = () => true;
  const first = q.next(all);
  assert.equal(first, cs[0]);
  assert.equal(first?.run.phase, "idle", "reset so it can be sent");
  assert.equal(q.next(all), null, "one in flight at a time");
  assert.deepEqual(q.done("ok", 2), []);
  assert.equal(q.next(all), cs[1]);
  q.done("ok", 3);
  assert.equal(q.next(all), cs[4]);
  q.done("ok", 4);
  assert.equal(q.next(all), null);
});

test("a failure stops the chain and marks the rest not run", () => {
  const cs = cells("a", "b", "c");
  const q = new RunQueue();
  q.enqueue(cs, 1);
  q.next(() => true);
  const aborted = q.done("error", 5);
  assert.deepEqual(aborted, [cs[1], cs[2]]);
  for (const c of aborted) assert.deepEqual(c.run, { phase: "idle", status: "aborted", elapsedMs: undefined });
  assert.equal(q.size, 0);
});

test("deleted cells and cells run by hand are skipped; no double queueing", () => {
  const cs = cells("a", "b", "c");
  const q = new RunQueue();
  q.enqueue(cs, 1);
  assert.equal(q.enqueue(cs, 1), 0);
  cs[1].run = { phase: "running", msgId: "by-hand" };
  const present = (c: Cell) => c !== cs[0];
  assert.equal(q.next(present), cs[2]);
});
