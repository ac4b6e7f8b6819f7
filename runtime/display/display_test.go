package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/host"
)

type plain struct{}

func (plain) String() string { return "plain!" }

type rich struct{}

func (rich) String() string   { return "rich" }
func (rich) HTML() string     { return "<b>rich</b>" }
func (rich) SVG() string      { return "<svg></svg>" }
func (rich) PNG() []byte      { return []byte("\x89PNG\r\n\x1a\nxx") }
func (rich) Markdown() string { return "**rich**" }
func (rich) LaTeX() string    { return "$r$" }

type bundled struct{ rich }

func (bundled) MIMEBundle() map[string]any {
	return map[string]any{"text/html": "<i>whole</i>", "image/png": []byte{1, 2}}
}

type fakeTensor struct {
	shape []int
	data  []float32
}

func (t fakeTensor) Shape() []int    { return t.shape }
func (t fakeTensor) Data() []float32 { return t.data }

func TestRender(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	pngBytes := encodePNG(img)
	long := make([]int, 20000)
	for i, test := range []struct {
		name string
		v    any
		want map[string]string // MIME → substring ("" = present)
		not  []string          // MIME types that must be absent
	}{
		{"nil", nil, map[string]string{MIMEText: "<nil>"}, []string{MIMEHTML}},
		{"nil pointer", (*bundled)(nil), map[string]string{MIMEText: "<nil>"}, []string{MIMEHTML}},
		{"nil slice", []float64(nil), map[string]string{MIMEText: "[]"}, nil},
		{"string", "hello", map[string]string{MIMEText: "hello"}, []string{MIMEHTML}},
		{"int", 42, map[string]string{MIMEText: "42"}, nil},
		{"stringer", plain{}, map[string]string{MIMEText: "plain!"}, []string{MIMEHTML}},
		{"rich", rich{}, map[string]string{MIMEText: "rich", MIMEHTML: "<b>rich</b>", MIMESVG: "<svg>",
			MIMEPNG: base64.StdEncoding.EncodeToString(rich{}.PNG()), MIMEMarkdown: "**rich**", MIMELaTeX: "$r$"}, nil},
		{"bundle wins", bundled{}, map[string]string{MIMEHTML: "<i>whole</i>", MIMEPNG: "AQI=", MIMEText: "rich"}, []string{MIMESVG, MIMEMarkdown}},
		{"error", errors.New("no <such> file"), map[string]string{MIMEText: "error: no <such> file", MIMEHTML: "no &lt;such&gt; file"}, nil},
		{"image", img, map[string]string{MIMEPNG: base64.StdEncoding.EncodeToString(pngBytes)[:20], MIMEText: "image 3×2"}, nil},
		{"png bytes", pngBytes, map[string]string{MIMEPNG: "", MIMEText: "PNG image"}, []string{MIMESVG}},
		{"svg bytes", []byte(`<?xml version="1.0"?><svg width="1"/>`), map[string]string{MIMESVG: "<svg width", MIMEText: "SVG image"}, []string{MIMEPNG}},
		{"other bytes", []byte{1, 2, 3}, map[string]string{MIMEText: "[1 2 3]"}, []string{MIMEPNG, MIMESVG}},
		{"tensor", fakeTensor{[]int{2, 3}, []float32{1, 2, 3, 4, 5, 6.5}}, map[string]string{MIMEHTML: "6.5", MIMEText: "tensor [2 3]"}, nil},
		{"dataset", &fakeData{n: 30}, map[string]string{MIMEHTML: "rows 0–19 of 30", MIMEText: "rows 0–19 of 30"}, nil},
		{"huge fallback", long, map[string]string{MIMEText: "more bytes)"}, nil},
		{"html content", HTML("<p>x</p>"), map[string]string{MIMEHTML: "<p>x</p>", MIMEText: "HTML"}, nil},
		{"markdown content", Markdown("# T"), map[string]string{MIMEMarkdown: "# T", MIMEText: "# T"}, nil},
		{"latex content", LaTeX(`$\alpha$`), map[string]string{MIMELaTeX: `$\alpha$`}, nil},
		{"svg content", SVG("<svg/>"), map[string]string{MIMESVG: "<svg/>"}, nil},
		{"png content", PNG(pngBytes), map[string]string{MIMEPNG: base64.StdEncoding.EncodeToString(pngBytes)}, nil},
		{"image content", Image(img), map[string]string{MIMEPNG: "", MIMEText: "image 3×2"}, nil},
		{"text content", Text("as is"), map[string]string{MIMEText: "as is"}, []string{MIMEHTML}},
	} {
		got := Render(test.v)
		for mime, sub := range test.want {
			s, ok := got[mime].(string)
			if !ok {
				t.Errorf("%d %s: no %s in %v", i, test.name, mime, keys(got))
				continue
			}
			if !strings.Contains(s, sub) {
				t.Errorf("%d %s: %s got: %.200q want substring: %q", i, test.name, mime, s, sub)
			}
		}
		for _, mime := range test.not {
			if _, ok := got[mime]; ok {
				t.Errorf("%d %s: unexpected %s", i, test.name, mime)
			}
		}
		if _, err := json.Marshal(got); err != nil {
			t.Errorf("%d %s: bundle is not JSON-able: %v", i, test.name, err)
		}
	}
	if len(Render(long)[MIMEText].(string)) > maxFallbackText+100 {
		t.Errorf("fallback text not truncated")
	}
}

