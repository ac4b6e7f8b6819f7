package jupyter

import (
	"bufio"
	"context"
	"net"
	"sync"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// zmq4 reads each frame with two or three unbuffered reads (flags, length,
// body): an execute round trip costs ~100 read system calls. The kernel's
// sockets listen through these transports instead, which are TCP and Unix
// sockets with a buffered reader; what goes on the wire is the same, so
// Jupyter clients see plain ZMTP over TCP or IPC.
const (
	bufTCP = "tandem+tcp"
	bufIPC = "tandem+ipc"
)

var registerOnce sync.Once

func registerTransports() {
	registerOnce.Do(func() {
		_ = zmq4.RegisterTransport(bufTCP, bufTransport{transport.New("tcp"), "tcp"})
		_ = zmq4.RegisterTransport(bufIPC, bufTransport{transport.New("unix"), "unix"})
	})
}

type bufTransport struct {
	transport.Transport
	network string
}

func (t bufTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := net.Listen(t.network, addr)
	if err != nil {
		return nil, err
	}
	return bufListener{l}, nil
}

func (t bufTransport) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn, error) {
	c, err := d.DialContext(ctx, t.network, addr)
	if err != nil {
		return nil, err
	}
	return wrap(c), nil
}

type bufListener struct{ net.Listener }

func (l bufListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return wrap(c), nil
}

// wrap adds a read buffer to c. The wrappers embed the concrete connection
// types so that their unexported writeBuffers method is promoted: zmq4
// sends a message with net.Buffers.WriteTo, which is one writev only for
// connections that have it, and a write per frame part otherwise.
func wrap(c net.Conn) net.Conn {
	r := bufio.NewReaderSize(c, 64<<10)
	switch c := c.(type) {
	case *net.TCPConn:
		return &bufTCPConn{TCPConn: c, r: r}
	case *net.UnixConn:
		return &bufUnixConn{UnixConn: c, r: r}
	}
	return &bufConn{Conn: c, r: r}
}

type bufTCPConn struct {
	*net.TCPConn
	r *bufio.Reader
}

func (c *bufTCPConn) Read(p []byte) (int, error) { return c.r.Read(p) }

type bufUnixConn struct {
	*net.UnixConn
	r *bufio.Reader
}

func (c *bufUnixConn) Read(p []byte) (int, error) { return c.r.Read(p) }

type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufConn) Read(p []byte) (int, error) { return c.r.Read(p) }
