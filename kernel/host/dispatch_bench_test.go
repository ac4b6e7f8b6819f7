package host

import (
	"context"
	"os"
	"strings"
	"testing"

	"tandem.dev/tandem/kernel"
	"tandem.dev/tandem/kernel/jupyter"
	"tandem.dev/tandem/stdlib"
)

// BenchmarkSessionDispatch measures `1+1` through the Dispatcher, the
// output capture and a real kernel.Session, in process (no transport): the
// kernel's work per cell besides the wire.
func BenchmarkSessionDispatch(b *testing.B) {
	s, err := kernel.New(kernel.Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload})
	if err != nil {
		b.Fatal(err)
	}
	out, err := newCapture("stdout", -1, os.Stderr)
	if err != nil {
		b.Fatal(err)
	}
	errout, err := newCapture("stderr", -1, os.Stderr)
	if err != nil {
		b.Fatal(err)
	}
	be := &capturing{Backend: NewSessionBackend(s), p: &process{stdout: out, errout: errout}}
	k, c := jupyter.Pipe()
	go (&jupyter.Dispatcher{Backend: be, Transport: k}).Serve(context.Background())
	defer c.Close()
	c.Recv() // starting
	run := func() {
		m, _ := jupyter.NewMessage(jupyter.Shell, "execute_request", nil, "bench", jupyter.ExecuteRequest{Code: "1+1"})
		c.Send(m)
		for {
			r, _ := c.Recv()
			if r.Channel == jupyter.IOPub && r.ParentID() == m.Header.MsgID && r.Header.MsgType == "status" && strings.Contains(string(r.Content), "idle") {
				return
			}
		}
	}
	run()
	for b.Loop() {
		run()
	}
}