func keys(m map[string]any) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	return k
}

func TestJSON(t *testing.T) {
	c := JSON(map[string]any{"a": []int{1, 2}})
	b := Render(c)
	tree, ok := b[MIMEJSON].(map[string]any)
	if !ok {
		t.Fatalf("application/json got: %T want: map", b[MIMEJSON])
	}
	if fmt.Sprint(tree["a"]) != "[1 2]" {
		t.Errorf("got: %v want: [1 2]", tree["a"])
	}
	if !strings.Contains(b[MIMEText].(string), "\"a\"") {
		t.Errorf("text got: %q", b[MIMEText])
	}
	func() {
		defer func() {
			if _, ok := recover().(Error); !ok {
				t.Errorf("JSON(chan) did not panic with display.Error")
			}
		}()
		JSON(make(chan int))
	}()
	func() {
		defer func() {
			if _, ok := recover().(Error); !ok {
				t.Errorf("PNG(not png) did not panic with display.Error")
			}
		}()
		PNG([]byte("GIF89a"))
	}()
}

// recorder is a Sink that keeps every call.
type recorder struct {
	mu    sync.Mutex
	calls []call
}

type call struct {
	data   map[string]any
	id     string
	update bool
}

func (r *recorder) Display(data, metadata map[string]any, id string, update bool) {
	r.mu.Lock()
	r.calls = append(r.calls, call{data, id, update})
	r.mu.Unlock()
}

func withSink(t *testing.T) *recorder {
	r := &recorder{}
	SetSink(r)
	t.Cleanup(func() { SetSink(nil) })
	return r
}

func withOutput(t *testing.T) *bytes.Buffer {
	var buf bytes.Buffer
	SetOutput(&buf)
	t.Cleanup(func() { SetOutput(nil) })
	return &buf
}

func TestHandle_Update(t *testing.T) {
	t.Run("Sink", func(t *testing.T) {
		r := withSink(t)
		h := Show(Markdown("one"))
		h.Update(Markdown("two"))
		if len(r.calls) != 2 {
			t.Fatalf("got %d calls want: 2", len(r.calls))
		}
		if r.calls[0].update || !r.calls[1].update {
			t.Errorf("update flags got: %v %v want: false true", r.calls[0].update, r.calls[1].update)
		}
		if r.calls[0].id == "" || r.calls[0].id != r.calls[1].id || r.calls[0].id != h.ID() {
			t.Errorf("ids got: %q %q handle %q", r.calls[0].id, r.calls[1].id, h.ID())
		}
		if r.calls[1].data[MIMEMarkdown] != "two" {
			t.Errorf("update data got: %v", r.calls[1].data)
		}
		if Show(1).ID() == h.ID() {
			t.Errorf("two handles share an id")
		}
	})
	t.Run("Headless", func(t *testing.T) {
		buf := withOutput(t)
		h := Show(HTML("<b>x</b>"))
		h.Update("now plain")
		if got, want := buf.String(), "HTML (8 bytes)\nnow plain\n"; got != want {
			t.Errorf("got: %q want: %q", got, want)
		}
	})
}

