package kernel

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tandem.dev/tandem/stdlib"
)

// TestSession_CellHTML: a cell-defined value with an HTML method renders
// as HTML as a cell's last expression and through display.Show (where
// yaegi wraps it in a render shape), and so does one with only String.
func TestSession_CellHTML(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "type Card struct{ Title string }\nfunc (c Card) HTML() string { return \"<h3>\" + c.Title + \"</h3>\" }\n"+
		"type Tag struct{}\nfunc (*Tag) String() string { return \"tag!\" }\nfunc (*Tag) Markdown() string { return \"*tag*\" }")
	r := run(t, s, `Card{"hi"}`)
	if r.Value == nil || r.Value.Data["text/html"] != "<h3>hi</h3>" || r.Value.Data["text/plain"] != "{hi}" {
		t.Fatalf("last expression: %+v", r.Value)
	}
	for _, c := range []struct{ code, mime, want string }{
		{`display.Show(Card{"shown"})`, "text/html", "<h3>shown</h3>"},
		{`display.Show(Card{"shown"})`, "text/plain", "shown"},
		{`display.Show(&Tag{})`, "text/markdown", "*tag*"},
		{`display.Show(&Tag{})`, "text/plain", "tag!"},
	} {
		rec := &recorder{}
		r := s.Execute(context.Background(), c.code, rec)
		if r.Err != nil {
			t.Fatalf("%s: %v", c.code, r.Err)
		}
		if r.Value != nil {
			t.Errorf("%s: the *display.Handle of a last expression was shown too: %+v", c.code, r.Value)
		}
		if len(rec.displays) != 1 || !strings.Contains(rec.displays[0].Data[c.mime].(string), c.want) {
			t.Errorf("%s: %s got %+v, want %q", c.code, c.mime, rec.displays, c.want)
		}
	}
	// display.Render too
	rec := &recorder{}
	s.Execute(context.Background(), "b := display.Render(Card{\"r\"})\nfmt.Println(b[\"text/html\"])", rec)
	if got := rec.String(); got != "<h3>r</h3>\n" {
		t.Errorf("display.Render of a cell type: %s", got)
	}
}

// TestSession_TrainProgress: train.Fit shows the live view (a display
// updated in place, with a loss curve) by default; Quiet shows nothing.
func TestSession_TrainProgress(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "nn.Seed(1)\ntr := data.Iris()\nm := nn.NewSequential([]nn.Module{nn.NewLinear(4, 8), nn.NewReLU(), nn.NewLinear(8, 3)})")
	rec := &recorder{}
	r := s.Execute(context.Background(), "train.Fit(m, tr, train.Config{Epochs: 30, LR: 0.05})\n1", rec)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(rec.displays) < 2 {
		t.Fatalf("%d displays, want the view and at least its final update", len(rec.displays))
	}
	last := rec.displays[len(rec.displays)-1]
	html, _ := last.Data["text/html"].(string)
	plain, _ := last.Data["text/plain"].(string)
	if !strings.Contains(html, "<svg") || !strings.Contains(plain, "30/30") {
		t.Errorf("final view: text %q, html has a curve: %v", plain, strings.Contains(html, "<svg"))
	}
	rec = &recorder{}
	if r := s.Execute(context.Background(), "train.Fit(m, tr, train.Config{Epochs: 3, Quiet: true})\n1", rec); r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(rec.displays) != 0 {
		t.Errorf("Quiet: %d displays", len(rec.displays))
	}
}

// TestSession_UnavailablePackage: an import of a package that is not in
// the symbols says so and lists what is.
func TestSession_UnavailablePackage(t *testing.T) {
	s := newTestSession(t)
	r := s.Execute(context.Background(), `import "github.com/foo/bar"`, nil)
	if r.Err == nil || !strings.Contains(r.Err.Msg, "not available") || !strings.Contains(r.Err.Msg, "gonum.org/v1/plot/plotter") ||
		!strings.Contains(r.Err.Msg, "tandem.dev/tandem/runtime/chart") {
		t.Fatalf("got %v", r.Err)
	}
	r = s.Execute(context.Background(), `import "gonum.org/v1/gonum/plotter"`, nil)
	if r.Err == nil || !strings.Contains(r.Err.Msg, "not available in this kernel (did you mean gonum.org/v1/plot/plotter?); available: ") {
		t.Fatalf("got %v", r.Err)
	}
}

