package jupyter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"

	"github.com/go-zeromq/zmq4"
)

// ConnectionInfo is the content of a Jupyter connection file.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" (default) or "ipc"
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and checks a connection file.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	var ci ConnectionInfo
	b, err := os.ReadFile(path)
	if err != nil {
		return ci, fmt.Errorf("read connection file: %w", err)
	}
	if err := json.Unmarshal(b, &ci); err != nil {
		return ci, fmt.Errorf("read connection file %s: %w", path, err)
	}
	if ci.Transport == "" {
		ci.Transport = "tcp"
	}
	if ci.IP == "" {
		ci.IP = "127.0.0.1"
	}
	if ci.Transport != "tcp" && ci.Transport != "ipc" {
		return ci, fmt.Errorf("read connection file %s: transport %q: want tcp or ipc", path, ci.Transport)
	}
	return ci, nil
}

// endpoint returns the ZMQ endpoint of a port, as jupyter_client names them.
func (ci ConnectionInfo) endpoint(port int) string {
	if ci.Transport == "ipc" {
		return "ipc://" + ci.IP + "-" + strconv.Itoa(port)
	}
	return "tcp://" + net.JoinHostPort(ci.IP, strconv.Itoa(port))
}

// listenEndpoint is endpoint through the buffered transports of zmqnet.go.
func (ci ConnectionInfo) listenEndpoint(port int) string {
	registerTransports()
	if ci.Transport == "ipc" {
		return bufIPC + "://" + ci.IP + "-" + strconv.Itoa(port)
	}
	return bufTCP + "://" + net.JoinHostPort(ci.IP, strconv.Itoa(port))
}

// ZMQ is the Jupyter ZMQ Transport of a kernel: shell and control ROUTER
// sockets, an iopub PUB socket, a stdin ROUTER socket and a heartbeat REP
// socket that echoes, bound to the ports of a connection file.
type ZMQ struct {
	codec   *Codec
	log     *slog.Logger
	session string
	cancel  context.CancelFunc

	shell, control, iopub, stdin, hb zmq4.Socket
	smu, cmu, imu, imu2              sync.Mutex // send locks: shell, control, iopub, stdin

	in     chan *Message
	closed chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

// NewZMQ binds the sockets of ci. Messages must carry a valid HMAC-SHA256
// signature when ci has a key. log receives a line for each dropped
// message (nil means slog.Default()).
func NewZMQ(ci ConnectionInfo, log *slog.Logger) (*ZMQ, error) {
	codec, err := NewCodec(ci.SignatureScheme, []byte(ci.Key))
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	z := &ZMQ{codec: codec, log: log.WithGroup("zmq"), cancel: cancel, session: NewID(),
		in: make(chan *Message, 64), closed: make(chan struct{})}
	z.shell = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("shell")))
	z.control = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("control")))
	z.stdin = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("stdin")))
	z.iopub = zmq4.NewPub(ctx)
	z.hb = zmq4.NewRep(ctx)
	for _, b := range []struct {
		s    zmq4.Socket
		port int
		name string
	}{{z.shell, ci.ShellPort, "shell"}, {z.control, ci.ControlPort, "control"}, {z.iopub, ci.IOPubPort, "iopub"},
		{z.stdin, ci.StdinPort, "stdin"}, {z.hb, ci.HBPort, "heartbeat"}} {
		if err := b.s.Listen(ci.listenEndpoint(b.port)); err != nil {
			z.Close()
			return nil, fmt.Errorf("bind %s socket: %w", b.name, err)
		}
	}
	z.wg.Add(4)
	go z.read(z.shell, Shell)
	go z.read(z.control, Control)
	go z.read(z.stdin, Stdin)
	go z.heartbeat()
	return z, nil
}

func (z *ZMQ) read(s zmq4.Socket, ch Channel) {
	defer z.wg.Done()
	for {
		msg, err := s.Recv()
		if err != nil {
			select {
			case <-z.closed:
				return
			default:
			}
			if errors.Is(err, context.Canceled) {
				return
			}
			z.log.Info("receive", "channel", ch, "err", err)
			continue
		}
		m, err := z.codec.Decode(msg.Frames)
		if err != nil {
			z.log.Info("drop message", "channel", ch, "err", err)
			continue
		}
		m.Channel = ch
		select {
		case z.in <- m:
		case <-z.closed:
			return
		}
	}
}

func (z *ZMQ) heartbeat() {
	defer z.wg.Done()
	for {
		msg, err := z.hb.Recv()
		if err != nil {
			select {
			case <-z.closed:
				return
			default:
			}
			if errors.Is(err, context.Canceled) {
				return
			}
			continue
		}
		_ = z.hb.Send(msg)
	}
}

// Recv returns the next request from shell, control or stdin; io.EOF once
// the transport is closed.
func (z *ZMQ) Recv() (*Message, error) {
	select {
	case m := <-z.in:
		return m, nil
	case <-z.closed:
		return nil, io.EOF
	}
}

// Send sends m on its channel. iopub messages get the topic
// "kernel.<session>.<msg_type>" as their identity, as ipykernel does.
func (z *ZMQ) Send(m *Message) error {
	var (
		s  zmq4.Socket
		mu *sync.Mutex
	)
	switch m.Channel {
	case Shell:
		s, mu = z.shell, &z.smu
	case Control:
		s, mu = z.control, &z.cmu
	case Stdin:
		s, mu = z.stdin, &z.imu2
	case IOPub:
		s, mu = z.iopub, &z.imu
		m2 := *m
		m2.Identities = [][]byte{[]byte("kernel." + z.session + "." + m.Header.MsgType)}
		m = &m2
	default:
		return fmt.Errorf("send %s: channel %q: %w", m.Header.MsgType, m.Channel, ErrMalformed)
	}
	if m.Channel != IOPub && len(m.Identities) == 0 {
		return fmt.Errorf("send %s on %s: no routing identity", m.Header.MsgType, m.Channel)
	}
	frames, err := z.codec.Encode(m)
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	// SendMulti writes a message with one writev where zmq4 can (PUB);
	// Send writes each frame part with its own system call.
	if err := s.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("send %s on %s: %w", m.Header.MsgType, m.Channel, err)
	}
	return nil
}

// Close unbinds every socket.
func (z *ZMQ) Close() error {
	z.once.Do(func() {
		close(z.closed)
		z.cancel()
		for _, s := range []zmq4.Socket{z.shell, z.control, z.iopub, z.stdin, z.hb} {
			if s != nil {
				_ = s.Close()
			}
		}
	})
	return nil
}
