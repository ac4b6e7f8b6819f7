package jupyter

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

func TestZMQ(t *testing.T) {
	t.Run("tcp", func(t *testing.T) {
		p := freePorts(t, 5)
		testZMQ(t, ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: p[0], ControlPort: p[1], IOPubPort: p[2],
			StdinPort: p[3], HBPort: p[4], Key: "a0436f6c-1916-498b-8eb9-e81ab9368e84", SignatureScheme: "hmac-sha256"})
	})
	t.Run("ipc", func(t *testing.T) {
		testZMQ(t, ConnectionInfo{Transport: "ipc", IP: filepath.Join(t.TempDir(), "kernel"), ShellPort: 1, ControlPort: 2,
			IOPubPort: 3, StdinPort: 4, HBPort: 5, Key: "k", SignatureScheme: "hmac-sha256"})
	})
}

func testZMQ(t *testing.T, ci ConnectionInfo) {
	path := filepath.Join(t.TempDir(), "kernel.json")
	b, _ := json.Marshal(ci)
	os.WriteFile(path, b, 0o600)
	ci2, err := ReadConnectionFile(path)
	if err != nil || ci2 != ci {
		t.Fatalf("ReadConnectionFile: %v %+v", err, ci2)
	}
	z, err := NewZMQ(ci, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	d := &Dispatcher{Backend: &fakeBackend{}, Transport: z}
	go d.Serve(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	shell := zmq4.NewDealer(ctx)
	defer shell.Close()
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	hb := zmq4.NewReq(ctx)
	defer hb.Close()
	for _, c := range []struct {
		s    zmq4.Socket
		port int
	}{{shell, ci.ShellPort}, {sub, ci.IOPubPort}, {hb, ci.HBPort}} {
		if err := c.s.Dial(ci.endpoint(c.port)); err != nil {
			t.Fatal(err)
		}
	}
	sub.SetOption(zmq4.OptionSubscribe, "")

	if err := hb.Send(zmq4.NewMsgString("ping")); err != nil {
		t.Fatal(err)
	}
	if m, err := hb.Recv(); err != nil || string(m.Frames[0]) != "ping" {
		t.Fatalf("heartbeat: %v %q", err, m.Frames)
	}

	codec, _ := NewCodec(ci.SignatureScheme, []byte(ci.Key))
	bad, _ := NewCodec("", []byte("wrong key"))
	send := func(c *Codec) *Message {
		m, _ := NewMessage(Shell, "kernel_info_request", nil, "client", nil)
		frames, _ := c.Encode(m)
		if err := shell.Send(zmq4.NewMsgFrom(frames...)); err != nil {
			t.Fatal(err)
		}
		return m
	}
	// Garbage and a badly signed request are dropped; the next good one is
	// answered.
	shell.Send(zmq4.NewMsgFrom([]byte("garbage")))
	shell.Send(zmq4.NewMsgFrom([]byte(Delimiter), []byte("sig"), []byte("{"), []byte("{}"), []byte("{}"), []byte("{}")))
	send(bad)
	req := send(codec)
	got, err := shell.Recv()
	if err != nil {
		t.Fatal(err)
	}
	reply, err := codec.Decode(got.Frames)
	if err != nil {
		t.Fatalf("decode reply: %v", err)
	}
	if reply.Header.MsgType != "kernel_info_reply" || reply.ParentID() != req.Header.MsgID {
		t.Fatalf("reply %s to %s, want kernel_info_reply to %s", reply.Header.MsgType, reply.ParentID(), req.Header.MsgID)
	}
	// iopub carries status messages under a kernel.<id>.status topic. PUB
	// drops messages until the subscription has gone through, so ask again
	// until one arrives (as jupyter_client's wait_for_ready does).
	status := make(chan *Message, 1)
	go func() {
		for {
			m, err := sub.Recv()
			if err != nil {
				return
			}
			if pm, err := codec.Decode(m.Frames); err == nil && pm.Header.MsgType == "status" && pm.ParentHeader != nil {
				status <- pm
				return
			} else if err != nil {
				t.Errorf("decode iopub: %v", err)
			}
		}
	}()
	for {
		select {
		case pm := <-status:
			if len(pm.Identities) != 1 || !strings.HasPrefix(string(pm.Identities[0]), "kernel.") {
				t.Errorf("iopub %s with identities %q", pm.Header.MsgType, pm.Identities)
			}
			return
		case <-time.After(50 * time.Millisecond):
			send(codec)
		case <-ctx.Done():
			t.Fatal("no iopub status")
		}
	}
}

// BenchmarkZMQ_RoundTrip measures execute_request → status idle over real
// ZMQ sockets on loopback (zmq4 on both sides), with a backend that answers
// at once: the transport's share of a cell's round trip.
func BenchmarkZMQ_RoundTrip(b *testing.B) {
	t := &testing.T{}
	p := freePorts(t, 5)
	ci := ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: p[0], ControlPort: p[1], IOPubPort: p[2],
		StdinPort: p[3], HBPort: p[4], Key: "k", SignatureScheme: "hmac-sha256"}
	z, err := NewZMQ(ci, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer z.Close()
	be := &fakeBackend{execute: func(ctx context.Context, code string, out Output) ExecResult {
		return ExecResult{Data: map[string]any{"text/plain": "2"}}
	}}
	go (&Dispatcher{Backend: be, Transport: z}).Serve(context.Background())
	ctx := context.Background()
	shell := zmq4.NewDealer(ctx)
	defer shell.Close()
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	shell.Dial(ci.endpoint(ci.ShellPort))
	sub.Dial(ci.endpoint(ci.IOPubPort))
	sub.SetOption(zmq4.OptionSubscribe, "")
	codec, _ := NewCodec("", []byte("k"))
	go func() {
		for {
			if _, err := shell.Recv(); err != nil {
				return
			}
		}
	}()
	run := func() {
		m, _ := NewMessage(Shell, "execute_request", nil, "c", ExecuteRequest{Code: "1+1"})
		frames, _ := codec.Encode(m)
		shell.Send(zmq4.NewMsgFrom(frames...))
		for {
			r, err := sub.Recv()
			if err != nil {
				b.Fatal(err)
			}
			pm, err := codec.Decode(r.Frames)
			if err == nil && pm.ParentID() == m.Header.MsgID && pm.Header.MsgType == "status" && strings.Contains(string(pm.Content), "idle") {
				return
			}
		}
	}
	time.Sleep(100 * time.Millisecond)
	run()
	b.ResetTimer()
	for b.Loop() {
		run()
	}
}