// TestSession_Restricted runs cells under stdlib.Restricted: refused
// packages, and file access only inside the notebook's folder (symbolic
// links and .. included), each denial a clear error.
func TestSession_Restricted(t *testing.T) {
	root := t.TempDir()
	nb := filepath.Join(root, "nb")
	outside := filepath.Join(root, "secret.txt")
	if err := os.MkdirAll(filepath.Join(nb, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(outside, []byte("secret"), 0o644)
	os.WriteFile(filepath.Join(nb, "iris.csv"), []byte("a,b,label\n1,2,x\n3,4,y\n"), 0o644)
	os.Symlink(outside, filepath.Join(nb, "link.txt"))
	os.Symlink(root, filepath.Join(nb, "up"))
	t.Chdir(nb)
	syms, err := stdlib.Restricted(nb)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Symbols: syms, Preload: stdlib.Preload, Refused: stdlib.Refused})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct{ code, want string }{
		{`import "os/exec"`, "package os/exec is refused by this kernel's restricted policy: it runs programs"},
		{`import "net"`, "package net is refused by this kernel's restricted policy: it opens network connections"},
		{`import "net/http"`, "refused"},
		{`import "unsafe"`, "refused"},
		{`import "syscall"`, "refused"},
		{`import "plugin"`, "refused"},
	} {
		r := s.Execute(context.Background(), c.code, nil)
		if r.Err == nil || !strings.Contains(r.Err.Msg, c.want) {
			t.Errorf("%s: got %v, want %q", c.code, r.Err, c.want)
		}
	}
	run(t, s, `import "os"`)
	for _, c := range []struct{ code, want string }{
		{`_, err := os.ReadFile("../secret.txt")` + "\nerr", "open ../secret.txt: outside the notebook's folder (restricted policy)"},
		{`_, err := os.ReadFile(` + quote(outside) + `)` + "\nerr", "outside the notebook's folder"},
		{`_, err := os.ReadFile("link.txt")` + "\nerr", "outside the notebook's folder"},
		{`_, err := os.ReadFile("up/secret.txt")` + "\nerr", "outside the notebook's folder"},
		{`_, err := os.Open("/etc/passwd")` + "\nerr", "outside the notebook's folder"},
		{`err := os.WriteFile("../x", nil, 0o644)` + "\nerr", "outside the notebook's folder"},
		{`err := os.Chdir("..")` + "\nerr", "not allowed under the restricted policy"},
		{`_, err := os.ReadDir("/")` + "\nerr", "outside the notebook's folder"},
	} {
		r := run(t, s, c.code)
		if got := text(r); !strings.Contains(got, c.want) {
			t.Errorf("%s: got %s, want %q", c.code, got, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "x")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a write outside the folder happened")
	}
	// inside the folder everything works
	r := run(t, s, "os.WriteFile(\"sub/out.txt\", []byte(\"ok\"), 0o644)\nb, err := os.ReadFile(\"sub/out.txt\")\nfmt.Println(string(b), err)\n"+
		"es, _ := os.ReadDir(\".\")\nfmt.Println(len(es))\nds := data.LoadCSV(\"iris.csv\", data.CSV{Label: \"label\"})\nds.Len()")
	if text(r) != "2" {
		t.Errorf("inside: %s", text(r))
	}
	// runtime functions that take a path are contained too
	r = s.Execute(context.Background(), `data.LoadCSV("../secret.txt", data.CSV{})`, nil)
	if r.Err == nil || !strings.Contains(r.Err.Msg, "outside the notebook's folder") {
		t.Errorf("data.LoadCSV outside: %v", r.Err)
	}
	r = run(t, s, "m := nn.NewLinear(2, 1)\nnn.Save(m, \"../m.bin\")")
	if !strings.Contains(text(r), "outside the notebook's folder") {
		t.Errorf("nn.Save outside: %s", text(r))
	}
}

// TestSession_TrainProgressHeadless: under `tandem run` (HeadlessEnv set)
// train.Fit reports as lines of text on the cell's stdout.
func TestSession_TrainProgressHeadless(t *testing.T) {
	t.Setenv(HeadlessEnv, "n.ipynb")
	s := newTestSession(t)
	rec := &recorder{}
	r := s.Execute(context.Background(), "tr := data.Iris()\nm := nn.NewLinear(4, 3)\ntrain.Fit(m, tr, train.Config{Epochs: 5})\n1", rec)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(rec.displays) != 0 || !strings.Contains(rec.String(), "epoch 5/5  loss ") {
		t.Errorf("displays %d, stdout %q", len(rec.displays), rec.String())
	}
}

// TestSession_HandleUpdateCellType: h.Update(v) and an Output widget's
// Show(v) render a cell value by its methods (the session passes it
// through a render shape).
func TestSession_HandleUpdateCellType(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "type Card struct{ N int }\nfunc (c Card) HTML() string { return fmt.Sprintf(\"<b>%d</b>\", c.N) }\nh := display.Show(Card{1})")
	rec := &recorder{}
	if r := s.Execute(context.Background(), "h.Update(Card{2})", rec); r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(rec.displays) != 1 || rec.displays[0].Data["text/html"] != "<b>2</b>" {
		t.Errorf("update: %+v", rec.displays)
	}
	// in a function too, and a compiled value still passes unchanged
	run(t, s, "func bump(n int) { h.Update(Card{n}) }")
	rec = &recorder{}
	s.Execute(context.Background(), "bump(3)\nh.Update(\"plain\")", rec)
	if len(rec.displays) != 2 || rec.displays[0].Data["text/html"] != "<b>3</b>" || rec.displays[1].Data["text/plain"] != "plain" {
		t.Errorf("updates: %+v", rec.displays)
	}
	// a handle made in the same cell
	rec = &recorder{}
	s.Execute(context.Background(), "g := display.Show(Card{4})\nfor i := 5; i < 7; i++ {\n\tg.Update(Card{i})\n}", rec)
	if len(rec.displays) != 3 || rec.displays[2].Data["text/html"] != "<b>6</b>" {
		t.Errorf("same cell: %+v", rec.displays)
	}
}

