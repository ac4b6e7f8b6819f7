package export

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"sort"
	"strings"

	"tandem.dev/tandem/kernel/notebook"
)

// WidgetViewMIME is the MIME type of a widget view in an output bundle.
const WidgetViewMIME = "application/vnd.jupyter.widget-view+json"

// WidgetStateMIME is the key of the widget state snapshot in the
// notebook's metadata.widgets.
const WidgetStateMIME = "application/vnd.jupyter.widget-state+json"

// widgetStates returns the models of the notebook's widget-state snapshot
// (metadata.widgets), model id → {model_name, state}; nil if none.
func widgetStates(nb *notebook.Notebook) map[string]map[string]any {
	w, _ := nb.Metadata["widgets"].(map[string]any)
	s, _ := w[WidgetStateMIME].(map[string]any)
	st, _ := s["state"].(map[string]any)
	if len(st) == 0 {
		return nil
	}
	out := map[string]map[string]any{}
	for id, v := range st {
		if m, ok := v.(map[string]any); ok {
			out[id] = m
		}
	}
	return out
}

// widgetHTML renders a widget model as static, disabled HTML: what the
// control showed when the notebook was saved. ok is false when the model
// is not in the snapshot.
func (e *htmlExporter) widgetHTML(view any) (string, bool) {
	v, _ := view.(map[string]any)
	id, _ := v["model_id"].(string)
	if id == "" || e.widgets == nil {
		return "", false
	}
	if _, ok := e.widgets[id]; !ok {
		return "", false
	}
	var b strings.Builder
	b.WriteString(`<div class="widget-snapshot" title="widget state when the notebook was saved">`)
	e.widget(&b, id, 0)
	b.WriteString(`</div>`)
	return b.String(), true
}

func (e *htmlExporter) widget(b *strings.Builder, ref string, depth int) {
	id := strings.TrimPrefix(ref, "IPY_MODEL_")
	m, ok := e.widgets[id]
	if !ok || depth > 20 {
		b.WriteString(`<span class="widget-missing">[widget]</span>`)
		return
	}
	st, _ := m["state"].(map[string]any)
	name, _ := m["model_name"].(string)
	if name == "" {
		name, _ = st["_model_name"].(string)
	}
	esc := html.EscapeString
	desc := str(st["description"])
	label := func() {
		if desc != "" {
			b.WriteString(`<label class="widget-label">` + esc(desc) + `</label>`)
		}
	}
	switch strings.TrimSuffix(name, "Model") {
	case "IntSlider", "FloatSlider", "FloatLogSlider", "IntRangeSlider", "FloatRangeSlider", "SelectionSlider":
		b.WriteString(`<div class="widget-row">`)
		label()
		if num(st["max"]) > num(st["min"]) && !isList(st["value"]) {
			fmt.Fprintf(b, `<input type="range" disabled min="%v" max="%v" step="%v" value="%v">`, num(st["min"]), num(st["max"]), stepOf(st["step"]), num(st["value"]))
		}
		b.WriteString(`<output class="widget-value">` + esc(valueText(st["value"])) + `</output></div>`)
	case "IntProgress", "FloatProgress":
		b.WriteString(`<div class="widget-row">`)
		label()
		fmt.Fprintf(b, `<progress max="%v" value="%v"></progress><output class="widget-value">%s</output></div>`, num(st["max"])-num(st["min"]), num(st["value"])-num(st["min"]), esc(valueText(st["value"])))
	case "Checkbox", "ToggleButton":
		b.WriteString(`<div class="widget-row"><label class="widget-label">`)
		checked := ""
		if st["value"] == true {
			checked = " checked"
		}
		b.WriteString(`<input type="checkbox" disabled` + checked + `> ` + esc(desc) + `</label></div>`)
	case "Dropdown", "RadioButtons", "Select", "ToggleButtons", "SelectMultiple":
		b.WriteString(`<div class="widget-row">`)
		label()
		opts, _ := st["_options_labels"].([]any)
		idx := int(num(st["index"]))
		cur := ""
		if idx >= 0 && idx < len(opts) {
			cur = str(opts[idx])
		}
		b.WriteString(`<output class="widget-value widget-box">` + esc(cur) + `</output></div>`)
	case "Text", "Textarea", "IntText", "FloatText", "BoundedIntText", "BoundedFloatText", "Password", "Combobox", "DatePicker", "ColorPicker":
		b.WriteString(`<div class="widget-row">`)
		label()
		val := valueText(st["value"])
		if name == "PasswordModel" {
			val = strings.Repeat("•", len(val))
		}
		b.WriteString(`<output class="widget-value widget-box">` + esc(val) + `</output></div>`)
	case "Button":
		b.WriteString(`<button type="button" class="widget-button" disabled>` + esc(desc) + `</button>`)
	case "Label":
		b.WriteString(`<div class="widget-row">` + esc(str(st["value"])) + `</div>`)
	case "HTML", "HTMLMath":
		b.WriteString(`<div class="widget-row">`)
		label()
		b.WriteString(e.frame(str(st["value"]), "widget HTML") + `</div>`)
	case "Image":
		// The value is a binary buffer, kept base64 in the snapshot's buffers.
		if data := bufferOf(m, "value"); data != "" {
			format := str(st["format"])
			if format == "" {
				format = "png"
			}
			b.WriteString(`<img class="image-output" alt="widget image" src="data:image/` + esc(format) + `;base64,` + esc(data) + `">`)
		}
	case "HBox", "VBox", "Box", "GridBox", "Accordion", "Tab", "Stack":
		cls := "widget-vbox"
		if strings.HasPrefix(name, "HBox") {
			cls = "widget-hbox"
		}
		b.WriteString(`<div class="` + cls + `">`)
		children, _ := st["children"].([]any)
		titles, _ := st["titles"].([]any)
		for i, c := range children {
			if i < len(titles) && str(titles[i]) != "" {
				b.WriteString(`<div class="widget-title">` + esc(str(titles[i])) + `</div>`)
			}
			e.widget(b, str(c), depth+1)
		}
		b.WriteString(`</div>`)
	case "Output":
		outs, _ := st["outputs"].([]any)
		b.WriteString(`<div class="widget-output">`)
		for _, o := range outs {
			if om, ok := o.(map[string]any); ok {
				b.WriteString(e.output(om))
			}
		}
		b.WriteString(`</div>`)
	default:
		if esm, ok := st["_esm"].(string); ok && esm != "" {
			b.WriteString(e.frame(anyWidgetDoc(esm, str(st["_css"]), st), "widget"))
			return
		}
		// An unknown widget: its model name and plain value.
		b.WriteString(`<div class="widget-row unknown-output">` + esc(strings.TrimSuffix(name, "Model")) + ` widget`)
		if v, ok := st["value"]; ok && !isMap(v) {
			b.WriteString(": " + esc(valueText(v)))
		}
		b.WriteString(`</div>`)
	}
}

