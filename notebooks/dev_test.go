//go:build dev

// Run a draft: go test -tags dev ./notebooks -run TestDev -args -nb /path/draft.ipynb

package notebooks

import (
	"flag"
	"fmt"
	"testing"
	"time"

	"tandem.dev/tandem/kernel/runner"
)

var devNB = flag.String("nb", "", "run this percent-format draft and print its transcript")

func TestDev(t *testing.T) {
	if *devNB == "" {
		t.Skip()
	}
	syms, pre := symbols(t)
	nb := readNotebook(t, *devNB)
	start := time.Now()
	times := run(t, nb, syms, pre, nil)
	fmt.Println(runner.Transcript(nb, runner.TranscriptOptions{}))
	fmt.Println("TOOK", time.Since(start), times)
}
