package train

import (
	"fmt"
	"math"
	"sync"
	"time"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/optim"
	"tandem.dev/tandem/runtime/tensor"
)

// Error is the panic value for misuse of the package (a dataset without
// labels or target, a model whose output does not fit the classes). Its
// message starts with "train: ".
type Error struct{ Msg string }

func (e Error) Error() string { return e.Msg }

func fail(format string, args ...any) {
	panic(Error{"train: " + fmt.Sprintf(format, args...)})
}

var (
	lastMu sync.Mutex
	last   *History
)

// Last returns the History of the most recent Fit, also of one that was
// interrupted (Fit then panics with host.Interrupted instead of
// returning). It is nil before any Fit.
func Last() *History {
	lastMu.Lock()
	defer lastMu.Unlock()
	return last
}

// task is what the dataset asks the model to learn.
type task struct {
	classes int  // > 0: classification
	binary  bool // one output, two classes: sigmoid
}

// Fit trains model on ds and returns the history of the run. The model is
// in training mode (nn.Train) while it trains and in evaluation mode
// (nn.Eval) when Fit returns.
//
// Each epoch visits the rows in a new seeded order in batches of
// cfg.BatchSize, computes the loss of the model's output, back-propagates
// and updates the parameters in place. Rows without a label (or target) or
// with a missing feature are left out (History.Dropped). Fit calls
// host.Check every batch: an interrupt stops it at once, the model keeps
// the weights of its last completed step, and Fit panics with
// host.Interrupted (the kernel reports it); Last() has the history so far.
//
// It panics with Error if ds has neither labels nor a target, or if the
// model's output does not fit them.
func Fit(model nn.Module, ds *data.Dataset, cfg Config) *History {
	cfg = cfg.withDefaults()
	ds = ds.Snapshot() // corrections replayed meanwhile apply to the next Fit
	tr := ds.DropMissing()
	h := &History{Rows: tr.Len(), Dropped: ds.Len() - tr.Len()}
	for _, c := range ds.Columns() {
		if k := ds.Kind(c); k != data.Numeric {
			h.Ignored = append(h.Ignored, fmt.Sprintf("%s (%s)", c, k))
		}
	}
	lastMu.Lock()
	last = h
	lastMu.Unlock()
	if tr.Len() == 0 {
		fail("no training rows: %s has %d rows, none with a label or target and all features", ds.Name(), ds.Len())
	}
	tk := taskOf(tr)
	val := cfg.ValidationData
	if val == nil && cfg.Validation > 0 {
		if !(cfg.Validation < 1) {
			fail("validation fraction %v is not in (0, 1)", cfg.Validation)
		}
		tr, val = tr.Holdout(1-cfg.Validation, cfg.Seed)
	}
	var valBatches *data.Batches
	if val != nil {
		val = val.DropMissing()
		h.ValidationRows = val.Len()
		valBatches = val.Batches(data.Batching{Size: evalBatch, NoShuffle: true})
	}
	h.Rows = tr.Len()
	lossName := cfg.Loss
	if lossName == AutoLoss {
		lossName = CrossEntropy
		if tk.classes == 0 {
			lossName = MSE
		}
	}
	if cfg.Loss == CrossEntropy && tk.classes == 0 {
		fail("cross-entropy needs class labels; %s has a regression target", ds.Name())
	}
	h.Loss = lossName.String()
	if cfg.LossFunc != nil {
		h.Loss = "custom loss"
	}

	params := model.Parameters()
	opt := cfg.Optim
	h.Optimizer = "custom optimizer"
	if opt == nil {
		opt = newOptimizer(cfg, params)
		h.Optimizer = fmt.Sprintf("%s lr %g", cfg.Optimizer, cfg.LR)
	}
	bs := cfg.BatchSize
	if bs < 0 || bs > tr.Len() {
		bs = tr.Len()
	}
	batches := tr.Batches(data.Batching{Size: bs, Seed: cfg.Seed, NoShuffle: cfg.NoShuffle})

	prog := cfg.Progress
	if prog == nil && !cfg.Quiet && DefaultProgress != nil {
		prog = DefaultProgress(cfg.Epochs, batches.Len())
	}
	if cfg.Quiet {
		prog = nil
	}
	done := false
	defer func() {
		if done {
			return
		}
		r := recover()
		if _, ok := r.(host.Interrupted); ok {
			h.Stopped = "interrupted"
		} else {
			h.Stopped = fmt.Sprintf("failed: %v", r)
		}
		if prog != nil {
			prog.Done()
		}
		setTraining(model, false)
		panic(r)
	}()

	var best float64 = math.Inf(1)
	var bestWeights []*tensor.Tensor
	sinceBest := 0
	var labelsT *tensor.Tensor
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		setTraining(model, true)
		if cfg.Schedule != nil && !optim.SetSchedule(opt, cfg.Schedule, epoch-1) {
			fail("the optimizer has no learning rate to schedule (no SetLR method)")
		}
		if epoch > 1 {
			batches.Reset()
		}
		var sum float64
		correct, seen := 0, 0
		for batches.Next() {
			host.Check()
			x := autograd.Const(batches.X())
			out := model.Forward(x)
			if epoch == 1 && seen == 0 {
				checkOutput(out, tk, lossName, cfg.LossFunc != nil)
			}
			var loss *autograd.Var
			if cfg.LossFunc != nil {
				loss = cfg.LossFunc(out, batches)
			} else {
				loss, labelsT = lossOf(out, batches, tk, lossName, labelsT)
			}
			opt.ZeroGrad()
			loss.Backward()
			if cfg.L2 > 0 {
				addL2(params, float32(cfg.L2))
			}
			if cfg.ClipNorm > 0 {
				optim.ClipGradNorm(params, float32(cfg.ClipNorm))
			}
			opt.Step()
			n := len(batches.Rows())
			sum += float64(loss.Value.Item()) * float64(n)
			if tk.classes > 0 {
				correct += countCorrect(out.Value, batches.Labels(), tk)
			}
			seen += n
			if prog != nil {
				prog.Step()
			}
		}
		e := Epoch{Epoch: epoch, TrainLoss: sum / float64(seen), ValidationLoss: math.NaN(), TrainAccuracy: math.NaN(), ValidationAccuracy: math.NaN()}
		if tk.classes > 0 {
			e.TrainAccuracy = float64(correct) / float64(seen)
		}
		if val != nil && val.Len() > 0 {
			e.ValidationLoss, e.ValidationAccuracy = evaluateBatches(model, valBatches, tk, lossName, cfg.LossFunc)
		}
		e.Duration = time.Since(start)
		h.Epochs = append(h.Epochs, e)
		if prog != nil {
			if n, ok := prog.(noter); ok && tk.classes > 0 {
				note := fmt.Sprintf("accuracy %.4f", e.TrainAccuracy)
				if !math.IsNaN(e.ValidationAccuracy) {
					note += fmt.Sprintf(", validation %.4f", e.ValidationAccuracy)
				}
				n.Note(note)
			}
			prog.Epoch(e.TrainLoss, e.ValidationLoss)
		}
		monitored := e.TrainLoss
		if !math.IsNaN(e.ValidationLoss) {
			monitored = e.ValidationLoss
		}
		if monitored < best {
			best, h.BestEpoch, sinceBest = monitored, epoch, 0
			if cfg.Patience > 0 && cfg.RestoreBest {
				bestWeights = snapshot(params, bestWeights)
			}
		} else {
			sinceBest++
		}
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(h)
		}
		if h.stop {
			h.Stopped = fmt.Sprintf("by the callback after epoch %d", epoch)
			break
		}
		if math.IsNaN(e.TrainLoss) || math.IsInf(e.TrainLoss, 0) {
			h.Stopped = fmt.Sprintf("the loss became %v in epoch %d: the learning rate (%g) may be too high, or the features need scaling (data.Standardize)", e.TrainLoss, epoch, cfg.LR)
			break
		}
		if cfg.Patience > 0 && sinceBest >= cfg.Patience {
			h.Stopped = fmt.Sprintf("early stopping after epoch %d, no improvement for %d epochs (best epoch %d)", epoch, cfg.Patience, h.BestEpoch)
			if cfg.RestoreBest && bestWeights != nil {
				for i, p := range params {
					p.Value.Copy(bestWeights[i])
				}
				h.Stopped += ", its weights restored"
			}
			break
		}
	}
	setTraining(model, false)
	done = true
	if prog != nil {
		prog.Done()
	}
	return h
}

