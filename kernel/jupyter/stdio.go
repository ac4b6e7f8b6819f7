package jupyter

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
)

// Stdio is a Transport over a pipe pair, the link between kernel/supervisor
// and `tandem kernel --stdio`. Each message is one frame:
//
//	uint32 n, then n parts, each a uint32 length and its bytes
//
// (big-endian), where part 0 is the channel name and the rest are the wire
// parts of Codec.Encode without identities. The same type serves both ends:
// on the kernel side Recv yields requests, on the supervisor side it yields
// everything the kernel sends.
type Stdio struct {
	r     *bufio.Reader
	c     io.Closer // closes the reading side, if it can be closed
	codec *Codec
	log   *slog.Logger

	wmu sync.Mutex
	w   *bufio.Writer
	wc  io.Closer
}

// NewStdio returns a transport reading frames from r and writing to w.
// codec may be nil (no signing: the pipe is private to two processes).
// Close closes r and w if they are io.Closers. log receives a line for each
// dropped message (nil means slog.Default()).
func NewStdio(r io.Reader, w io.Writer, codec *Codec, log *slog.Logger) *Stdio {
	if codec == nil {
		codec = &Codec{}
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Stdio{r: bufio.NewReaderSize(r, 64<<10), w: bufio.NewWriterSize(w, 64<<10), codec: codec, log: log.WithGroup("stdio")}
	s.c, _ = r.(io.Closer)
	s.wc, _ = w.(io.Closer)
	return s
}

// ErrFrame means the byte stream of a Stdio transport is not made of frames
// (or a frame passes the size limit); the stream cannot be resynchronized.
var ErrFrame = errors.New("bad stdio frame")

// Recv returns the next message that decodes; undecodable ones are logged
// and skipped. It returns io.EOF when the peer closed the pipe, and an error
// wrapping ErrFrame when the stream is corrupt.
func (s *Stdio) Recv() (*Message, error) {
	for {
		parts, err := ReadFrame(s.r, s.codec)
		if errors.Is(err, ErrTooLarge) {
			s.log.Info("drop message", "err", err)
			continue
		}
		if err != nil {
			return nil, err
		}
		ch := Channel(parts[0])
		if !ch.Valid() {
			s.log.Info("drop message", "why", "unknown channel", "channel", string(parts[0]))
			continue
		}
		m, err := s.codec.Decode(parts[1:])
		if err != nil {
			s.log.Info("drop message", "channel", ch, "err", err)
			continue
		}
		m.Channel = ch
		m.Identities = nil
		return m, nil
	}
}

// Send writes m as one frame; m.Channel must be set.
func (s *Stdio) Send(m *Message) error {
	if !m.Channel.Valid() {
		return fmt.Errorf("send %s: channel %q: %w", m.Header.MsgType, m.Channel, ErrMalformed)
	}
	m2 := *m
	m2.Identities = nil
	frames, err := s.codec.Encode(&m2)
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := WriteFrame(s.w, string(m.Channel), frames); err != nil {
		return fmt.Errorf("send %s: %w", m.Header.MsgType, err)
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("send %s: %w", m.Header.MsgType, err)
	}
	return nil
}

// Close closes both ends that can be closed.
func (s *Stdio) Close() error {
	var err error
	if s.wc != nil {
		err = s.wc.Close()
	}
	if s.c != nil {
		if e := s.c.Close(); err == nil {
			err = e
		}
	}
	return err
}

// WriteFrame writes one stdio frame: head as part 0, then parts.
func WriteFrame(w io.Writer, head string, parts [][]byte) error {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(1+len(parts)))
	if _, err := w.Write(b[:]); err != nil {
		return err
	}
	binary.BigEndian.PutUint32(b[:], uint32(len(head)))
	if _, err := w.Write(b[:]); err != nil {
		return err
	}
	if _, err := io.WriteString(w, head); err != nil {
		return err
	}
	for _, p := range parts {
		binary.BigEndian.PutUint32(b[:], uint32(len(p)))
		if _, err := w.Write(b[:]); err != nil {
			return err
		}
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// ReadFrame reads one stdio frame, enforcing the codec's limits before
// allocating. It returns io.EOF at a clean end of stream, an error wrapping
// ErrTooLarge after skipping a frame past the size limit (the stream is still
// usable), and one wrapping ErrFrame when the stream is corrupt.
func ReadFrame(r io.Reader, codec *Codec) ([][]byte, error) {
	maxSize, maxParts := codec.limits()
	var b [4]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("read frame: %w: truncated", ErrFrame)
		}
		return nil, err
	}
	n := binary.BigEndian.Uint32(b[:])
	if n < 1 || int64(n) > int64(maxParts)+1 {
		return nil, fmt.Errorf("read frame: %d parts: %w", n, ErrFrame)
	}
	parts := make([][]byte, n)
	total := 0
	tooLarge := false
	for i := range parts {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("read frame: %w: %v", ErrFrame, err)
		}
		l := int64(binary.BigEndian.Uint32(b[:]))
		total += int(l)
		if tooLarge || total > maxSize {
			// Skip the rest of the frame: the stream stays in step.
			tooLarge = true
			if _, err := io.CopyN(io.Discard, r, l); err != nil {
				return nil, fmt.Errorf("read frame: %w: %v", ErrFrame, err)
			}
			continue
		}
		parts[i] = make([]byte, l)
		if _, err := io.ReadFull(r, parts[i]); err != nil {
			return nil, fmt.Errorf("read frame: %w: %v", ErrFrame, err)
		}
	}
	if tooLarge {
		return nil, fmt.Errorf("read frame: %d bytes, more than %d: %w", total, maxSize, ErrTooLarge)
	}
	return parts, nil
}
