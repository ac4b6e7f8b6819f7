// Package testbin builds the tandem binary once per test process, for the
// tests that run it as a subprocess: kernels under the supervisor, Jupyter
// clients, `tandem run`, the notebooks' headless runs.
package testbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	once sync.Once
	path string
	err  error
	out  []byte
)

// Tandem returns the path of a tandem binary built from this module's
// cmd/tandem, building it on the first call. A failed build fails t.
func Tandem(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		var dir string
		if dir, err = os.MkdirTemp("", "tandem-test-bin-"); err != nil {
			return
		}
		path = filepath.Join(dir, "tandem")
		gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
		out, err = exec.Command(gobin, "build", "-o", path, "tandem.dev/tandem/cmd/tandem").CombinedOutput()
	})
	if err != nil {
		t.Fatalf("build tandem: %v\n%s", err, out)
	}
	return path
}
