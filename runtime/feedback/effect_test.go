package feedback_test

import (
	"testing"

	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/feedback/internal/effect"
	"tandem.dev/tandem/runtime/nn"
)

// TestSuspects_Effectiveness guards the effectiveness of issue 6 on one
// fixed seed: digits, 10% of the training labels flipped, a 64-128-10 MLP
// with the default training, the whole protocol (bench/feedback.bench.sh
// runs it over several seeds beside scikit-learn). On seed 1 it measured
// precision 0.93 in the top k and recovery 1.00 (random review 0.36;
// seeds 1–7: precision 0.88–0.93, recovery 0.91–1.00); the floors are well under the goals (0.88 and 90%) so that another CPU's
// rounding cannot trip them, while a broken threshold, joint or ranking
// (precision falls to about 0.1, the share of flipped rows, and recovery to
// that of a random review) does.
func TestSuspects_Effectiveness(t *testing.T) {
	r := effect.Run(effect.Setup{
		Seed: 1,
		Model: func(f, c int) nn.Module {
			return nn.NewSequential([]nn.Module{nn.NewLinear(f, 128), nn.NewReLU(), nn.NewLinear(128, c)})
		},
		Config: feedback.DefaultConfig(nil),
	})
	t.Log(r)
	if r.Precision < 0.75 {
		t.Errorf("precision in the top %d: got %.3f, want at least 0.75", r.Flipped, r.Precision)
	}
	if r.Recovery < 0.6 {
		t.Errorf("recovery: got %.2f, want at least 0.6", r.Recovery)
	}
	if r.Recovery <= r.RandomRecovery {
		t.Errorf("recovery %.2f is no better than a random review's %.2f", r.Recovery, r.RandomRecovery)
	}
	if r.Flagged < r.Flipped/2 || r.Flagged > 2*r.Flipped {
		t.Errorf("Suspects proposed %d rows for %d flipped", r.Flagged, r.Flipped)
	}
}