// fakeClock replaces now for a test; advance moves it.
func fakeClock(t *testing.T) func(time.Duration) {
	cur := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var m sync.Mutex
	now = func() time.Time { m.Lock(); defer m.Unlock(); return cur }
	t.Cleanup(func() { now = time.Now })
	return func(d time.Duration) { m.Lock(); cur = cur.Add(d); m.Unlock() }
}

func TestBar_Throttle(t *testing.T) {
	advance := fakeClock(t)
	r := withSink(t)
	b := Progress(1000)
	for range 1000 {
		advance(time.Millisecond) // 1,000 steps in 1 s
		b.Step()
	}
	// 1 initial show + at most 10 redraws a second (the last one is the final).
	if n := len(r.calls); n < 2 || n > 1+10 {
		t.Errorf("displays got: %d want: 2..11", n)
	}
	for i, c := range r.calls[1:] {
		if !c.update || c.id != r.calls[0].id {
			t.Errorf("call %d: update %v id %q, want update of %q", i+1, c.update, c.id, r.calls[0].id)
		}
	}
	last := r.calls[len(r.calls)-1].data[MIMEText].(string)
	if !strings.Contains(last, "100%") || !strings.Contains(last, "1000/1000 [00:01, 1000 it/s]") {
		t.Errorf("final bar got: %q", last)
	}
	if html := r.calls[len(r.calls)-1].data[MIMEHTML].(string); !strings.Contains(html, `<progress value="1000" max="1000"`) {
		t.Errorf("final html got: %q", html)
	}
	n := len(r.calls)
	b.Step()
	b.Done()
	if len(r.calls) != n {
		t.Errorf("a finished bar redrew")
	}
}

func TestBar_ETA(t *testing.T) {
	advance := fakeClock(t)
	withSink(t)
	b := Progress(100)
	b.Describe("load")
	advance(2 * time.Second)
	b.Add(25)
	if got, want := b.String(), "load:  25%|█████               | 25/100 [00:02<00:06, 12.5 it/s]"; got != want {
		t.Errorf("got: %q\nwant: %q", got, want)
	}
	u := Progress(0)
	advance(4 * time.Second)
	u.Add(2)
	if got, want := u.String(), "2 [00:04, 2.00 s/it]"; got != want {
		t.Errorf("unknown total got: %q want: %q", got, want)
	}
}

func TestBar_Interrupt(t *testing.T) {
	r := withSink(t)
	host.Reset()
	t.Cleanup(host.Reset)
	b := Progress(10)
	b.Step()
	host.Interrupt()
	func() {
		defer func() {
			if _, ok := recover().(host.Interrupted); !ok {
				t.Errorf("Step after interrupt did not panic with host.Interrupted")
			}
		}()
		b.Step()
		t.Errorf("Step returned after an interrupt")
	}()
	last := r.calls[len(r.calls)-1]
	if s := last.data[MIMEText].(string); !strings.Contains(s, "1/10") || !strings.Contains(s, "interrupted") {
		t.Errorf("final bar got: %q", s)
	}
}

func TestBar_Headless(t *testing.T) {
	fakeClock(t)
	buf := withOutput(t)
	b := Progress(3)
	b.Step()
	b.Step()
	if buf.Len() != 0 {
		t.Errorf("non-terminal output got intermediate bars: %q", buf.String())
	}
	b.Step()
	if got := buf.String(); !strings.HasPrefix(got, "100%|") || !strings.HasSuffix(got, "\n") || strings.Count(got, "\n") != 1 {
		t.Errorf("got: %q want one final line", got)
	}
}

