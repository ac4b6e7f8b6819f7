package host

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"tandem.dev/tandem/kernel/jupyter"
)

// MaxCapturedOutput bounds what writes to fd 1 and 2 may forward per cell;
// past it the rest of the cell's output is dropped with one notice.
const MaxCapturedOutput = 8 << 20

// capture replaces fd 1 or fd 2 with a pipe and forwards what is written to
// it (by compiled code, os.Stdout writes, the runtime) as stream messages of
// the running request.
type capture struct {
	name   string // "stdout" or "stderr"
	r, w   *os.File
	marker []byte // flush marker prefix, unique to this process

	mu      sync.Mutex
	out     jupyter.Output // where output goes; nil: to fallback
	sent    int            // bytes forwarded for the current cell
	dropped bool
	pending []byte // incomplete UTF-8 sequence or possible marker prefix

	seq     int
	flushed chan int // marker numbers seen by the reader
	fall    *os.File // where output goes when no request is running
}

// newCapture redirects fd to a pipe (fd < 0: only creates the pipe, whose
// writing end is c.w). fall receives output written while no
// request runs (the kernel's own stderr).
func newCapture(name string, fd int, fall *os.File) (*capture, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("capture %s: %w", name, err)
	}
	if fd >= 0 {
		if err := dup2(int(w.Fd()), fd); err != nil {
			r.Close()
			w.Close()
			return nil, fmt.Errorf("capture %s: %w", name, err)
		}
	}
	c := &capture{name: name, r: r, w: w, fall: fall, flushed: make(chan int, 16),
		marker: []byte("\x00tandem-flush-" + strconv.Itoa(os.Getpid()) + "-")}
	go c.read()
	return c, nil
}

// begin directs output to out and resets the per-cell bound.
func (c *capture) begin(out jupyter.Output) {
	c.mu.Lock()
	c.out, c.sent, c.dropped = out, 0, false
	c.mu.Unlock()
}

// flush waits (at most 200 ms) until everything written to the fd before the
// call has been forwarded.
func (c *capture) flush() {
	c.mu.Lock()
	c.seq++
	n := c.seq
	c.mu.Unlock()
	// One write of less than PIPE_BUF bytes is atomic: the marker arrives
	// after everything written before it.
	if _, err := c.w.Write(append(append([]byte(nil), c.marker...), []byte(strconv.Itoa(n)+"\x00")...)); err != nil {
		return
	}
	timeout := time.NewTimer(200 * time.Millisecond)
	defer timeout.Stop()
	for {
		select {
		case got := <-c.flushed:
			if got >= n {
				return
			}
		case <-timeout.C:
			return
		}
	}
}

func (c *capture) read() {
	buf := make([]byte, 64<<10)
	for {
		n, err := c.r.Read(buf)
		if n > 0 {
			c.mu.Lock()
			data := append(c.pending, buf[:n]...)
			c.pending = nil
			c.consume(data)
			c.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// consume forwards data, cutting out flush markers. It holds c.mu.
func (c *capture) consume(data []byte) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, 0)
		if i < 0 {
			c.emit(data, false)
			return
		}
		c.emit(data[:i], true)
		data = data[i:]
		if len(data) < len(c.marker) && bytes.HasPrefix(c.marker, data) {
			c.pending = append(c.pending[:0], data...) // the rest of the marker is coming
			return
		}
		if !bytes.HasPrefix(data, c.marker) {
			c.emit(data[:1], false) // a NUL byte of the program's own
			data = data[1:]
			continue
		}
		end := bytes.IndexByte(data[len(c.marker):], 0)
		if end < 0 {
			c.pending = append(c.pending[:0], data...)
			return
		}
		num, _ := strconv.Atoi(string(data[len(c.marker) : len(c.marker)+end]))
		data = data[len(c.marker)+end+1:]
		c.emit(nil, true)
		select {
		case c.flushed <- num:
		default:
		}
	}
}

// emit forwards text; unless final, an incomplete UTF-8 sequence at its end
// waits for the next read, so that no stream message splits a character.
func (c *capture) emit(b []byte, final bool) {
	if !final {
		if k := incompleteUTF8(b); k > 0 {
			c.pending = append([]byte(nil), b[len(b)-k:]...)
			b = b[:len(b)-k]
		}
	}
	if len(b) == 0 {
		return
	}
	if c.out == nil {
		c.fall.Write(b)
		return
	}
	if c.dropped {
		return
	}
	if c.sent+len(b) > MaxCapturedOutput {
		b = b[:max(0, MaxCapturedOutput-c.sent)]
		c.dropped = true
	}
	c.sent += len(b)
	if len(b) > 0 {
		c.out.Stream(c.name, string(b))
	}
	if c.dropped {
		c.out.Stream("stderr", fmt.Sprintf("\n[output truncated: this cell wrote more than %d MB to %s]\n", MaxCapturedOutput>>20, c.name))
	}
}

// incompleteUTF8 returns the length of an incomplete UTF-8 sequence at the
// end of b (0 if none).
func incompleteUTF8(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return 0
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return k
			}
			return 0
		}
	}
	return 0
}
