package host

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"tandem.dev/tandem/kernel/jupyter"
)

// BenchmarkKernel_ZMQRoundTrip measures `1+1` through a real `tandem kernel
// --connection-file` process with a Go ZMQ client: execute_request until the
// idle status, the kernel's whole share of a cell's round trip without
// jupyter_client's Python on the other side (bench/kernel.sh measures that
// one, beside ipykernel and the client's own floor).
func BenchmarkKernel_ZMQRoundTrip(b *testing.B) {
	t := &testing.T{}
	bin := tandemBinary(t)
	if t.Failed() {
		b.Fatal("build tandem failed")
	}
	// Reserve five free ports, then free them for the kernel to bind.
	var ports [5]int
	var ls []net.Listener
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		ports[i] = l.Addr().(*net.TCPAddr).Port
		ls = append(ls, l)
	}
	for _, l := range ls {
		l.Close()
	}
	ci := jupyter.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: ports[0], ControlPort: ports[1],
		IOPubPort: ports[2], StdinPort: ports[3], HBPort: ports[4], Key: jupyter.NewID(), SignatureScheme: "hmac-sha256"}
	dir := b.TempDir()
	cf := filepath.Join(dir, "kernel.json")
	js, _ := json.Marshal(ci)
	os.WriteFile(cf, js, 0o600)
	cmd := exec.Command(bin, "kernel", "--connection-file", cf)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	ctx := context.Background()
	shell := zmq4.NewDealer(ctx, zmq4.WithDialerRetry(20*time.Millisecond), zmq4.WithDialerMaxRetries(250))
	defer shell.Close()
	sub := zmq4.NewSub(ctx, zmq4.WithDialerRetry(20*time.Millisecond), zmq4.WithDialerMaxRetries(250))
	defer sub.Close()
	codec, _ := jupyter.NewCodec(ci.SignatureScheme, []byte(ci.Key))
	ep := func(p int) string { return "tcp://127.0.0.1:" + strconv.Itoa(p) }
	if err := shell.Dial(ep(ci.ShellPort)); err != nil {
		b.Fatal(err)
	}
	if err := sub.Dial(ep(ci.IOPubPort)); err != nil {
		b.Fatal(err)
	}
	sub.SetOption(zmq4.OptionSubscribe, "")
	go func() {
		for {
			if _, err := shell.Recv(); err != nil {
				return
			}
		}
	}()
	run := func(code string, timeout time.Duration) bool {
		m, _ := jupyter.NewMessage(jupyter.Shell, "execute_request", nil, "bench", jupyter.ExecuteRequest{Code: code})
		frames, _ := codec.Encode(m)
		shell.Send(zmq4.NewMsgFrom(frames...))
		got := make(chan bool, 1)
		go func() {
			for {
				r, err := sub.Recv()
				if err != nil {
					got <- false
					return
				}
				pm, err := codec.Decode(r.Frames)
				if err == nil && pm.ParentID() == m.Header.MsgID && pm.Header.MsgType == "status" && strings.Contains(string(pm.Content), "idle") {
					got <- true
					return
				}
			}
		}()
		select {
		case ok := <-got:
			return ok
		case <-time.After(timeout):
			return false
		}
	}
	// Until the iopub subscription is through, idle statuses are lost.
	ready := false
	for range 100 {
		if run("1+1", 100*time.Millisecond) {
			ready = true
			break
		}
	}
	if !ready {
		b.Fatal("kernel not ready")
	}
	b.ResetTimer()
	for b.Loop() {
		if !run("1+1", 10*time.Second) {
			b.Fatal("no idle status")
		}
	}
}
