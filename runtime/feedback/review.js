// Tandem review widget (anywidget convention: default export with render).
// Keyboard first: 1-9 and 0 choose a label (0 is the tenth class), a accepts
// the given label, x excludes, n adds a note, left/right move, u undoes.
// Every decision carries a client id and waits in a durable outbox
// (localStorage, else memory) until the kernel acknowledges its commit to
// the ledger; unacknowledged ones are resent on render and every 2 s, and
// the ledger stores a retried id once.
function store() {
  try {
    const k = "__tandem_probe";
    localStorage.setItem(k, "1");
    localStorage.removeItem(k);
    return localStorage;
  } catch (e) {
    const m = new Map();
    return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
  }
}
function uid() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(16) + Math.random().toString(16).slice(2);
}
function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) e.append(k instanceof Node ? k : String(k));
  return e;
}
const CSS = `.tdm-review{font:13px system-ui,sans-serif;border:1px solid #8884;border-radius:6px;padding:8px;max-width:640px;outline:none}
.tdm-review:focus{border-color:#4a90d9}.tdm-review .bar{display:flex;gap:8px;align-items:center;justify-content:space-between}
.tdm-review .row{display:flex;gap:12px;margin:8px 0}.tdm-review img{image-rendering:pixelated;border:1px solid #8884}
.tdm-review table{border-collapse:collapse}.tdm-review td{padding:0 6px}.tdm-review .err{color:#c33;white-space:pre-wrap}
.tdm-review .ok{color:#2a2}.tdm-review .warn{color:#b70}.tdm-review button{margin:2px;min-width:2em}
.tdm-review .sel{outline:2px solid #4a90d9}.tdm-review kbd{font-size:11px;opacity:.7}`;