func taskOf(ds *data.Dataset) task {
	if ds.Targets() != nil {
		return task{}
	}
	if ds.Labels() == nil {
		fail("%s has no label or target column to learn (load it with data.CSV{Label: …} or {Target: …})", ds.Name())
	}
	return task{classes: ds.NumClasses()}
}

func checkOutput(out *autograd.Var, tk task, loss Loss, custom bool) {
	s := out.Value.Shape()
	if len(s) != 2 {
		fail("the model's output has shape %v; want [batch, outputs]", s)
	}
	if custom {
		return
	}
	switch {
	case tk.classes > 0 && s[1] == 1 && tk.classes == 2 && loss == CrossEntropy:
	case tk.classes > 0 && s[1] != tk.classes:
		fail("the model has %d outputs for %d classes (the last layer should have %d outputs)", s[1], tk.classes, tk.classes)
	case tk.classes == 0 && s[1] != 1:
		fail("the model has %d outputs for one regression target", s[1])
	}
}

func lossOf(out *autograd.Var, b *data.Batches, tk task, loss Loss, buf *tensor.Tensor) (*autograd.Var, *tensor.Tensor) {
	switch {
	case tk.classes == 0:
		return autograd.MSE(out, b.Target()), buf
	case loss == MSE:
		return autograd.MSE(out, data.OneHotLabels(b.Labels(), tk.classes)), buf
	case out.Value.Shape()[1] == 1:
		y := b.Y()
		return autograd.BCEWithLogits(out, tensor.New(y.Data(), y.Len(), 1)), buf
	}
	return autograd.SoftmaxCrossEntropy(out, b.Labels()), buf
}

