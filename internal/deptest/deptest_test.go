// Package deptest enforces the project's dependency rules with go list.
package deptest

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "tandem.dev/tandem/"

// rule forbids packages matching from (a prefix of an import path) from
// depending, directly or not, on any package with a prefix in bad.
type rule struct {
	from string
	bad  map[string]string // forbidden prefix => why
}

var rules = []rule{
	{mod + "runtime/", map[string]string{
		mod + "kernel":             "the runtime is a plain Go library; the kernel installs bridges into it",
		mod + "stdlib":             "symbols are injected by cmd/tandem, not imported by the runtime",
		mod + "frontend":           "the runtime knows nothing of notebooks",
		"github.com/traefik/yaegi": "the runtime must not depend on the interpreter",
	}},
	{mod + "kernel/server", map[string]string{
		"github.com/traefik/yaegi": "the server never runs user code",
		mod + "stdlib":             "the server never runs user code",
		mod + "runtime/":           "the server never runs user code",
	}},
	{mod + "kernel/supervisor", map[string]string{
		"github.com/traefik/yaegi": "the supervisor only starts and relays kernel processes",
	}},
	{mod + "kernel/jupyter", map[string]string{
		"github.com/traefik/yaegi": "the wire protocol is shared with the server",
		mod + "kernel/server":      "adapters do not import each other",
	}},
	{mod + "kernel/notebook", map[string]string{
		"github.com/traefik/yaegi": "notebook files are read by the server too",
	}},
}

func deps(t *testing.T, pkg string) []string {
	out, err := exec.Command("go", "list", "-deps", "-test=false", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func TestRules(t *testing.T) {
	out, err := exec.Command("go", "list", mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, r := range rules {
			if !strings.HasPrefix(pkg, r.from) {
				continue
			}
			for _, d := range deps(t, pkg) {
				for bad, why := range r.bad {
					if strings.HasPrefix(d, bad) && d != pkg {
						t.Errorf("%s depends on %s: %s", pkg, d, why)
					}
				}
			}
		}
	}
}