func TestTrainingView(t *testing.T) {
	advance := fakeClock(t)
	r := withSink(t)
	tv := Training(TrainingOptions{Epochs: 50, StepsPerEpoch: 100, Title: "mlp"})
	for e := range 50 {
		for range 100 {
			advance(200 * time.Microsecond) // 20 ms an epoch
			tv.Step()
		}
		val := math.NaN()
		if e%2 == 0 {
			val = 2 / float64(e+1)
		}
		tv.Epoch(1/float64(e+1), val)
	}
	tv.Done()
	// 1 s of training: the initial show, ≤ 10 throttled redraws, the final one.
	if n := len(r.calls); n < 3 || n > 12 {
		t.Errorf("displays got: %d want: 3..12", n)
	}
	final := r.calls[len(r.calls)-1].data
	html := final[MIMEHTML].(string)
	for _, want := range []string{"mlp", "<svg", "<polyline", "train", "validation", "50/50", "loss 0.02"} {
		if !strings.Contains(html, want) {
			t.Errorf("final html lacks %q", want)
		}
	}
	if got := strings.Count(html, "<polyline"); got != 2 {
		t.Errorf("curves got: %d want: 2", got)
	}
	if s := final[MIMEText].(string); !strings.Contains(s, "50/50") || !strings.Contains(s, "loss 0.02") {
		t.Errorf("final text got: %q", s)
	}
	if got := len(tv.TrainLoss()); got != 50 {
		t.Errorf("TrainLoss got %d values want: 50", got)
	}
}

func TestTrainingView_Interrupt(t *testing.T) {
	r := withSink(t)
	host.Reset()
	t.Cleanup(host.Reset)
	tv := Training(TrainingOptions{Epochs: 5})
	tv.Epoch(1, math.NaN())
	host.Interrupt()
	func() {
		defer func() {
			if _, ok := recover().(host.Interrupted); !ok {
				t.Errorf("Step after interrupt did not panic with host.Interrupted")
			}
		}()
		tv.Step()
	}()
	if s := r.calls[len(r.calls)-1].data[MIMEText].(string); !strings.Contains(s, "interrupted") {
		t.Errorf("final got: %q", s)
	}
}

// fakeData is a dataset of n rows and 4 features that, like a naive
// implementation, builds every column and label slice afresh on each call.
type fakeData struct {
	n     int
	feats int
}

func (d *fakeData) Len() int { return d.n }
func (d *fakeData) Features() []string {
	k := d.feats
	if k == 0 {
		k = 4
	}
	f := make([]string, k)
	for i := range f {
		f[i] = "f" + strconv.Itoa(i)
	}
	return f
}
func (d *fakeData) Column(name string) []float64 {
	c := make([]float64, d.n)
	for i := range c {
		c[i] = float64(i) * 0.5
	}
	return c
}
func (d *fakeData) LabelStrings() []string {
	l := make([]string, d.n)
	names := []string{"setosa", "versicolor", "virginica"}
	for i := range l {
		l[i] = names[i%3]
	}
	return l
}

// rowData adds the Row fast path, as runtime/data's *Dataset has it.
type rowData struct{ fakeData }

func (d *rowData) Row(i int) []float64 {
	k := d.feats
	if k == 0 {
		k = 4
	}
	r := make([]float64, k)
	for j := range r {
		r[j] = float64(i) * 0.5
	}
	return r
}

// fastData adds every per-row accessor.
type fastData struct{ rowData }

func (d *fastData) Key(i int) string         { return "k" + strconv.Itoa(i) }
func (d *fastData) LabelString(i int) string { return "c" + strconv.Itoa(i%3) }
func (d *fastData) LabelStrings() []string   { panic("LabelStrings called despite LabelString") }

