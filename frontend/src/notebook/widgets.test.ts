import { test } from "node:test";
import assert from "node:assert/strict";
import { WidgetStore, refId } from "./widgets";

test("models open, update, echo and close", () => {
  const s = new WidgetStore();
  assert.equal(s.handle("comm_open", { comm_id: "w1", target_name: "other", data: {} }), false);
  let ready = "";
  s.whenReady("w1", (m) => (ready = m.id));
  assert.ok(s.handle("comm_open", { comm_id: "w1", target_name: "jupyter.widget", data: { state: { _model_name: "IntSliderModel", value: 1 }, buffer_paths: [] } }));
  assert.equal(ready, "w1");
  const m = s.get("w1")!;
  const seen: string[][] = [];
  m.listeners.add((keys) => seen.push(keys));
  s.handle("comm_msg", { comm_id: "w1", data: { method: "update", state: { value: 5 } } });
  assert.equal(m.state.value, 5);
  s.handle("comm_msg", { comm_id: "w1", data: { method: "echo_update", state: { value: 6 } } });
  assert.equal(m.state.value, 6);
  assert.deepEqual(seen, [["value"], ["value"]]);
  let custom: unknown = null;
  m.custom.add((c) => (custom = c));
  s.handle("comm_msg", { comm_id: "w1", data: { method: "custom", content: { event: "x" } } });
  assert.deepEqual(custom, { event: "x" });
  s.handle("comm_close", { comm_id: "w1", data: {} });
  assert.equal(s.get("w1"), undefined);
  assert.ok(m.closed);
  assert.equal(s.set("w1", { value: 1 }), null);
});

test("set applies locally and returns the update for the kernel", () => {
  const s = new WidgetStore();
  s.handle("comm_open", { comm_id: "b", target_name: "jupyter.widget", data: { state: { value: false } } });
  assert.deepEqual(s.set("b", { value: true }), { comm_id: "b", data: { method: "update", state: { value: true }, buffer_paths: [] } });
  assert.equal(s.get("b")!.state.value, true);
  assert.deepEqual(s.custom("b", { event: "click" }), { comm_id: "b", data: { method: "custom", content: { event: "click" } } });
  s.clear();
  assert.equal(s.size, 0);
  assert.equal(refId("IPY_MODEL_abc"), "abc");
  assert.equal(refId("abc"), "");
});
