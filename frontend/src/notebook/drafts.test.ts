import { test } from "node:test";
import assert from "node:assert/strict";
import { clearDraft, moveDraft, readDraft, writeDraft, type KV } from "./drafts";

class MapKV implements KV {
  m = new Map<string, string>();
  quota = Infinity;
  getItem(k: string) { return this.m.get(k) ?? null; }
  setItem(k: string, v: string) {
    if (v.length > this.quota) throw new Error("QuotaExceededError");
    this.m.set(k, v);
  }
  removeItem(k: string) { this.m.delete(k); }
}

const content = { cells: [{ cell_type: "code", source: ["x := 1"], outputs: [{ output_type: "stream", name: "stdout", text: "y".repeat(5000) }], execution_count: 2 }], nbformat: 4 };

test("drafts survive until cleared, and follow renames", () => {
  const kv = new MapKV();
  assert.equal(readDraft(kv, "a.ipynb"), null);
  assert.ok(writeDraft(kv, { path: "a.ipynb", base: "t1", savedAt: 1, content }));
  assert.deepEqual(readDraft(kv, "a.ipynb")?.content, content);
  moveDraft(kv, "a.ipynb", "b.ipynb");
  assert.equal(readDraft(kv, "a.ipynb"), null);
  assert.equal(readDraft(kv, "b.ipynb")?.base, "t1");
  clearDraft(kv, "b.ipynb");
  assert.equal(readDraft(kv, "b.ipynb"), null);
});

test("a full storage keeps the edits without outputs", () => {
  const kv = new MapKV();
  kv.quota = 1000;
  assert.ok(writeDraft(kv, { path: "a.ipynb", base: "t1", savedAt: 1, content }));
  const d = readDraft(kv, "a.ipynb");
  assert.equal(d?.outputsDropped, true);
  const cells = (d?.content as typeof content).cells;
  assert.deepEqual(cells[0].source, ["x := 1"]);
  assert.equal(cells[0].outputs.length, 0);
  kv.quota = 10;
  assert.equal(writeDraft(kv, { path: "a.ipynb", base: "t1", savedAt: 1, content }), false);
});

test("a corrupt draft reads as none", () => {
  const kv = new MapKV();
  kv.setItem("tandem.draft:a.ipynb", "{nope");
  assert.equal(readDraft(kv, "a.ipynb"), null);
});