// addL2 adds l2·W to the gradient of every weight matrix: the gradient of
// l2/2·‖W‖².
func addL2(params []*autograd.Var, l2 float32) {
	for _, p := range params {
		if len(p.Value.Shape()) < 2 || p.Grad == nil {
			continue
		}
		p.Grad.AddScaled(l2, p.Value)
	}
}

func countCorrect(out *tensor.Tensor, labels []int, tk task) int {
	d := out.Data()
	c := out.Shape()[1]
	n := 0
	for i, y := range labels {
		row := d[i*c : i*c+c]
		p := 0
		if c == 1 {
			if row[0] > 0 {
				p = 1
			}
		} else {
			for j, v := range row {
				if v > row[p] {
					p = j
				}
			}
		}
		if p == y {
			n++
		}
	}
	return n
}

func snapshot(params []*autograd.Var, dst []*tensor.Tensor) []*tensor.Tensor {
	if dst == nil {
		dst = make([]*tensor.Tensor, len(params))
		for i, p := range params {
			dst[i] = p.Value.Clone()
		}
		return dst
	}
	for i, p := range params {
		dst[i].Copy(p.Value)
	}
	return dst
}

// noter is implemented by progress displays that show a line of text
// (runtime/display's TrainingView): Fit puts the epoch's accuracy there.
type noter interface{ Note(s string) }

// setTraining switches m and the modules it contains between training
// and evaluation mode (Dropout, BatchNorm).
func setTraining(m nn.Module, on bool) {
	if on {
		nn.Train(m)
	} else {
		nn.Eval(m)
	}
}
