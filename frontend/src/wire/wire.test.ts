import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  Api, ApiError, KernelConnection, backoff, channelsURL, contentsPath, decodeMessage, encodeMessage, newMessage,
  WireError, type SocketLike,
} from "./index";

test("newMessage builds a 5.3 header and decode accepts it", () => {
  const m = newMessage("execute_request", { code: "1+1" }, "sess");
  assert.equal(m.header.version, "5.3");
  assert.equal(m.header.session, "sess");
  assert.equal(m.channel, "shell");
  const back = decodeMessage(encodeMessage(m));
  assert.equal(back.header.msg_id, m.header.msg_id);
  assert.deepEqual(back.content, { code: "1+1" });
});

test("decodeMessage rejects frames that are not messages", () => {
  for (const [frame, want] of [
    ["not json", /not JSON/],
    ["[1]", /not a JSON object/],
    ['{"channel":"shell"}', /no header/],
    ['{"channel":"shell","header":{"msg_id":"1"}}', /no msg_type/],
    ['{"channel":"nope","header":{"msg_id":"1","msg_type":"status"}}', /unknown channel/],
  ]) {
    assert.throws(() => decodeMessage(frame as string), (e: Error) => e instanceof WireError && (want as RegExp).test(e.message));
  }
});

// The kernel's message corpus: the TS decoder reads the same files as the Go one.
test("decodeMessage reads the shared message corpus", () => {
  const dir = path.resolve("..", "kernel", "jupyter", "testdata", "messages");
  if (!existsSync(dir)) return;
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  assert.ok(files.length > 0, `no messages in ${dir}`);
  for (const f of files) {
    const raw = JSON.parse(readFileSync(path.join(dir, f), "utf8"));
    if (!raw.channel) raw.channel = "shell";
    const m = decodeMessage(JSON.stringify(raw));
    assert.equal(m.header.msg_type, raw.header.msg_type, f);
  }
});

test("backoff grows and is capped", () => {
  assert.equal(backoff(0), 250);
  assert.equal(backoff(1), 500);
  assert.equal(backoff(10), 5000);
});

test("channelsURL and contentsPath encode", () => {
  assert.equal(channelsURL({ protocol: "https:", host: "h:1" }, "k/1", "s 1"), "wss://h:1/api/kernels/k%2F1/channels?session_id=s%201");
  assert.equal(contentsPath("/a b/c#d.ipynb"), "a%20b/c%23d.ipynb");
  assert.equal(contentsPath(""), "");
});

class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  sent: string[] = [];
  send(d: string) { this.sent.push(d); }
  close() { this.readyState = 3; }
  open() { this.readyState = 1; this.onopen?.({}); }
  drop() { this.readyState = 3; this.onclose?.({}); }
  push(m: unknown) { this.onmessage?.({ data: JSON.stringify(m) }); }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const conn = new KernelConnection({
    url: "ws://x/api/kernels/k/channels?session_id=s",
    session: "s",
    socket: () => { const s = new FakeSocket(); sockets.push(s); return s; },
    schedule: (fn, ms) => { timers.push({ fn, ms }); },
  });
  return { conn, sockets, timers };
}

function reply(to: string, type: string, content: unknown, channel = "shell") {
  return { channel, header: { msg_id: "r" + Math.random(), msg_type: type }, parent_header: { msg_id: to }, metadata: {}, content };
}

test("requests queue while connecting and route replies and iopub", () => {
  const { conn, sockets } = setup();
  const seen: string[] = [];
  const id = conn.request("execute_request", { code: "1" }, {
    onIOPub: (m) => seen.push("iopub:" + m.header.msg_type),
    onReply: (m) => seen.push("reply:" + m.header.msg_type),
  });
  assert.equal(sockets[0].sent.length, 0, "sent before open");
  sockets[0].open();
  assert.equal(sockets[0].sent.length, 1);
  assert.equal(JSON.parse(sockets[0].sent[0]).header.msg_id, id);
  const broadcast: string[] = [];
  conn.onIOPub((m) => broadcast.push(m.header.msg_type));
  sockets[0].push(reply(id, "status", { execution_state: "busy" }, "iopub"));
  sockets[0].push(reply(id, "stream", { name: "stdout", text: "x" }, "iopub"));
  sockets[0].push(reply(id, "execute_reply", { status: "ok" }));
  sockets[0].push(reply("someone-else", "stream", { name: "stdout", text: "y" }, "iopub"));
  assert.deepEqual(seen, ["iopub:status", "iopub:stream", "reply:execute_reply"]);
  assert.deepEqual(broadcast, ["status", "stream", "stream"]);
  sockets[0].onmessage?.({ data: "garbage" });
  assert.equal(conn.malformed, 1);
});

