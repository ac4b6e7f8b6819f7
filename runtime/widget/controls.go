package widget

import (
	"fmt"
	"html"
	"math"
	"strings"
	"time"
)

// Module names and versions of the standard controls, as JupyterLab's
// widget manager for ipywidgets 8 (@jupyter-widgets/base 2.0.0,
// @jupyter-widgets/controls 2.0.0, @jupyter-widgets/output 1.0.0) expects.
const (
	BaseModule        = "@jupyter-widgets/base"
	ControlsModule    = "@jupyter-widgets/controls"
	OutputModule      = "@jupyter-widgets/output"
	BaseVersion       = "2.0.0"
	ControlsVersion   = "2.0.0"
	OutputVersion     = "1.0.0"
	layoutModelName   = "LayoutModel"
	descriptionWidths = ""
)

func waitABit() { time.Sleep(100 * time.Microsecond) }

func header(module, version, model, view, viewModule, viewVersion string) map[string]any {
	return map[string]any{
		"_model_module": module, "_model_module_version": version, "_model_name": model,
		"_view_module": viewModule, "_view_module_version": viewVersion, "_view_name": view,
	}
}

// control creates a DOM widget of @jupyter-widgets/controls with its
// layout model and, if styleModel is not "", its style model.
func control(name, styleModel string, attrs map[string]any) *Model {
	layout := NewModel(header(BaseModule, BaseVersion, layoutModelName, "LayoutView", BaseModule, BaseVersion))
	st := header(ControlsModule, ControlsVersion, name+"Model", name+"View", ControlsModule, ControlsVersion)
	st["_dom_classes"] = []any{}
	st["layout"] = layout.Ref()
	st["tabbable"] = nil
	st["tooltip"] = nil
	if styleModel != "" {
		style := NewModel(func() map[string]any {
			s := header(ControlsModule, ControlsVersion, styleModel, "StyleView", BaseModule, BaseVersion)
			s["description_width"] = descriptionWidths
			return s
		}())
		st["style"] = style.Ref()
		st["description"] = ""
		st["description_allow_html"] = false
	}
	for k, v := range attrs {
		st[k] = v
	}
	return NewModel(st)
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case bool:
		if x {
			return 1
		}
	}
	return 0
}

func toInt(v any) int { return int(math.Round(toFloat(v))) }

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func toBool(v any) bool { b, _ := v.(bool); return b }

// SliderOptions configure IntSlider and FloatSlider. The zero value is a
// slider from 0 to 100 in steps of 1 (0.1 for FloatSlider).
type SliderOptions struct {
	Description string
	Value       float64
	Min, Max    float64 // both 0: 0 to 100
	Step        float64 // 0: 1 (IntSlider) or 0.1 (FloatSlider)
	// Vertical turns the slider upright.
	Vertical bool
	// NoContinuous sends the value only when the handle is released.
	NoContinuous bool
}

func (o SliderOptions) attrs(step float64, format string) map[string]any {
	if o.Min == 0 && o.Max == 0 {
		o.Max = 100
	}
	if o.Step == 0 {
		o.Step = step
	}
	orient := "horizontal"
	if o.Vertical {
		orient = "vertical"
	}
	return map[string]any{"description": o.Description, "value": o.Value, "min": o.Min, "max": o.Max,
		"step": o.Step, "orientation": orient, "readout": true, "readout_format": format,
		"continuous_update": !o.NoContinuous, "behavior": "drag-tap", "disabled": false}
}

// IntSlider is a slider of whole numbers (IntSliderModel).
type IntSlider struct{ m *Model }

// NewIntSlider creates an IntSlider. Fractional options are rounded.
func NewIntSlider(o SliderOptions) *IntSlider {
	a := o.attrs(1, "d")
	for _, k := range []string{"value", "min", "max", "step"} {
		a[k] = toInt(a[k])
	}
	return &IntSlider{control("IntSlider", "SliderStyleModel", a)}
}

// Value returns the current value.
func (s *IntSlider) Value() int { return toInt(s.m.Get("value")) }

// SetValue moves the slider; front ends follow.
func (s *IntSlider) SetValue(v int) { s.m.Set("value", v) }

// OnChange calls fn with the new value whenever it changes. Moves made in
// the browser run fn one at a time with cells.
func (s *IntSlider) OnChange(fn func(v int)) { s.m.Observe("value", func(v any) { fn(toInt(v)) }) }

// Model returns the underlying model.
func (s *IntSlider) Model() *Model { return s.m }

// MIMEBundle shows the slider.
func (s *IntSlider) MIMEBundle() map[string]any { return s.m.MIMEBundle() }

// FloatSlider is a slider of real numbers (FloatSliderModel).
type FloatSlider struct{ m *Model }

// NewFloatSlider creates a FloatSlider.
func NewFloatSlider(o SliderOptions) *FloatSlider {
	return &FloatSlider{control("FloatSlider", "SliderStyleModel", o.attrs(0.1, ".2f"))}
}

// Value returns the current value.
func (s *FloatSlider) Value() float64 { return toFloat(s.m.Get("value")) }

