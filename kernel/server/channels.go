package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"tandem.dev/tandem/kernel/jupyter"
)

// wsConn is one WebSocket on a kernel's channels. Only its writer goroutine
// writes to the socket; the kernel side queues with send, which never
// blocks: past the byte budget the client is cut off (it reconnects).
type wsConn struct {
	c       *websocket.Conn
	session string
	out     chan []byte
	queued  atomic.Int64
	budget  int64
	done    chan struct{}
	once    sync.Once
	closing atomic.Bool
	code    websocket.StatusCode
	reason  string
}

// sendQueueLen bounds the number of queued frames (the byte budget bounds
// their size).
const sendQueueLen = 8192

func (c *wsConn) send(b []byte) {
	if c.closing.Load() {
		return
	}
	// One message larger than the whole budget still goes through when
	// nothing else is queued (it is in memory anyway); the budget bounds
	// the backlog.
	if n := c.queued.Add(int64(len(b))); n > c.budget && n != int64(len(b)) {
		c.queued.Add(-int64(len(b)))
		c.closeWith(websocket.StatusPolicyViolation, "client too slow: output buffer full, reconnect to continue")
		return
	}
	select {
	case c.out <- b:
	default:
		c.queued.Add(-int64(len(b)))
		c.closeWith(websocket.StatusPolicyViolation, "client too slow: output queue full, reconnect to continue")
	}
}

// closeWith asks the writer to close the socket with code and reason.
func (c *wsConn) closeWith(code websocket.StatusCode, reason string) {
	c.once.Do(func() {
		c.code, c.reason = code, reason
		c.closing.Store(true)
		close(c.done)
	})
}

// handleChannels upgrades to the kernel's channels WebSocket. The checks
// in auth.check (Host, Origin, token) have run before: a request without
// the token got 401 and was never upgraded.
func (s *Server) handleChannels(w http.ResponseWriter, r *http.Request) {
	e := s.kernelOr404(w, r)
	if e == nil {
		return
	}
	if !isWebSocket(r) {
		s.error(w, r, 400, "bad_request", "this URL is a WebSocket")
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		InsecureSkipVerify: true, // Origin was checked exactly by auth.check
		CompressionMode:    websocket.CompressionDisabled,
	})
	if err != nil {
		return // Accept has answered
	}
	o := s.opts.WebSocket
	ws.SetReadLimit(o.HardLimit)
	c := &wsConn{c: ws, session: r.URL.Query().Get("session_id"), out: make(chan []byte, sendQueueLen),
		budget: o.SendBuffer, done: make(chan struct{})}
	s.conns.Add(1)
	defer s.conns.Add(-1)
	e.attach(c)
	defer e.detach(c)
	s.log.Info("channels open", slog.String("kernel", e.id))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.writeLoop(ctx, c) }()
	go func() { defer wg.Done(); s.pingLoop(ctx, c) }()
	s.readLoop(ctx, e, c)
	c.closeWith(websocket.StatusNormalClosure, "")
	cancel()
	wg.Wait()
	s.log.Info("channels closed", slog.String("kernel", e.id), slog.String("reason", c.reason))
}

// writeLoop is the connection's one writer.
func (s *Server) writeLoop(ctx context.Context, c *wsConn) {
	for {
		select {
		case b := <-c.out:
			c.queued.Add(-int64(len(b)))
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := c.c.Write(wctx, websocket.MessageText, b)
			cancel()
			if err != nil {
				c.c.CloseNow()
				c.closeWith(websocket.StatusGoingAway, "write failed")
				return
			}
		case <-c.done:
			if c.code == websocket.StatusNormalClosure {
				// A normal close (kernel shut down) first delivers what is
				// queued, such as the "dead" status; a cut-off slow client
				// does not wait for that.
				s.drain(ctx, c)
			}
			go c.c.Close(c.code, c.reason) // waits for the peer's close at most 5 s
			time.AfterFunc(5*time.Second, func() { c.c.CloseNow() })
			return
		case <-ctx.Done():
			return
		}
	}
}

// drain writes the frames still queued, for at most two seconds.
func (s *Server) drain(ctx context.Context, c *wsConn) {
	dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	for {
		select {
		case b := <-c.out:
			c.queued.Add(-int64(len(b)))
			if c.c.Write(dctx, websocket.MessageText, b) != nil {
				return
			}
		default:
			return
		}
	}
}

// pingLoop closes connections whose peer stops answering pings.
func (s *Server) pingLoop(ctx context.Context, c *wsConn) {
	o := s.opts.WebSocket
	t := time.NewTicker(o.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.done:
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, o.PingTimeout)
			err := c.c.Ping(pctx)
			cancel()
			if err != nil {
				// Close the socket before waking the writer, which would
				// otherwise start a polite close the dead peer never answers.
				c.c.CloseNow()
				c.closeWith(websocket.StatusGoingAway, "ping timeout")
				return
			}
		}
	}
}