// TestSession_InspectCoversSymbols: Inspect documents the runtime, gonum
// and gonum/plot packages the symbol tables expose.
func TestSession_InspectCoversSymbols(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "import \"gonum.org/v1/gonum/mat\"\nimport \"gonum.org/v1/plot/plotter\"")
	for _, c := range []struct{ code, want string }{
		{"mat.NewDense", "func NewDense(r, c int, data []float64) *Dense"},
		{"plotter.NewLine", "func NewLine(xys XYer) (*Line, error)"},
		{"chart.Loss", "func Loss(h History) *Chart"},
		{"widget.NewButton", "func NewButton(description string) *Button"},
		{"train.Fit", "func Fit(model nn.Module, ds *data.Dataset, cfg Config) *History"},
	} {
		in := s.Inspect(c.code, len(c.code))
		if !in.Found || !strings.HasPrefix(in.Text, c.want) {
			t.Errorf("%s: %v %.100q", c.code, in.Found, in.Text)
		}
	}
}

// TestSession_CellBundle: a cell type's MIMEBundle is its last value's
// bundle, winning over its other methods.
func TestSession_CellBundle(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "type W struct{}\nfunc (W) MIMEBundle() map[string]any { return map[string]any{\"text/html\": \"<i>b</i>\", \"application/json\": map[string]any{\"a\": 1}} }\nfunc (W) HTML() string { return \"lost\" }")
	r := run(t, s, "W{}")
	if r.Value == nil || r.Value.Data["text/html"] != "<i>b</i>" || r.Value.Data["application/json"] == nil || r.Value.Data["text/plain"] == nil {
		t.Errorf("%+v", r.Value)
	}
}