// SetValue moves the slider.
func (s *FloatSlider) SetValue(v float64) { s.m.Set("value", v) }

// OnChange calls fn with each new value.
func (s *FloatSlider) OnChange(fn func(v float64)) {
	s.m.Observe("value", func(v any) { fn(toFloat(v)) })
}

// Model returns the underlying model.
func (s *FloatSlider) Model() *Model { return s.m }

// MIMEBundle shows the slider.
func (s *FloatSlider) MIMEBundle() map[string]any { return s.m.MIMEBundle() }

// Button is a push button (ButtonModel); a click reaches OnClick.
type Button struct{ m *Model }

// ButtonOptions configure NewButton. Style is "", "primary", "success",
// "info", "warning" or "danger"; Icon a Font Awesome name.
type ButtonOptions struct {
	Description, Tooltip, Style, Icon string
}

// NewButton creates a Button labelled description.
func NewButton(description string) *Button {
	return NewButtonWith(ButtonOptions{Description: description})
}

// NewButtonWith creates a Button from options.
func NewButtonWith(o ButtonOptions) *Button {
	a := map[string]any{"description": o.Description, "button_style": o.Style, "icon": o.Icon, "disabled": false}
	b := &Button{control("Button", "ButtonStyleModel", a)}
	if o.Tooltip != "" {
		b.m.Set("tooltip", o.Tooltip)
	}
	return b
}

// OnClick calls fn on each click, one at a time with cells.
func (b *Button) OnClick(fn func()) {
	b.m.OnCustom(func(c map[string]any) {
		if c["event"] == "click" {
			fn()
		}
	})
}

// SetDescription changes the label.
func (b *Button) SetDescription(s string) { b.m.Set("description", s) }

// SetDisabled greys the button out (true) or enables it.
func (b *Button) SetDisabled(d bool) { b.m.Set("disabled", d) }

// Model returns the underlying model.
func (b *Button) Model() *Model { return b.m }

// MIMEBundle shows the button.
func (b *Button) MIMEBundle() map[string]any { return b.m.MIMEBundle() }

// Choice is a selection among labels: Dropdown and ToggleButtons.
type Choice struct{ m *Model }

// Dropdown is a drop-down list (DropdownModel).
type Dropdown = Choice

// ToggleButtons is a row of mutually exclusive buttons (ToggleButtonsModel).
type ToggleButtons = Choice

func choice(name, style, description string, options []string, value string) *Choice {
	labels := make([]any, len(options))
	var index any
	for i, o := range options {
		labels[i] = o
		if o == value {
			index = i
		}
	}
	if index == nil && len(options) > 0 && value == "" {
		index = 0
	}
	a := map[string]any{"description": description, "_options_labels": labels, "index": index, "disabled": false}
	if name == "ToggleButtons" {
		a["button_style"] = ""
		a["icons"] = []any{}
		a["tooltips"] = []any{}
	}
	return &Choice{control(name, style, a)}
}

// NewDropdown creates a Dropdown of options showing value ("" selects the
// first option).
func NewDropdown(description string, options []string, value string) *Choice {
	return choice("Dropdown", "DescriptionStyleModel", description, options, value)
}

// NewToggleButtons creates ToggleButtons of options with value selected
// ("" selects the first).
func NewToggleButtons(description string, options []string, value string) *Choice {
	return choice("ToggleButtons", "ToggleButtonsStyleModel", description, options, value)
}

// Options returns the labels.
func (c *Choice) Options() []string {
	l, _ := c.m.Get("_options_labels").([]any)
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = toString(v)
	}
	return out
}

// Index returns the selected position, or -1 if none.
func (c *Choice) Index() int {
	v := c.m.Get("index")
	if v == nil {
		return -1
	}
	return toInt(v)
}

// Value returns the selected label ("" if none).
func (c *Choice) Value() string {
	i, o := c.Index(), c.Options()
	if i < 0 || i >= len(o) {
		return ""
	}
	return o[i]
}

// SetValue selects the option labelled v; it panics with Error if there
// is none.
func (c *Choice) SetValue(v string) {
	for i, o := range c.Options() {
		if o == v {
			c.m.Set("index", i)
			return
		}
	}
	panic(Error{fmt.Sprintf("widget: no option %q (options: %s)", v, strings.Join(c.Options(), ", "))})
}

// OnChange calls fn with the newly selected label.
func (c *Choice) OnChange(fn func(v string)) {
	c.m.Observe("index", func(any) { fn(c.Value()) })
}

// Model returns the underlying model.
func (c *Choice) Model() *Model { return c.m }

// MIMEBundle shows the control.
func (c *Choice) MIMEBundle() map[string]any { return c.m.MIMEBundle() }

// Text is a one-line text field (TextModel); Textarea is its multi-line
// sibling (TextareaModel).
type Text struct{ m *Model }

// Textarea is a multi-line Text.
type Textarea = Text

// NewText creates a Text field.
func NewText(description, value string) *Text {
	return &Text{control("Text", "TextStyleModel", map[string]any{"description": description, "value": value,
		"placeholder": "", "continuous_update": true, "disabled": false})}
}

