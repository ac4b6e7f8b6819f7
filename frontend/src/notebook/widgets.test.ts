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

test("snapshots load stale, live states revive them in place, snapshot() saves live ones", () => {
  const s = new WidgetStore();
  s.loadSnapshot({ "application/vnd.jupyter.widget-state+json": { version_major: 2, version_minor: 0, state: {
    a: { model_name: "IntSliderModel", model_module: "@jupyter-widgets/controls", model_module_version: "2.0.0", state: { _model_name: "IntSliderModel", value: 4 } },
  } } });
  const a = s.get("a")!;
  assert.equal(a.stale, true);
  assert.equal(s.set("a", { value: 1 }), null, "a stale model sends nothing");
  assert.equal(s.snapshot(), null, "stale models are not saved again as live");
  let changed = 0;
  a.listeners.add(() => changed++);
  s.load({ a: { model_name: "IntSliderModel", state: { _model_name: "IntSliderModel", value: 9 } } }, true);
  assert.equal(s.get("a"), a, "revived in place");
  assert.equal(a.stale, false);
  assert.equal(a.state.value, 9);
  assert.equal(changed, 1);
  const snap = s.snapshot() as Record<string, { state: Record<string, { model_name: string; state: Record<string, unknown> }> }>;
  assert.equal(snap["application/vnd.jupyter.widget-state+json"].state.a.model_name, "IntSliderModel");
  assert.equal(snap["application/vnd.jupyter.widget-state+json"].state.a.state.value, 9);
});

test("binary buffers land at their buffer_paths", () => {
  const s = new WidgetStore();
  s.handle("comm_open", { comm_id: "img", target_name: "jupyter.widget", data: { state: { value: null, meta: { thumb: null } }, buffer_paths: [["value"], ["meta", "thumb"]] } },
    [Buffer.from([1, 2, 3]).toString("base64"), Buffer.from([9]).toString("base64")]);
  const st = s.get("img")!.state as { value: Uint8Array; meta: { thumb: Uint8Array } };
  assert.deepEqual([...st.value], [1, 2, 3]);
  assert.deepEqual([...st.meta.thumb], [9]);
  s.handle("comm_msg", { comm_id: "img", data: { method: "update", state: { value: null }, buffer_paths: [["value"]] } }, [Buffer.from([7]).toString("base64")]);
  assert.deepEqual([...(s.get("img")!.state.value as Uint8Array)], [7]);
});

test("an echo of an older update does not undo a newer local change (protocol 2.1)", () => {
  const s = new WidgetStore();
  s.handle("comm_open", { comm_id: "w", target_name: "jupyter.widget", data: { state: { value: 0 } } });
  const u1 = s.set("w", { value: 1 })!;
  s.sent(u1, "m1");
  const u2 = s.set("w", { value: 2 })!;
  s.sent(u2, "m2");
  s.handle("comm_msg", { comm_id: "w", data: { method: "echo_update", state: { value: 1 } } }, undefined, "m1");
  assert.equal(s.get("w")!.state.value, 2, "the stale echo of m1 is ignored");
  s.handle("comm_msg", { comm_id: "w", data: { method: "echo_update", state: { value: 2 } } }, undefined, "m2");
  assert.equal(s.get("w")!.pending!.size, 0);
  s.handle("comm_msg", { comm_id: "w", data: { method: "echo_update", state: { value: 7 } } }, undefined, "other-tab");
  assert.equal(s.get("w")!.state.value, 7, "another tab's change applies");
  s.handle("comm_msg", { comm_id: "w", data: { method: "update", state: { value: 8 } } }, undefined, "m9");
  assert.equal(s.get("w")!.state.value, 8, "the kernel's own updates always apply");
});

test("contains finds a model inside boxes", () => {
  const s = new WidgetStore();
  s.handle("comm_open", { comm_id: "b", target_name: "jupyter.widget", data: { state: { _model_name: "ButtonModel" } } });
  s.handle("comm_open", { comm_id: "h", target_name: "jupyter.widget", data: { state: { _model_name: "HBoxModel", children: ["IPY_MODEL_b"] } } });
  s.handle("comm_open", { comm_id: "v", target_name: "jupyter.widget", data: { state: { _model_name: "VBoxModel", children: ["IPY_MODEL_h"] } } });
  assert.ok(s.contains("v", "b"));
  assert.ok(s.contains("b", "b"));
  assert.ok(!s.contains("b", "v"));
});
