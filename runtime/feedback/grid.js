// Tandem data grid (anywidget convention). Only the page shown comes from
// the kernel; sorting and filtering run there. Double-click a cell (or
// select it and press Enter) to edit it; Enter saves, Escape cancels. Each
// edit carries a client id and waits in a durable outbox (localStorage,
// else memory) until the kernel acknowledges its commit to the ledger.
function store() {
  try { localStorage.setItem("__tandem_probe", "1"); localStorage.removeItem("__tandem_probe"); return localStorage; }
  catch (e) { const m = new Map(); return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)) }; }
}
function uid() { return globalThis.crypto && crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(16) + Math.random().toString(16).slice(2); }
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
const CSS = `.tdm-grid{font:12px system-ui,sans-serif;outline:none}.tdm-grid table{border-collapse:collapse;margin:4px 0}
.tdm-grid th{cursor:pointer;background:#8882;position:sticky;top:0}.tdm-grid td,.tdm-grid th{border:1px solid #8884;padding:1px 6px;white-space:nowrap}
.tdm-grid td.sel{outline:2px solid #4a90d9}.tdm-grid td.pending{background:#fd04}.tdm-grid .err{color:#c33}.tdm-grid .ok{color:#2a2}
.tdm-grid input{font:inherit;width:7em}.tdm-grid .bar{display:flex;gap:6px;align-items:center;flex-wrap:wrap}`;

