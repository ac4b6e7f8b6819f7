// Command scale measures how Tandem's costs grow with the work, for
// `make bench` (bench/scale.bench.sh): displaying a dataset of n rows (the
// paged table the kernel sends), Suspects over n rows and one training epoch
// over n rows. (Opening and saving a notebook of n cells is measured against
// the running servers by bench/serverbench.)
//
// It prints one benchreport sample per size on stdout (see
// internal/cmd/benchreport), with "series" and "n" set so the report can fit
// the growth rate (the slope of log time against log n). Progress goes to
// standard error.
//
//	go run ./bench/scale -quick
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/display"
	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/train"
)

// sample is one benchreport line.
type sample struct {
	Group  string  `json:"group"`
	Figure string  `json:"figure"`
	Impl   string  `json:"impl"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Better string  `json:"better"`
	Note   string  `json:"note,omitempty"`
	Series string  `json:"series,omitempty"`
	N      float64 `json:"n,omitempty"`
}

var (
	quick   = flag.Bool("quick", false, "smaller sizes and shorter timings (make bench-quick)")
	minTime = flag.Duration("mintime", 300*time.Millisecond, "time each size at least this long (one run if a run takes longer)")
	only    = flag.String("only", "", "run only the series whose name contains this")
)

func main() {
	flag.Parse()
	if *quick && *minTime == 300*time.Millisecond {
		*minTime = 100 * time.Millisecond
	}
	type series struct {
		name string
		run  func() error
	}
	all := []series{
		{"display", displayRows},
		{"epoch", epochRows},
		{"suspects", suspectRows},
	}
	failed := false
	for _, s := range all {
		if *only != "" && !strings.Contains(s.name, *only) {
			continue
		}
		if err := s.run(); err != nil {
			fmt.Fprintf(os.Stderr, "scale: %s: %v\n", s.name, err)
			fmt.Printf("MISSING scale %s: %v\n", s.name, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// measure runs f until minTime has passed (at least once, after one untimed
// warm-up when a run is short) and returns the mean time of one run.
func measure(f func() error) (time.Duration, error) {
	start := time.Now()
	if err := f(); err != nil {
		return 0, err
	}
	first := time.Since(start)
	if first >= *minTime {
		return first, nil
	}
	n := 0
	start = time.Now()
	for time.Since(start) < *minTime || n == 0 {
		if err := f(); err != nil {
			return 0, err
		}
		n++
	}
	return time.Since(start) / time.Duration(n), nil
}

func emit(s sample) {
	s.Impl = "tandem"
	b, _ := json.Marshal(s)
	fmt.Println(string(b))
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func sizes(full, short []int) []int {
	if *quick {
		return short
	}
	return full
}

// displayRows: display.Render of an n-row dataset and its JSON encoding, as
// the kernel sends it (a paged table: only the visible page travels).
func displayRows() error {
	for _, n := range sizes([]int{1e3, 1e4, 1e5, 1e6}, []int{1e3, 1e4, 1e5, 1e6}) {
		ds := data.Blobs(data.Gen{N: n, Features: 8, Classes: 3, Seed: 1})
		bytes := 0
		d, err := measure(func() error {
			js, err := json.Marshal(display.Render(ds))
			bytes = len(js)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "scale: display %d rows: %.3f ms, %d bytes\n", n, ms(d), bytes)
		emit(sample{Group: "scale", Figure: fmt.Sprintf("display a dataset of %s rows (table page)", count(n)), Value: ms(d), Unit: "ms", Better: "lower",
			Note: fmt.Sprintf("%d bytes sent", bytes), Series: "display a dataset (rows)", N: float64(n)})
	}
	return nil
}

// epochRows: one train.Fit epoch (MLP 64-128-10, batch 128, SGD) over n rows.
func epochRows() error {
	for _, n := range sizes([]int{1e3, 1e4, 1e5}, []int{1e3, 1e4}) {
		ds := data.Blobs(data.Gen{N: n, Features: 64, Classes: 10, Seed: 1})
		nn.Seed(1)
		m := nn.NewSequential([]nn.Module{nn.NewLinear(64, 128), nn.NewReLU(), nn.NewLinear(128, 10)})
		d, err := measure(func() error {
			return catch(func() { train.Fit(m, ds, train.Config{Epochs: 1, BatchSize: 128, LR: 0.05, Quiet: true}) })
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "scale: epoch %d rows: %.3f ms\n", n, ms(d))
		emit(sample{Group: "scale", Figure: fmt.Sprintf("one training epoch, MLP 64-128-10, %s rows", count(n)), Value: ms(d), Unit: "ms", Better: "lower",
			Note: "train.Fit, batch 128, SGD", Series: "training epoch (rows)", N: float64(n)})
	}
	return nil
}

// suspectRows: feedback.Suspects (5-fold out-of-fold probabilities of a
// softmax regression, 3 epochs a fold, then confident learning) over n rows
// with 10% of the labels flipped.
func suspectRows() error {
	for _, n := range sizes([]int{1e3, 1e4, 1e5}, []int{1e3, 1e4}) {
		ds := noisyBlobs(n)
		d, err := measure(func() error {
			return catch(func() {
				nn.Seed(1)
				m := nn.NewLinear(16, 5)
				feedback.SuspectsWith(m, ds, feedback.Options{Folds: 5, Seed: 1, Quiet: true,
					Config: train.Config{Epochs: 3, BatchSize: 128, LR: 0.1, Quiet: true}})
			})
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "scale: suspects %d rows: %.3f ms\n", n, ms(d))
		emit(sample{Group: "scale", Figure: fmt.Sprintf("Suspects over %s rows", count(n)), Value: ms(d), Unit: "ms", Better: "lower",
			Note: "5-fold softmax regression, 3 epochs a fold, 16 features, 5 classes", Series: "Suspects (rows)", N: float64(n)})
	}
	return nil
}

// noisyBlobs is n rows of 16 features in 5 classes with 10% of the labels
// moved to the next class (seeded).
func noisyBlobs(n int) *data.Dataset {
	b := data.Blobs(data.Gen{N: n, Features: 16, Classes: 5, Seed: 2, Noise: 1.5})
	f := data.Frame{Name: "blobs", X: make([][]float64, n), Y: make([]int, n)}
	rng := data.Rand(3)
	labels := b.Labels()
	feats := b.Features()
	cols := make([][]float64, len(feats))
	for j, name := range feats {
		cols[j] = b.Column(name)
	}
	for i := range n {
		row := make([]float64, len(feats))
		for j := range feats {
			row[j] = cols[j][i]
		}
		f.X[i] = row
		f.Y[i] = labels[i]
		if rng.Float64() < 0.1 {
			f.Y[i] = (labels[i] + 1) % 5
		}
	}
	return data.New(f)
}

// catch turns a runtime panic (the runtime's typed errors) into an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	f()
	return nil
}

// count writes n as 10³-style text for figure names.
func count(n int) string {
	switch n {
	case 10:
		return "10"
	case 100:
		return "10²"
	case 1000:
		return "10³"
	case 10000:
		return "10⁴"
	case 100000:
		return "10⁵"
	case 1000000:
		return "10⁶"
	}
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
