package runner

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestDeps keeps the runner out of the interpreter: cells run in a kernel
// process, never in this one, so a crashing cell cannot take the runner
// down (and the runner does not link the interpreter).
func TestDeps(t *testing.T) {
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(gobin, "list", "-deps", "-test=false", "tandem.dev/tandem/kernel/runner").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	bad := map[string]string{
		"github.com/traefik/yaegi": "cells run in a kernel process, not in the runner",
		"tandem.dev/tandem/kernel": "the session lives in the kernel process",
		"tandem.dev/tandem/stdlib": "symbols belong to the kernel process",
	}
	for _, d := range strings.Fields(string(out)) {
		for p, why := range bad {
			if d == p || strings.HasPrefix(d, p+"/") && p != "tandem.dev/tandem/kernel" {
				t.Errorf("kernel/runner depends on %s: %s", d, why)
			}
		}
	}
}
