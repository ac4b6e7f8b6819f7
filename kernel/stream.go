package kernel

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// streams carries what cells write to stdout and stderr to the current
// Sink while the cell runs: chunks are kept in order, coalesced and flushed
// at most every flushEvery, and dropped past a per-cell bound (a notice
// says how much was dropped).
type streams struct {
	mu      sync.Mutex
	sink    Sink
	pending []chunk
	size    int // bytes delivered or pending in this cell
	dropped int64
	limit   int
	closed  bool

	flushMu sync.Mutex // serialises calls into the sink
	syncMu  sync.Mutex // one sync at a time

	outR, outW *os.File // fmt.Print*, println, os.Stdout of cells
	errR, errW *os.File // os.Stderr of cells
	marker     []byte
	markSent   atomic.Int64 // markers written to the pipes
	markSeen   atomic.Int64 // markers the readers have seen
	inflight   atomic.Int32 // readers holding bytes read but not yet queued
	notify     chan struct{}
	stop       chan struct{}
	wg         sync.WaitGroup
}

type chunk struct {
	name string
	text []byte
}

// flushEvery bounds the flush rate to 20 per second.
const flushEvery = 50 * time.Millisecond

func newStreams(limit int) (*streams, error) {
	s := &streams{limit: limit, notify: make(chan struct{}, 1), stop: make(chan struct{})}
	var err error
	if s.outR, s.outW, err = os.Pipe(); err != nil {
		return nil, fmt.Errorf("create stdout pipe: %w", err)
	}
	if s.errR, s.errW, err = os.Pipe(); err != nil {
		s.outR.Close()
		s.outW.Close()
		return nil, fmt.Errorf("create stderr pipe: %w", err)
	}
	var b [12]byte
	rand.Read(b[:])
	s.marker = []byte("\x00\x1btandem-sync-" + hex.EncodeToString(b[:]) + "\x00")
	s.wg.Add(3)
	go s.read("stdout", s.outR)
	go s.read("stderr", s.errR)
	go s.tick()
	return s, nil
}

// read forwards what a pipe delivers, recognising sync markers.
func (s *streams) read(name string, r *os.File) {
	defer s.wg.Done()
	buf := make([]byte, 64<<10)
	var carry []byte
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if len(carry) == 0 {
				s.inflight.Add(1)
			}
			data := append(carry, buf[:n]...)
			carry = nil
			for {
				i := bytes.Index(data, s.marker)
				if i < 0 {
					break
				}
				s.write(name, data[:i])
				data = data[i+len(s.marker):]
				s.markSeen.Add(1)
				select { // never block: a sync that timed out is not waiting
				case s.notify <- struct{}{}:
				default:
				}
			}
			// keep a tail that may be the start of a marker
			keep := 0
			for k := min(len(s.marker)-1, len(data)); k > 0; k-- {
				if bytes.HasPrefix(s.marker, data[len(data)-k:]) {
					keep = k
					break
				}
			}
			s.write(name, data[:len(data)-keep])
			if keep > 0 {
				carry = append([]byte(nil), data[len(data)-keep:]...)
			} else {
				s.inflight.Add(-1)
			}
		}
		if err != nil {
			return
		}
	}
}

func (s *streams) tick() {
	defer s.wg.Done()
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.flush()
		}
	}
}

// write queues text for name, within the per-cell bound. The first
// write past the bound queues a notice at once (outside the bound), so a
// cell that keeps running says why its output stopped; end adds how much
// was dropped.
func (s *streams) write(name string, p []byte) {
	if len(p) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var notice []byte
	if room := s.limit - s.size; len(p) > room {
		if room < 0 {
			room = 0
		}
		if s.dropped == 0 {
			notice = []byte(fmt.Sprintf("\n[output truncated: the cell wrote more than %s; the rest of its output is dropped]\n", size(int64(s.limit))))
		}
		s.dropped += int64(len(p) - room)
		p = p[:room]
	}
	if len(p) > 0 {
		s.size += len(p)
		if n := len(s.pending); n > 0 && s.pending[n-1].name == name {
			s.pending[n-1].text = append(s.pending[n-1].text, p...)
		} else {
			s.pending = append(s.pending, chunk{name, append([]byte(nil), p...)})
		}
	}
	if notice != nil {
		s.pending = append(s.pending, chunk{"stderr", notice})
	}
}

