package server

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// debianPython is the interpreter with Debian's Jupyter packages.
const debianPython = "/usr/bin/python3"

// TestJupyterGatewayClient drives the server with Jupyter Server's own
// client library for remote servers (jupyter_server.gateway: kernelspecs,
// kernels, the channels WebSocket), against fake kernels. It needs
// python3-jupyter-server: it fails without it under CI=true and skips
// elsewhere.
func TestJupyterGatewayClient(t *testing.T) {
	if err := exec.Command(debianPython, "-c", "import jupyter_server.gateway.managers, websocket").Run(); err != nil {
		msg := "python3-jupyter-server is missing (apt-get install python3-jupyter-server): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	h := newHarness(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, debianPython, "testdata/gateway_client.py")
	cmd.Env = append(os.Environ(), "TANDEM_URL="+h.base, "TANDEM_TEST_TOKEN="+h.token)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"kernelspecs ok", "start and list ok", "execute ok", "interrupt and restart ok", "shutdown ok"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
