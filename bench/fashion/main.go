// Command fashion trains the MLP of issue 4 (784-256-10, ReLU, softmax
// cross-entropy, SGD lr 0.1, batch 128) for one epoch over Debian's
// Fashion-MNIST with train.Fit, the way a notebook cell does, and prints for
// `make bench` (bench/fashion.bench.sh) the throughput in samples/s and the
// test accuracy after the epoch as benchreport samples. GOMAXPROCS sets the
// threads. bench/fashion_torch.py is the PyTorch side.
//
//	GOMAXPROCS=1 go run ./bench/fashion -epochs 1
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/metrics"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/train"
)

func main() {
	dir := flag.String("dir", "", "Fashion-MNIST folder (default: runtime/data's, Debian's /usr/share/datasets/fashion-mnist)")
	seed := flag.Int64("seed", 1, "initial weights and shuffling")
	flag.Parse()
	tr, te, err := data.LoadFashionMNIST(data.Fashion{Dir: *dir})
	if err != nil {
		fmt.Printf("MISSING fashion-mnist: %v\n", err)
		os.Exit(0)
	}
	nn.Seed(uint64(*seed))
	m := nn.NewSequential([]nn.Module{nn.NewLinear(784, 256), nn.NewReLU(), nn.NewLinear(256, 10)})
	start := time.Now()
	train.Fit(m, tr, train.Config{Epochs: 1, BatchSize: 128, LR: 0.1, Seed: *seed, Quiet: true})
	elapsed := time.Since(start)
	acc := metrics.Accuracy(te.Labels(), train.Predict(m, te))
	threads := runtime.GOMAXPROCS(0)
	emit := func(fig string, v float64, unit, better string) {
		b, _ := json.Marshal(map[string]any{"group": "runtime", "figure": fig, "impl": "tandem", "value": v, "unit": unit, "better": better,
			"note": "train.Fit, pure Go"})
		fmt.Println(string(b))
	}
	fmt.Fprintf(os.Stderr, "fashion: %d thread(s): %.0f samples/s (%.2f s), test accuracy %.4f\n", threads, float64(tr.Len())/elapsed.Seconds(), elapsed.Seconds(), acc)
	emit(fmt.Sprintf("Fashion-MNIST epoch, MLP 784-256-10, batch 128, SGD 0.1, %d thread(s)", threads), float64(tr.Len())/elapsed.Seconds(), "samples/s", "higher")
	emit(fmt.Sprintf("Fashion-MNIST test accuracy after one epoch, %d thread(s)", threads), acc*100, "%", "higher")
}