test("a dropped socket reconnects with backoff and keeps pending requests", () => {
  const { conn, sockets, timers } = setup();
  const states: string[] = [];
  conn.onState((s) => states.push(s));
  sockets[0].open();
  let got = false;
  const id = conn.request("execute_request", { code: "for {}" }, { onReply: () => { got = true; } });
  sockets[0].drop();
  assert.equal(conn.state, "reconnecting");
  conn.request("kernel_info_request", {});
  assert.equal(timers.length, 1);
  assert.equal(timers[0].ms, 250);
  timers[0].fn();
  assert.equal(sockets.length, 2);
  sockets[1].drop();
  assert.equal(timers[1].ms, 500);
  timers[1].fn();
  sockets[2].open();
  assert.deepEqual(states, ["connected", "reconnecting", "connected"]);
  assert.equal(sockets[2].sent.length, 1, "queued request sent after reconnect");
  sockets[2].push(reply(id, "execute_reply", { status: "ok" }));
  assert.ok(got);
  assert.equal(conn.pendingCount, 2);
  let lost = "";
  conn.request("execute_request", {}, { onLost: (r) => { lost = r; } });
  conn.abandonAll("kernel restarted");
  assert.equal(lost, "kernel restarted");
  assert.equal(conn.pendingCount, 0);
  conn.close();
  assert.equal(conn.state, "closed");
});

test("call resolves with the reply and times out", async () => {
  const { conn, sockets, timers } = setup();
  sockets[0].open();
  const p = conn.call("complete_request", { code: "fm", cursor_pos: 2 });
  const id = JSON.parse(sockets[0].sent[0]).header.msg_id;
  sockets[0].push(reply(id, "complete_reply", { matches: ["fmt"] }));
  const m = await p;
  assert.deepEqual(m.content, { matches: ["fmt"] });
  const q = conn.call("inspect_request", {}, "shell", 50);
  timers[timers.length - 1].fn();
  await assert.rejects(q, /no reply after 50 ms/);
});

function fakeFetch(status: number, body: unknown, calls: Array<{ url: string; init?: RequestInit }>) {
  return async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? "" : JSON.stringify(body), { status });
  };
}

test("save sends last_modified and reports a conflict", async () => {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const api = new Api("", fakeFetch(409, { message: "file changed on disk", reason: "conflict" }, calls));
  await assert.rejects(api.saveNotebook("dir/a.ipynb", { cells: [] }, "2026-01-01T00:00:00Z"), (e: Error) => {
    return e instanceof ApiError && e.conflict && e.reason === "conflict" && /changed on disk/.test(e.message);
  });
  assert.equal(calls[0].url, "/api/contents/dir/a.ipynb");
  assert.equal(calls[0].init?.method, "PUT");
  const body = JSON.parse(String(calls[0].init?.body));
  assert.equal(body.last_modified, "2026-01-01T00:00:00Z");
  assert.equal(body.type, "notebook");
  const ok = new Api("", fakeFetch(200, { path: "dir/a.ipynb", last_modified: "t2" }, calls));
  await ok.saveNotebook("dir/a.ipynb", {}, "t1", true);
  assert.equal(calls[1].url, "/api/contents/dir/a.ipynb?force=1");
  assert.equal(JSON.parse(String(calls[1].init?.body)).last_modified, undefined);
});

test("api errors carry status and message; network errors are status 0", async () => {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const api = new Api("", fakeFetch(503, { message: "too many kernels running (cap 8)" }, calls));
  await assert.rejects(api.startSession("a.ipynb"), (e: Error) => e instanceof ApiError && e.status === 503 && /too many kernels/.test(e.message));
  const down = new Api("", async () => { throw new TypeError("Failed to fetch"); });
  await assert.rejects(down.status(), (e: Error) => e instanceof ApiError && e.status === 0);
  const sess = new Api("", fakeFetch(201, { id: "s", path: "a.ipynb", kernel: { id: "k", name: "tandem" } }, calls));
  const s = await sess.startSession("x/a.ipynb");
  assert.equal(s.kernel?.id, "k");
  const b = JSON.parse(String(calls[1].init?.body));
  assert.deepEqual(b, { path: "x/a.ipynb", name: "a.ipynb", type: "notebook", kernel: { name: "tandem" } });
});