// readLoop reads client frames: each must be a JSON Jupyter message with a
// shell, control or stdin channel. A bad or oversized frame gets a
// tandem_error message and the connection lives on. Reading is paced by a
// token bucket (Rate, Burst): a flooding client is slowed, not dropped.
func (s *Server) readLoop(ctx context.Context, e *kernelEntry, c *wsConn) {
	o := s.opts.WebSocket
	tokens := float64(o.Burst)
	last := time.Now()
	for {
		typ, rd, err := c.c.Reader(ctx)
		if err != nil {
			return
		}
		buf := bytes.Buffer{}
		n, err := io.Copy(&buf, io.LimitReader(rd, o.MaxMessage+1))
		if err != nil {
			return
		}
		if n > o.MaxMessage {
			if _, err := io.Copy(io.Discard, rd); err != nil {
				return
			}
			c.send(errorMessage(nil, "too_large", fmt.Sprintf("message over %d bytes discarded", o.MaxMessage)))
			continue
		}
		// Pace the reader.
		now := time.Now()
		tokens = min(float64(o.Burst), tokens+now.Sub(last).Seconds()*o.Rate)
		last = now
		if tokens < 1 {
			wait := time.Duration((1 - tokens) / o.Rate * float64(time.Second))
			select {
			case <-time.After(wait):
			case <-c.done:
				return
			}
			tokens = 1
			last = time.Now()
		}
		tokens--
		s.handleFrame(e, c, typ, buf.Bytes())
	}
}

// handleFrame checks one client frame and forwards it to the kernel, or
// answers a tandem_error; either way exactly one thing happens.
func (s *Server) handleFrame(e *kernelEntry, c *wsConn, typ websocket.MessageType, data []byte) {
	if typ != websocket.MessageText {
		c.send(errorMessage(nil, "bad_message", "binary frames are not supported: send JSON text messages"))
		return
	}
	var msg jupyter.Message
	if err := json.Unmarshal(data, &msg); err != nil {
		// Some clients send dates as numbers (jupyter_server 1.x's gateway
		// client sends POSIX seconds): fix them up and try once more.
		if fixed, ok := fixDates(data); !ok || json.Unmarshal(fixed, &msg) != nil {
			c.send(errorMessage(partialHeader(data), "bad_message", "message is not a Jupyter message: "+err.Error()))
			return
		}
	}
	if msg.Channel == "" {
		msg.Channel = jupyter.Shell // as Jupyter Server assumes
	}
	switch {
	case msg.Header.MsgID == "" || msg.Header.MsgType == "":
		c.send(errorMessage(nil, "bad_message", "message header needs msg_id and msg_type"))
		return
	case msg.Channel != jupyter.Shell && msg.Channel != jupyter.Control && msg.Channel != jupyter.Stdin:
		c.send(errorMessage(&msg.Header, "bad_message", fmt.Sprintf("channel %q: clients send on shell, control or stdin", msg.Channel)))
		return
	}
	if err := e.fromClient(c, &msg); err != nil {
		c.send(errorMessage(&msg.Header, "kernel", "message not delivered: "+err.Error()))
	}
}

// fixDates rewrites numeric header and parent_header dates (seconds since
// the epoch) as RFC 3339 strings; ok is false when there was none.
func fixDates(data []byte) ([]byte, bool) {
	var v map[string]json.RawMessage
	if json.Unmarshal(data, &v) != nil {
		return nil, false
	}
	changed := false
	for _, key := range []string{"header", "parent_header"} {
		var h map[string]json.RawMessage
		if json.Unmarshal(v[key], &h) != nil {
			continue
		}
		var secs float64
		if json.Unmarshal(h["date"], &secs) != nil {
			continue
		}
		t := time.Unix(0, int64(secs*float64(time.Second))).UTC()
		h["date"], _ = json.Marshal(t.Format(time.RFC3339Nano))
		v[key], _ = json.Marshal(h)
		changed = true
	}
	if !changed {
		return nil, false
	}
	out, err := json.Marshal(v)
	return out, err == nil
}

// partialHeader digs the header out of a frame that failed to decode, so
// the error can name the request it answers.
func partialHeader(b []byte) *jupyter.Header {
	var v struct {
		Header struct {
			MsgID   string `json:"msg_id"`
			MsgType string `json:"msg_type"`
			Session string `json:"session"`
		} `json:"header"`
	}
	if json.Unmarshal(b, &v) != nil || v.Header.MsgID == "" {
		return nil
	}
	return &jupyter.Header{MsgID: v.Header.MsgID, MsgType: v.Header.MsgType, Session: v.Header.Session}
}

// errorMessage is the Tandem addition for refused client frames: msg_type
// "tandem_error" on iopub, parent_header the refused request when known,
// content {"reason", "message"}.
func errorMessage(parent *jupyter.Header, reason, msg string) []byte {
	return serverMessage(jupyter.IOPub, "tandem_error", parent, map[string]string{"reason": reason, "message": msg})
}