export default {
  render({ model, el }) {
    const ls = store();
    const okey = () => "tandem-outbox:grid:" + model.get("dataset");
    const box = () => { try { return JSON.parse(ls.getItem(okey()) || "{}"); } catch (e) { return {}; } };
    const saveBox = (b) => { try { ls.setItem(okey(), JSON.stringify(b)); } catch (e) { /* memory only */ } };
    let q = { page: 0, sort: "", desc: false, filter_col: "", op: "contains", value: "", col_start: 0 };
    let pg = model.get("first") || null, req = 0, sel = [0, 0], status = "", statusClass = "";
    const mine = new Set(); // edits made in this tab, not acknowledged yet (the outbox is shared by tabs)
    const root = h("div", { class: "tdm-grid", tabindex: "0" });
    el.append(h("style", {}, CSS), root);
    const fetch = () => { req++; model.send(Object.assign({ type: "page", req }, q)); };
    const flush = (force) => {
      const b = box(), now = Date.now();
      for (const e of Object.values(b)) if (force || now - (e.sent || 0) > 2000) { e.sent = now; e.msg.version = e.msg.version || model.get("version"); model.send(e.msg); }
      saveBox(b);
    };
    const edit = (row, col, value) => {
      const field = col < 0 ? model.get("label") : pg.columns[col];
      const old = col < 0 ? row.label : row.cells[col];
      if (value === old) return;
      const msg = { type: "edit", id: uid(), key: row.key, field, old, new: value, version: model.get("version") || "", time: Date.now() };
      const b = box(); b[msg.id] = { msg, sent: Date.now() }; saveBox(b);
      mine.add(msg.id);
      if (col < 0) row.label = value; else row.cells[col] = value;
      row.pending = true; status = "saving…"; statusClass = "";
      model.send(msg); draw();
    };
    // While a cell is being edited, pages and acks arriving (from this tab
    // or another) wait to be drawn, so the input is not replaced under the
    // user's fingers.
    let editing = false, drawLater = false;
    const redraw = () => { if (editing) drawLater = true; else draw(); };
    function startEdit(td, row, col) {
      const inp = h("input", { value: col < 0 ? row.label : row.cells[col] });
      editing = true;
      td.replaceChildren(inp); inp.focus(); inp.select();
      let done = false;
      const finish = (save) => {
        if (done) return;
        done = true;
        editing = false;
        if (save) edit(row, col, inp.value);
        drawLater = false;
        draw();
      };
      inp.addEventListener("keydown", (ev) => {
        ev.stopPropagation();
        if (ev.key === "Enter") { finish(true); root.focus(); }
        if (ev.key === "Escape") { finish(false); root.focus(); }
      });
      inp.addEventListener("blur", () => finish(false));
    }
    function draw() {
      root.replaceChildren();
      const cols = model.get("columns") || [];
      const err = model.get("error");
      const colSel = h("select", { onchange: (e) => { q.filter_col = e.target.value; } },
        h("option", { value: "" }, "(no filter)"), ["key", model.get("label"), ...cols].filter(Boolean).map((c) => h("option", { value: c, selected: c === q.filter_col }, c)));
      const opSel = h("select", { onchange: (e) => { q.op = e.target.value; } }, ["contains", "=", "!=", "<", "<=", ">", ">="].map((o) => h("option", { value: o, selected: o === q.op }, o)));
      const val = h("input", { value: q.value, placeholder: "value", onkeydown: (e) => { e.stopPropagation(); if (e.key === "Enter") { q.value = val.value; q.page = 0; fetch(); } } });
      root.append(h("div", { class: "bar" }, h("b", {}, model.get("dataset")),
        pg ? `${pg.total} rows · page ${pg.page + 1} of ${pg.pages}` : "", colSel, opSel, val,
        h("button", { onclick: () => { q.value = val.value; q.page = 0; fetch(); } }, "filter"),
        h("button", { onclick: () => { q.page = Math.max(0, q.page - 1); fetch(); } }, "◀"),
        h("button", { onclick: () => { q.page = q.page + 1; fetch(); } }, "▶"),
        h("button", { onclick: () => { q.col_start = Math.max(0, q.col_start - model.get("col_page")); fetch(); } }, "◁ cols"),
        h("button", { onclick: () => { q.col_start = q.col_start + model.get("col_page"); fetch(); } }, "cols ▷"),
        h("span", { class: "status " + statusClass }, status)));
      if (err) root.append(h("div", { class: "err" }, err));
      if (!pg) return;
      const head = h("tr", {}, h("th", { onclick: () => sortBy("key") }, "key"),
        model.get("label") ? h("th", { onclick: () => sortBy(model.get("label")) }, model.get("label"), arrow(model.get("label"))) : null,
        pg.columns.map((c) => h("th", { onclick: () => sortBy(c) }, c, arrow(c))));
      const body = pg.rows.map((r, i) => h("tr", {}, h("td", {}, r.key),
        model.get("label") ? cell(r, i, -1, r.label) : null,
        r.cells.map((v, j) => cell(r, i, j, v))));
      root.append(h("table", {}, h("thead", {}, head), h("tbody", {}, body)));
    }
    function cell(r, i, j, v) {
      const td = h("td", { class: (sel[0] === i && sel[1] === j ? "sel " : "") + (r.pending ? "pending" : ""), ondblclick: () => startEdit(td, r, j),
        onclick: () => { sel = [i, j]; draw(); root.focus(); } }, v);
      return td;
    }
    const arrow = (c) => (q.sort === c ? (q.desc ? " ▼" : " ▲") : "");
    const sortBy = (c) => { if (q.sort === c) q.desc = !q.desc; else { q.sort = c; q.desc = false; } q.page = 0; fetch(); };
    root.addEventListener("keydown", (ev) => {
      if (!pg) return;
      const [i, j] = sel, hasLabel = !!model.get("label");
      const minCol = hasLabel ? -1 : 0;
      let done = true;
      if (ev.key === "ArrowDown") sel = [Math.min(i + 1, pg.rows.length - 1), j];
      else if (ev.key === "ArrowUp") sel = [Math.max(i - 1, 0), j];
      else if (ev.key === "ArrowRight") sel = [i, Math.min(j + 1, pg.columns.length - 1)];
      else if (ev.key === "ArrowLeft") sel = [i, Math.max(j - 1, minCol)];
      else if (ev.key === "PageDown") { q.page++; fetch(); }
      else if (ev.key === "PageUp") { q.page = Math.max(0, q.page - 1); fetch(); }
      else if (ev.key === "Enter") { const td = root.querySelector("td.sel"); if (td) startEdit(td, pg.rows[i], j); ev.stopPropagation(); return ev.preventDefault(); }
      else done = false;
      // the notebook's own shortcuts must not see these keys
      if (done) { ev.preventDefault(); ev.stopPropagation(); draw(); }
    });
    model.on("msg:custom", (m) => {
      if (m.type === "page") { if (m.req === req) { pg = m; q.page = m.page; q.col_start = m.col_start; redraw(); } return; }
      if (m.type === "ack") {
        const b = box(); delete b[m.id]; saveBox(b);
        if (mine.delete(m.id)) { status = mine.size ? `saving ${mine.size}…` : "saved ✓"; statusClass = mine.size ? "" : "ok"; }
        fetch(); // every tab shows the corrected page
        return;
      }
      if (m.type === "error") {
        const b = box();
        if (m.id && b[m.id] && m.final) { delete b[m.id]; saveBox(b); }
        if (!m.id || mine.has(m.id)) { status = m.message + (m.final ? "" : " (will retry)"); statusClass = "err"; }
        if (m.final) mine.delete(m.id);
        if (m.id) fetch(); else redraw();
      }
    });
    model.on("change:error", redraw);
    model.on("change:version", () => flush(true));
    draw();
    fetch(); // the saved first page may be stale: ask for the page as it is now
    flush(true);
    const timer = setInterval(() => flush(false), 2000);
    return () => clearInterval(timer);
  },
};