// ordered queues text the interpreter writes itself (fmt.Print*,
// println, log) after what cells wrote to the pipes before it (os.Stdout,
// os.Stderr, compiled code): when a pipe holds unread bytes, or a reader
// holds bytes it has not queued yet, it syncs first. So output keeps the
// order it was written in across stdout and stderr, except between
// os.Stdout and os.Stderr writes themselves (two pipes).
func (s *streams) ordered(name string, p []byte) {
	if s.inflight.Load() > 0 || unread(s.outR) || unread(s.errR) {
		s.sync(100 * time.Millisecond)
	}
	s.write(name, p)
}

// direct is the interpreter's Stdout: it queues in order (see ordered)
// without a trip through a pipe.
type direct struct {
	s    *streams
	name string
}

func (d direct) Write(p []byte) (int, error) {
	d.s.ordered(d.name, p)
	return len(p), nil
}

// flush delivers the pending chunks to the sink.
func (s *streams) flush() {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	p, sink := s.pending, s.sink
	s.pending = nil
	s.mu.Unlock()
	if sink == nil {
		return
	}
	for _, c := range p {
		sink.Stream(c.name, string(c.text))
	}
}

// begin starts a cell: output goes to sink, the bound starts afresh.
func (s *streams) begin(sink Sink) {
	s.flush()
	s.mu.Lock()
	s.sink, s.size, s.dropped = sink, 0, 0
	s.mu.Unlock()
}

// end waits until everything the cell wrote to the pipes was read (up to
// a second), adds the truncation notice and flushes.
func (s *streams) end() {
	s.sync(time.Second)
	s.mu.Lock()
	if s.dropped > 0 {
		s.pending = append(s.pending, chunk{"stderr", []byte(fmt.Sprintf(
			"\n[output truncated: the cell wrote more than %s; %s were dropped]\n", size(int64(s.limit)), size(s.dropped)))})
		s.dropped = 0
	}
	s.mu.Unlock()
	s.flush()
}

// sync waits (up to timeout) until what was written to the pipes so far
// has been read and queued: it writes a marker to each pipe and waits for
// the readers to have seen every marker written so far.
func (s *streams) sync(timeout time.Duration) {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	for _, w := range []*os.File{s.outW, s.errW} {
		if _, err := w.Write(s.marker); err == nil {
			s.markSent.Add(1)
		}
	}
	target := s.markSent.Load()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for s.markSeen.Load() < target {
		select {
		case <-s.notify:
		case <-deadline.C:
			return
		}
	}
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func (s *streams) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	s.outW.Close()
	s.errW.Close()
	s.wg.Wait()
	s.outR.Close()
	s.errR.Close()
	s.flush()
}

// stderrFilter is the interpreter's Stderr option: log output passes to
// the stderr stream; the interpreted panic trace yaegi writes there
// ("<pos>: panic: main.f(...)" per frame) is captured for the CellError.
type stderrFilter struct {
	s     *streams
	mu    sync.Mutex
	trace []string
	line  []byte
}

func (f *stderrFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.line = append(f.line, p...)
	for {
		i := bytes.IndexByte(f.line, '\n')
		if i < 0 {
			break
		}
		l := string(f.line[:i+1])
		f.line = f.line[i+1:]
		if strings.HasSuffix(l, "(...)\n") && strings.Contains(l, ": panic: ") && tracePos.MatchString(l[:len(l)-1]) {
			// deep recursion unwinds with one line per frame: keep the
			// innermost frames only
			if len(f.trace) < maxTrace {
				f.trace = append(f.trace, l[:len(l)-1])
			}
			continue
		}
		f.s.ordered("stderr", []byte(l))
	}
	if len(f.line) > 4096 {
		f.s.ordered("stderr", f.line)
		f.line = f.line[:0]
	}
	return len(p), nil
}

// maxTrace bounds the interpreted stack kept for a CellError.
const maxTrace = 32

// takeTrace returns and clears the captured panic trace.
func (f *stderrFilter) takeTrace() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.line) > 0 {
		f.s.write("stderr", f.line)
		f.line = f.line[:0]
	}
	t := f.trace
	f.trace = nil
	return t
}