// NewTextarea creates a multi-line text field.
func NewTextarea(description, value string) *Text {
	return &Text{control("Textarea", "TextStyleModel", map[string]any{"description": description, "value": value,
		"placeholder": "", "continuous_update": true, "disabled": false, "rows": nil})}
}

// Value returns the text.
func (t *Text) Value() string { return toString(t.m.Get("value")) }

// SetValue replaces the text.
func (t *Text) SetValue(s string) { t.m.Set("value", s) }

// SetPlaceholder sets the greyed hint shown when empty.
func (t *Text) SetPlaceholder(s string) { t.m.Set("placeholder", s) }

// OnChange calls fn with each new text.
func (t *Text) OnChange(fn func(s string)) { t.m.Observe("value", func(v any) { fn(toString(v)) }) }

// Model returns the underlying model.
func (t *Text) Model() *Model { return t.m }

// MIMEBundle shows the field.
func (t *Text) MIMEBundle() map[string]any { return t.m.MIMEBundle() }

// Checkbox is a labelled check box (CheckboxModel).
type Checkbox struct{ m *Model }

// NewCheckbox creates a Checkbox.
func NewCheckbox(description string, value bool) *Checkbox {
	return &Checkbox{control("Checkbox", "CheckboxStyleModel", map[string]any{"description": description,
		"value": value, "indent": true, "disabled": false})}
}

// Value reports whether it is checked.
func (c *Checkbox) Value() bool { return toBool(c.m.Get("value")) }

// SetValue checks or clears it.
func (c *Checkbox) SetValue(v bool) { c.m.Set("value", v) }

// OnChange calls fn with each new value.
func (c *Checkbox) OnChange(fn func(v bool)) { c.m.Observe("value", func(v any) { fn(toBool(v)) }) }

// Model returns the underlying model.
func (c *Checkbox) Model() *Model { return c.m }

// MIMEBundle shows the box.
func (c *Checkbox) MIMEBundle() map[string]any { return c.m.MIMEBundle() }

// Widget is anything shown by a model: every control here, and custom
// widgets. Box children are Widgets.
type Widget interface {
	Model() *Model
}

// Box lays out children in a row (HBox) or a column (VBox).
type Box struct{ m *Model }

func box(name string, children []Widget) *Box {
	refs := make([]any, len(children))
	for i, c := range children {
		refs[i] = c.Model().Ref()
	}
	return &Box{control(name, "", map[string]any{"children": refs, "box_style": ""})}
}

// NewHBox lays children out in a row.
func NewHBox(children []Widget) *Box { return box("HBox", children) }

// NewVBox lays children out in a column.
func NewVBox(children []Widget) *Box { return box("VBox", children) }

// Model returns the underlying model.
func (b *Box) Model() *Model { return b.m }

// MIMEBundle shows the box.
func (b *Box) MIMEBundle() map[string]any { return b.m.MIMEBundle() }

// Output is an area of outputs that code fills (OutputModel of
// @jupyter-widgets/output): callbacks print into one to show results.
type Output struct{ m *Model }

// NewOutput creates an empty Output.
func NewOutput() *Output {
	layout := NewModel(header(BaseModule, BaseVersion, layoutModelName, "LayoutView", BaseModule, BaseVersion))
	st := header(OutputModule, OutputVersion, "OutputModel", "OutputView", OutputModule, OutputVersion)
	st["_dom_classes"] = []any{}
	st["layout"] = layout.Ref()
	st["msg_id"] = ""
	st["outputs"] = []any{}
	st["tabbable"] = nil
	st["tooltip"] = nil
	return &Output{NewModel(st)}
}

func (o *Output) add(out map[string]any) {
	l, _ := o.m.Get("outputs").([]any)
	o.m.Set("outputs", append(append([]any(nil), l...), out))
}

// Print appends text, as a stream output on stdout.
func (o *Output) Print(text string) {
	o.add(map[string]any{"output_type": "stream", "name": "stdout", "text": text})
}

// Show appends a rendered value: a map of MIME type → data (a MIMEBundle),
// or any value with a MIMEBundle, HTML or String method.
func (o *Output) Show(v any) {
	var data map[string]any
	switch x := v.(type) {
	case map[string]any:
		data = x
	case interface{ MIMEBundle() map[string]any }:
		data = x.MIMEBundle()
	case interface{ HTML() string }:
		data = map[string]any{"text/html": x.HTML()}
	case fmt.Stringer:
		data = map[string]any{"text/plain": x.String()}
	default:
		data = map[string]any{"text/html": "<pre>" + html.EscapeString(fmt.Sprint(v)) + "</pre>"}
	}
	o.add(map[string]any{"output_type": "display_data", "data": data, "metadata": map[string]any{}})
}

// Clear removes every output.
func (o *Output) Clear() { o.m.Set("outputs", []any{}) }

// Model returns the underlying model.
func (o *Output) Model() *Model { return o.m }

// MIMEBundle shows the area.
func (o *Output) MIMEBundle() map[string]any { return o.m.MIMEBundle() }

// Error is the panic value of misuse (an unknown option).
type Error struct{ Msg string }

func (e Error) Error() string { return e.Msg }
