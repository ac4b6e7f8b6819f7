// Command feedbackbench runs the effectiveness protocol of issue 6 (see
// runtime/feedback/internal/effect) with Tandem's models and prints
// benchreport samples (one JSON object per line, see
// internal/cmd/benchreport). With -dump it also writes the split and the
// noisy labels as JSON, for bench/feedback_sklearn.py to use the very same
// rows.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/feedback/internal/effect"
	"tandem.dev/tandem/runtime/nn"
)

func main() {
	seed := flag.Int64("seed", 1, "seed of the split, the flips and the models")
	model := flag.String("model", "mlp", "mlp or linear")
	dump := flag.String("dump", "", "write the split and noisy labels as JSON to this file")
	verbose := flag.Bool("v", false, "print the result in words on stderr")
	rank := flag.String("rank", "margin", "margin or self")
	filter := flag.String("filter", "noise", "noise, class, both or off")
	folds := flag.Int("folds", 0, "cross-validation folds (experiments)")
	l2 := flag.Float64("l2", -1, "L2 of the fold models (experiments)")
	patience := flag.Int("patience", -1, "patience of the fold models (experiments)")
	lr := flag.Float64("lr", 0, "learning rate of the fold models (experiments)")
	flag.Parse()

	s := setup(*model, *seed)
	switch *rank {
	case "self":
		s.Options.Rank = feedback.SelfConfidence
	}
	switch *filter {
	case "class":
		s.Options.Filter = feedback.PruneByClass
	case "both":
		s.Options.Filter = feedback.Both
	case "off":
		s.Options.Filter = feedback.OffDiagonal
	}
	s.Options.Folds = *folds
	if *l2 >= 0 || *patience >= 0 || *lr > 0 {
		s.Options.Config = feedback.DefaultConfig(nil)
		if *l2 >= 0 {
			s.Options.Config.L2 = *l2
		}
		if *patience >= 0 {
			s.Options.Config.Patience = *patience
		}
		if *lr > 0 {
			s.Options.Config.LR = *lr
		}
	}
	if *dump != "" {
		if err := writeSplit(*dump, s); err != nil {
			fmt.Fprintln(os.Stderr, "feedbackbench:", err)
			os.Exit(1)
		}
	}
	r := effect.Run(s)
	if *verbose {
		fmt.Fprintf(os.Stderr, "%s seed %d: %s\n", *model, *seed, r)
	}
	impl, note := "tandem", "MLP 64-128-10, Adam, 5-fold OOF, confident learning"
	if *model == "linear" {
		impl, note = "tandem-linear", "softmax regression, Adam, 5-fold OOF, confident learning"
	}
	emit := func(fig, impl, note string, v float64, unit, better string) {
		b, _ := json.Marshal(map[string]any{"group": "feedback", "figure": fig, "impl": impl, "value": v, "unit": unit, "better": better, "note": note})
		fmt.Println(string(b))
	}
	emit("label errors found: precision in the top k (digits, 10% flipped, k = flipped)", impl, note, r.Precision, "fraction", "higher")
	emit("label errors found: precision of the rows Suspects proposes (confident learning's own count)", impl, note, r.FlaggedPrecision, "fraction", "higher")
	emit("flipped labels among the first 15% of the ranking (recall)", impl, note, r.Caught, "fraction", "higher")
	emit("test accuracy lost to noise recovered by reviewing 15% of training rows", impl, note, r.Recovery*100, "%", "higher")
	if *model == "mlp" {
		emit("test accuracy lost to noise recovered by reviewing 15% of training rows", "random review", "random 15% of rows, MLP retrained", r.RandomRecovery*100, "%", "higher")
	}
	emit("out-of-fold ranking time, digits 1,350 rows, 5 folds", impl, note, r.Suspects.Seconds(), "s", "lower")
}

func setup(model string, seed int64) effect.Setup {
	s := effect.Setup{Seed: seed}
	switch model {
	case "linear":
		s.Model = func(f, c int) nn.Module { return nn.NewLinear(f, c) }
	default:
		s.Model = func(f, c int) nn.Module {
			return nn.NewSequential([]nn.Module{nn.NewLinear(f, 128), nn.NewReLU(), nn.NewLinear(128, c)})
		}
	}
	s.Config = feedback.DefaultConfig(nil)
	return s
}

func writeSplit(path string, s effect.Setup) error {
	sp := effect.MakeSplit(s)
	out := map[string]any{
		"seed": s.Seed, "train": sp.TrainIndex, "test": sp.TestIndex,
		"noisy": sp.Train.Labels(), "true": sp.True, "flipped": sp.Flipped,
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode split: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write split: %w", err)
	}
	return nil
}
