package jupyter

import (
	"io"
	"sync"
)

// Pipe returns the two ends of an in-process Transport: what one end sends
// the other receives, with Channel kept. Tests and in-process embedding use
// it in place of a real transport. Closing either end ends both.
func Pipe() (a, b Transport) {
	ab := make(chan *Message, 256)
	ba := make(chan *Message, 256)
	done := make(chan struct{})
	once := new(sync.Once)
	return &pipeEnd{in: ba, out: ab, done: done, once: once}, &pipeEnd{in: ab, out: ba, done: done, once: once}
}

type pipeEnd struct {
	in, out chan *Message
	done    chan struct{}
	once    *sync.Once
}

func (p *pipeEnd) Recv() (*Message, error) {
	select {
	case m := <-p.in:
		return m, nil
	case <-p.done:
		return nil, io.EOF
	}
}

func (p *pipeEnd) Send(m *Message) error {
	select {
	case p.out <- m:
		return nil
	case <-p.done:
		return io.ErrClosedPipe
	}
}

func (p *pipeEnd) Close() error {
	p.once.Do(func() { close(p.done) })
	return nil
}
