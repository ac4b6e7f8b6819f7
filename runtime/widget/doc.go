// Package widget is the Go side of the Jupyter widget protocol 2.1: models
// whose state is kept in sync with every front end over a comm of target
// "jupyter.widget", the standard controls of ipywidgets 8 under their own
// model names (so JupyterLab renders them too), custom widgets that carry
// their front-end code as an ES module (the anywidget `_esm` convention),
// and Go callbacks written in cells.
//
//	s := widget.NewIntSlider(widget.SliderOptions{Description: "k", Max: 10})
//	s.OnChange(func(v int) { fmt.Println("k =", v) })
//	s // the last expression renders the slider (application/vnd.jupyter.widget-view+json)
//
// Controls: IntSlider, FloatSlider, Button, Dropdown, ToggleButtons, Text,
// Textarea, Checkbox, HBox, VBox, Output. Each creates its LayoutModel and
// style model too, as ipywidgets 8 does.
//
// # Protocol
//
// A model is opened with comm_open (state, buffer_paths, metadata version
// 2.1.0). Changes made by code go out as "update"; an "update" from a front
// end is applied at once and answered with "echo_update" (carrying the
// request as parent), so other tabs on the same notebook follow and the
// sender knows its change was taken. "request_state" is answered with the
// full state, "custom" messages go both ways, and the control target
// "jupyter.widget.control" answers "request_states" with every model's
// state. []byte values travel as binary buffers at buffer_paths.
//
// # The kernel's side
//
// This package imports nothing of the kernel. The kernel installs a Comm
// (SetComm) for outgoing messages and a scheduler (SetScheduler), and hands
// incoming comm messages to Deliver; comm_info is answered from Info.
//
// # Callbacks run one at a time with cells
//
// A callback written in a cell (OnChange, OnClick, OnCustom, Observe) is an
// interpreted closure, and the interpreter must never run two things at
// once. So Deliver never runs one: it applies the new state and queues the
// call. The kernel runs the queue (RunPending) on the session's executor:
// at once when no cell is running, else as soon as the running cell
// finishes. A long cell may call Yield to run the queue itself between its
// own steps. The kernel runs callbacks the way it runs cells, so they
// survive an interrupt of an earlier cell and can be interrupted
// themselves.
//
// Runtime code that must act while a cell runs registers a compiled
// handler with Model.HandleNow: it runs as messages arrive, on a goroutine
// of the model's, never queued behind a cell. The review widget of
// runtime/feedback writes each decision to the ledger this way, also while
// a training cell runs.
package widget