export default {
  render({ model, el }) {
    const ls = store();
    const okey = "tandem-outbox:" + model.get("dataset") + ":" + model.get("version");
    const loadBox = () => { try { return JSON.parse(ls.getItem(okey) || "{}"); } catch (e) { return {}; } };
    const saveBox = (b) => { try { ls.setItem(okey, JSON.stringify(b)); } catch (e) { /* quota: kept in memory below */ } mem = b; };
    let mem = loadBox();
    const outbox = () => { const b = loadBox(); return Object.keys(b).length ? b : mem; };
    let row = model.get("current") || null;
    // Decisions made in this tab and not acknowledged yet. The outbox is
    // shared by the tabs of this browser (localStorage): it is for
    // durability; mine decides what this tab shows and where it moves.
    const mine = new Map();
    let status = "", statusClass = "";
    const root = h("div", { class: "tdm-review", tabindex: "0" });
    const style = h("style", {}, CSS);
    el.append(style, root);

    const send = (m) => model.send(m);
    const flush = (force) => {
      const now = Date.now();
      const b = outbox();
      for (const [id, e] of Object.entries(b)) {
        if (force || now - (e.sent || 0) > 2000) { e.sent = now; send(e.msg); }
      }
      saveBox(b);
    };
    const decide = (kind, extra) => {
      if (!row) return;
      const msg = Object.assign({ type: "decide", id: uid(), key: row.key, kind, old: row.label,
        version: model.get("version"), time: Date.now(), index: row.index }, extra || {});
      const b = outbox();
      b[msg.id] = { msg, sent: Date.now() };
      saveBox(b);
      mine.set(msg.id, msg);
      status = "saving…"; statusClass = "warn";
      send(msg);
      draw();
    };
    // Replies reach every tab on the notebook: a tab takes only the rows it
    // asked for (its own request ids).
    const asked = new Set();
    const go = (i) => {
      const n = model.get("n");
      if (i < 0 || i >= n) return;
      const req = uid();
      asked.add(req);
      send({ type: "get", index: i, req });
    };
    const classes = () => model.get("classes") || [];

    function onKey(ev) {
      if (ev.target && (ev.target.tagName === "INPUT" || ev.target.tagName === "TEXTAREA")) return;
      const k = ev.key, c = classes();
      let done = true;
      if (/^[0-9]$/.test(k)) {
        const i = k === "0" ? 9 : Number(k) - 1;
        if (i < c.length) decide(c[i] === row?.label ? "accept" : "relabel", { new: c[i] }); else done = false;
      } else if (k === "a") decide("accept", { new: row?.label });
      else if (k === "x") decide(row?.excluded ? "include" : "exclude");
      else if (k === "n") { const t = prompt("Note on row " + (row && row.key)); if (t) decide("note", { new: t }); }
      else if (k === "u") { if (row && row.decision) decide("undo", { undo_of: row.decision.id }); }
      else if (k === "ArrowRight") go((row ? row.index : -1) + 1);
      else if (k === "ArrowLeft") go((row ? row.index : 1) - 1);
      else done = false;
      // the notebook's own shortcuts (a, x, arrows…) must not see these keys
      if (done) { ev.preventDefault(); ev.stopPropagation(); }
    }
    root.addEventListener("keydown", onKey);

    function draw() {
      const n = model.get("n"), c = classes();
      root.replaceChildren();
      const err = model.get("error");
      root.append(h("div", { class: "bar" },
        h("b", {}, "Review ", model.get("dataset")),
        h("span", { class: "progress" }, row ? `${row.index + 1} of ${n}` : `0 of ${n}`, ` · ${model.get("done")} decided`),
        h("span", { class: "status " + statusClass }, status)));
      if (err) root.append(h("div", { class: "err" }, err));
      if (!row) { root.append(h("div", {}, "Nothing to review.")); return; }
      const pic = row.image ? h("img", { src: row.image, alt: "row " + row.key }) :
        h("table", {}, (row.features || []).map(([f, v]) => h("tr", {}, h("td", {}, f), h("td", {}, v))));
      const dec = row.decision;
      root.append(h("div", { class: "row" }, pic, h("div", {},
        h("div", {}, "row ", h("code", {}, row.key)),
        h("div", {}, "given ", h("b", {}, row.given), row.label !== row.given ? h("span", {}, " → now ", h("b", {}, row.label)) : null),
        h("div", {}, "model says ", h("b", {}, row.suggested), ` (p ${row.prob})`),
        h("div", {}, "why: ", row.why),
        row.excluded ? h("div", { class: "warn" }, "excluded") : null,
        dec ? h("div", { class: "ok" }, `saved: ${dec.kind} ${dec.new || ""} by ${dec.author}`) : null,
        row.conflict ? h("div", { class: "warn conflict" }, "conflict: " + row.conflict) : null,
        row.missing ? h("div", { class: "err" }, row.missing) : null,
        (row.notes || []).map((t) => h("div", { class: "note" }, "note: ", t)),
        row.explain ? h("div", { class: "explain" },
          h("div", {}, "nearest rows: ", (row.explain.neighbors || []).map((n) => `${n.label} (${n.distance})`).join(", ")),
          h("div", {}, `why ${row.explain.predicted} over ${row.explain.runner_up}: `,
            (row.explain.features || []).map((f) => `${f.feature} ${f.amount > 0 ? "+" : ""}${f.amount}`).join(", "))) : null)));
      const btns = h("div", {});
      c.slice(0, 10).forEach((name, i) => btns.append(h("button", { class: name === row.label ? "sel" : "", title: "key " + (i === 9 ? 0 : i + 1),
        onclick: () => decide(name === row.label ? "accept" : "relabel", { new: name }) }, name)));
      root.append(btns, h("div", {},
        h("button", { onclick: () => go(row.index - 1) }, "◀ ", h("kbd", {}, "←")),
        h("button", { onclick: () => decide("accept", { new: row.label }) }, "accept ", h("kbd", {}, "a")),
        h("button", { onclick: () => decide(row.excluded ? "include" : "exclude") }, row.excluded ? "include " : "exclude ", h("kbd", {}, "x")),
        h("button", { onclick: () => { const t = prompt("Note"); if (t) decide("note", { new: t }); } }, "note ", h("kbd", {}, "n")),
        h("button", { disabled: !dec, onclick: () => dec && decide("undo", { undo_of: dec.id }) }, "undo ", h("kbd", {}, "u")),
        h("button", { onclick: () => go(row.index + 1) }, "▶ ", h("kbd", {}, "→"))));
    }

    model.on("msg:custom", (m) => {
      if (m.type === "row") {
        if (!asked.delete(m.req)) return;
        row = m.row; draw(); return;
      }
      if (m.type === "ack") {
        const b = outbox();
        if (b[m.id]) { delete b[m.id]; saveBox(b); }
        const d = mine.get(m.id);
        if (d) {
          mine.delete(m.id);
          status = mine.size ? `saving ${mine.size}…` : "saved ✓"; statusClass = mine.size ? "warn" : "ok";
          // move on after a decision on the row shown
          if (d.kind !== "note" && d.kind !== "undo" && row && d.key === row.key) go(row.index + 1);
        }
        draw();
        return;
      }
      if (m.type === "rowupdate") { if (row && m.row.key === row.key) { row = m.row; draw(); } return; }
      if (m.type === "error") {
        const b = outbox();
        if (m.id && b[m.id] && m.final) { delete b[m.id]; saveBox(b); }
        if (m.final) mine.delete(m.id);
        if (mine.has(m.id) || m.final && m.id in b || !m.id) { status = m.message + (m.final ? "" : " (will retry)"); statusClass = "err"; }
        draw();
      }
    });
    const onChange = () => draw();
    model.on("change:done", onChange);
    model.on("change:error", onChange);
    draw();
    // the state holds the first row as it was when the widget was made:
    // ask for the row shown now, with the decisions saved since
    if (row) go(row.index);
    flush(true);
    const timer = setInterval(() => flush(false), 2000);
    return () => { clearInterval(timer); root.removeEventListener("keydown", onKey); };
  },
};