// anyWidgetDoc is a frame document that draws a custom widget (the
// anywidget convention: its ES module's default export has render({model,
// el})) from its saved state. The model answers get from the snapshot;
// set changes it locally and notifies on("change:x") listeners; save_changes
// and send go nowhere (there is no kernel).
func anyWidgetDoc(esm, css string, state map[string]any) string {
	st := map[string]any{}
	for k, v := range state {
		if k != "_esm" && k != "_css" {
			st[k] = v
		}
	}
	js, err := json.Marshal(st) // escapes <, > and &: safe inside a script element
	if err != nil {
		js = []byte("{}")
	}
	var b strings.Builder
	if css != "" {
		b.WriteString("<style>" + strings.ReplaceAll(css, "</", `<\/`) + "</style>")
	}
	b.WriteString(`<div id="widget"></div><script type="module">
const state = ` + string(js) + `;
const on = {};
const emit = (ev) => (on[ev] || []).forEach((f) => { try { f(); } catch (e) { console.error(e); } });
const model = {
  get: (k) => state[k],
  set: (k, v) => { state[k] = v; emit("change:" + k); emit("change"); },
  on: (ev, f) => { for (const e of String(ev).split(" ")) (on[e] ||= []).push(f); },
  off: (ev, f) => { if (!ev) { for (const k in on) delete on[k]; return; } on[ev] = (on[ev] || []).filter((g) => f && g !== f); },
  save_changes() {}, send() {}, widget_manager: {},
};
const el = document.getElementById("widget");
try {
  const mod = await import("data:text/javascript;base64,` + base64.StdEncoding.EncodeToString([]byte(esm)) + `");
  let def = mod.default ?? mod;
  if (typeof def === "function") def = await def();
  if (def.initialize) await def.initialize({ model });
  await (def.render ?? mod.render)({ model, el });
} catch (e) {
  el.textContent = "This widget could not be drawn from its saved state: " + e;
}
</script>`)
	return b.String()
}

func bufferOf(m map[string]any, key string) string {
	bufs, _ := m["buffers"].([]any)
	for _, bv := range bufs {
		bm, _ := bv.(map[string]any)
		p, _ := bm["path"].([]any)
		if len(p) == 1 && str(p[0]) == key {
			return str(bm["data"])
		}
	}
	return ""
}

func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	return fmt.Sprint(v)
}

func num(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case int:
		return float64(v)
	case interface{ Float64() (float64, error) }:
		f, _ := v.Float64()
		return f
	}
	return 0
}

func stepOf(v any) any {
	if v == nil {
		return "any"
	}
	return num(v)
}

func isList(v any) bool { _, ok := v.([]any); return ok }
func isMap(v any) bool  { _, ok := v.(map[string]any); return ok }

func valueText(v any) string {
	switch v := v.(type) {
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = valueText(x)
		}
		return strings.Join(parts, " – ")
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return "{" + strings.Join(keys, ", ") + "}"
	}
	return str(v)
}

// widgetCSS styles the static widgets (the app's own widget styles are
// applied by its live renderer, not by app.css).
const widgetCSS = `.widget-snapshot{display:flex;flex-direction:column;gap:4px;padding:4px 0}
.widget-row{display:flex;align-items:center;gap:10px;flex-wrap:wrap}.widget-label{min-width:80px;color:var(--muted);font-size:14px}
.widget-value{font:var(--code-size)/1.4 var(--mono)}.widget-box{border:1px solid var(--border);border-radius:4px;padding:2px 8px;background:var(--surface);min-width:120px}
.widget-hbox{display:flex;gap:10px;flex-wrap:wrap;align-items:flex-start}.widget-vbox{display:flex;flex-direction:column;gap:4px}
.widget-button{border:1px solid var(--border);border-radius:6px;background:var(--surface);color:var(--fg);padding:3px 12px}
.widget-title{font-weight:600;margin-top:4px}.widget-snapshot input[type=range]{width:220px}`