func TestPager(t *testing.T) {
	if got := Table(&fastData{rowData{fakeData{n: 1_000_000}}}).Page(3).String(); !strings.Contains(got, "k79  39.5  39.5  39.5  39.5  c1") {
		t.Errorf("fast path page 4 got:\n%s", got)
	}

	for _, ds := range []Dataset{&fakeData{n: 30, feats: 20}, &rowData{fakeData{n: 30, feats: 20}}} {
		if got, want := Table(ds).Page(1).String(), "29  14.5"; !strings.Contains(got, want) {
			t.Errorf("%T page 2 lacks %q:\n%s", ds, want, got)
		}
		if got := Table(ds).HTML(); !strings.Contains(got, "<th style=\"border-bottom:1px solid #999;padding:2px 8px;text-align:right\">f19</th>") {
			t.Errorf("%T: no last feature column", ds)
		}
	}

	ds := &fakeData{n: 45}
	p := Table(ds)
	if p.Pages() != 3 {
		t.Errorf("pages got: %d want: 3", p.Pages())
	}
	last := p.Page(99)
	if s := last.String(); !strings.Contains(s, "rows 40–44 of 45 · page 3 of 3") || strings.Count(s, "\n") != 6 {
		t.Errorf("last page got:\n%s", s)
	}
	if s := p.Prev().String(); !strings.Contains(s, "page 1 of 3") {
		t.Errorf("prev of first got: %s", s)
	}
	if s := p.Next().Size(10).String(); !strings.Contains(s, "rows 20–29 of 45 · page 3 of 5") {
		t.Errorf("resized got: %s", s)
	}
	wide := Table(&fakeData{n: 5, feats: 784})
	h := wide.HTML()
	if got := strings.Count(h, "<th "); got != 1+maxColumns+1+1 { // #, features, …, label
		t.Errorf("wide header cells got: %d want: %d", got, maxColumns+3)
	}
	if !strings.Contains(h, "f783") || strings.Contains(h, "f500") {
		t.Errorf("wide table should show f0…f10, …, f783")
	}
	empty := Table(&fakeData{n: 0})
	if s := empty.String(); !strings.Contains(s, "empty dataset") {
		t.Errorf("empty got: %q", s)
	}
}

// TestPager_Million pins the goal: a 1,000,000-row dataset displays
// in ≤ 200 ms with ≤ 100 KB sent.
func TestPager_Million(t *testing.T) {
	ds := &rowData{fakeData{n: 1_000_000}}
	start := time.Now()
	b := Render(ds)
	took := time.Since(start)
	js, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1,000,000 rows: %v, %d bytes", took, len(js))
	if len(js) > 100_000 {
		t.Errorf("bundle got: %d bytes want: ≤ 100,000", len(js))
	}
	if took > 200*time.Millisecond && !raceEnabled {
		t.Errorf("render got: %v want: ≤ 200 ms", took)
	}
	if !strings.Contains(b[MIMEHTML].(string), "rows 0–19 of 1,000,000") {
		t.Errorf("caption missing")
	}
}

// BenchmarkPager_Million renders a page of a 1,000,000-row dataset and
// encodes it as the kernel would; it reports the bytes sent.
func BenchmarkPager_Million(b *testing.B) {
	ds := &rowData{fakeData{n: 1_000_000}}
	n := 0
	for b.Loop() {
		js, _ := json.Marshal(Render(ds))
		n = len(js)
	}
	b.ReportMetric(float64(n), "B/display")
}

// BenchmarkTrainingView_Step is the per-batch cost a training loop pays.
func BenchmarkTrainingView_Step(b *testing.B) {
	SetSink(SinkFunc(func(map[string]any, map[string]any, string, bool) {}))
	defer SetSink(nil)
	tv := Training(TrainingOptions{Epochs: 1})
	for b.Loop() {
		tv.Step()
	}
}

// BenchmarkTrainingView_Render is the cost of one redraw after 200 epochs.
func BenchmarkTrainingView_Render(b *testing.B) {
	SetSink(SinkFunc(func(map[string]any, map[string]any, string, bool) {}))
	defer SetSink(nil)
	tv := Training(TrainingOptions{Epochs: 200})
	for e := range 200 {
		tv.Epoch(1/float64(e+1), 1.2/float64(e+1))
	}
	for b.Loop() {
		Render(tv)
	}
}

func TestTrainingView_SetEpochs(t *testing.T) {
	fakeClock(t)
	r := withSink(t)
	tv := Training(TrainingOptions{Epochs: 500, StepsPerEpoch: 1})
	for e := range 91 {
		tv.Step()
		tv.Epoch(1/float64(e+1), math.NaN())
	}
	tv.SetEpochs(91) // stopped early
	tv.Done()
	s := r.calls[len(r.calls)-1].data[MIMEText].(string)
	if !strings.Contains(s, "91/91") || !strings.Contains(s, "100%") {
		t.Errorf("final text got: %q want the bar at 100%% 91/91", s)
	}
}
