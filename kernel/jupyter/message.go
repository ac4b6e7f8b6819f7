package jupyter

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ProtocolVersion is the Jupyter messaging protocol version spoken here.
const ProtocolVersion = "5.3"

// Channel names a Jupyter socket.
type Channel string

// The Jupyter channels.
const (
	Shell   Channel = "shell"
	Control Channel = "control"
	IOPub   Channel = "iopub"
	Stdin   Channel = "stdin"
)

// Valid reports whether c is one of the four message channels.
func (c Channel) Valid() bool {
	switch c {
	case Shell, Control, IOPub, Stdin:
		return true
	}
	return false
}

// Header is a message header (also used as parent_header).
type Header struct {
	MsgID    string    `json:"msg_id"`
	Session  string    `json:"session"`
	Username string    `json:"username"`
	Date     time.Time `json:"date"` // zero when absent or unparsable; written as "" then
	MsgType  string    `json:"msg_type"`
	Version  string    `json:"version"`
}

// headerJSON is Header with the date as text, so that clients sending an
// empty, missing or odd date are not rejected for it.
type headerJSON struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// MarshalJSON writes the date in RFC 3339 with microseconds (as
// jupyter_client does), or "" for the zero time.
func (h Header) MarshalJSON() ([]byte, error) {
	j := headerJSON{MsgID: h.MsgID, Session: h.Session, Username: h.Username,
		MsgType: h.MsgType, Version: h.Version}
	if !h.Date.IsZero() {
		j.Date = h.Date.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
	}
	return json.Marshal(j)
}

// UnmarshalJSON accepts any date: an ISO 8601 string, a number of seconds
// since 1970 (some gateway clients send that), or anything else, which
// leaves Date zero rather than failing the message.
func (h *Header) UnmarshalJSON(b []byte) error {
	var j struct {
		headerJSON
		Date json.RawMessage `json:"date"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*h = Header{MsgID: j.MsgID, Session: j.Session, Username: j.Username,
		MsgType: j.MsgType, Version: j.Version}
	var s string
	var secs float64
	switch {
	case json.Unmarshal(j.Date, &s) == nil:
		h.Date = parseDate(s)
	case json.Unmarshal(j.Date, &secs) == nil && secs > 0 && secs < 1e11:
		h.Date = time.Unix(0, int64(secs*1e9)).UTC().Truncate(time.Microsecond)
	}
	return nil
}

func parseDate(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			// Round trips must be exact: keep what MarshalJSON can write.
			return t.UTC().Truncate(time.Microsecond)
		}
	}
	return time.Time{}
}

// Message is one Jupyter message. Content is kept raw so that relaying
// processes (the server) never need to decode what they pass through.
type Message struct {
	Channel      Channel         `json:"channel,omitempty"`
	Identities   [][]byte        `json:"-"` // ZMQ routing prefix; nil over other transports
	Header       Header          `json:"header"`
	ParentHeader *Header         `json:"parent_header"` // nil encodes as {}
	Metadata     map[string]any  `json:"metadata"`
	Content      json.RawMessage `json:"content"`
	Buffers      [][]byte        `json:"buffers,omitempty"`
}

// MarshalJSON writes the JSON form used on the notebook server's WebSocket
// (parent_header {} for nil, metadata {} for nil, content {} for empty).
func (m *Message) MarshalJSON() ([]byte, error) {
	type plain Message
	p := plain(*m)
	if p.Metadata == nil {
		p.Metadata = map[string]any{}
	}
	if len(p.Content) == 0 {
		p.Content = json.RawMessage("{}")
	}
	var parent any = p.ParentHeader
	if p.ParentHeader == nil {
		parent = struct{}{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep <svg> as written: this is not HTML
	if err := enc.Encode(struct {
		plain
		ParentHeader any `json:"parent_header"`
	}{p, parent}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads the JSON form; an empty parent_header becomes nil.
func (m *Message) UnmarshalJSON(b []byte) error {
	type plain Message
	var p struct {
		plain
		ParentHeader json.RawMessage `json:"parent_header"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*m = Message(p.plain)
	switch c := bytes.TrimSpace(m.Content); {
	case len(c) == 0 || string(c) == "null":
		m.Content = json.RawMessage("{}")
	case c[0] != '{':
		return fmt.Errorf("decode content: not a JSON object: %w", ErrMalformed)
	}
	if m.Metadata == nil {
		m.Metadata = map[string]any{}
	}
	if m.Channel != "" && !m.Channel.Valid() {
		return fmt.Errorf("decode message: channel %q: %w", m.Channel, ErrMalformed)
	}
	ph, err := decodeParent(p.ParentHeader)
	if err != nil {
		return err
	}
	m.ParentHeader = ph
	return nil
}

// decodeParent decodes a parent_header part: null, {} or a header with no
// field set all mean "no parent".
func decodeParent(b []byte) (*Header, error) {
	if len(b) == 0 || string(b) == "null" {
		return nil, nil
	}
	var h Header
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, err
	}
	if h == (Header{}) {
		return nil, nil
	}
	return &h, nil
}

// NewID returns a random message or session id (a UUID 4 in hex form).
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// NewMessage builds a message of msgType on channel ch whose content is the
// JSON encoding of content (nil means {}). A non-nil parent makes it a child
// of that message: its header becomes the parent header and, for replies on
// ZMQ, its identities are copied. session names the sender (a kernel's
// session id, or a client's).
func NewMessage(ch Channel, msgType string, parent *Message, session string, content any) (*Message, error) {
	m := &Message{
		Channel: ch,
		Header: Header{
			MsgID:    NewID(),
			Session:  session,
			Username: "kernel",
			Date:     time.Now().UTC().Truncate(time.Microsecond),
			MsgType:  msgType,
			Version:  ProtocolVersion,
		},
		Metadata: map[string]any{},
	}
	if parent != nil {
		ph := parent.Header
		m.ParentHeader = &ph
		if ch == Shell || ch == Control || ch == Stdin {
			m.Identities = parent.Identities
		}
	}
	if content == nil {
		m.Content = json.RawMessage("{}")
	} else {
		b, err := json.Marshal(content)
		if err != nil {
			return nil, fmt.Errorf("encode %s content: %w", msgType, err)
		}
		m.Content = b
	}
	return m, nil
}

// DecodeContent decodes the message content into v (a pointer to one of the
// content types of this package, or any JSON target).
func (m *Message) DecodeContent(v any) error {
	c := m.Content
	if len(c) == 0 {
		c = json.RawMessage("{}")
	}
	if err := json.Unmarshal(c, v); err != nil {
		return fmt.Errorf("decode %s content: %w: %v", m.Header.MsgType, ErrMalformed, err)
	}
	return nil
}

// ReplyType returns the reply type for a request type ("execute_request" →
// "execute_reply"), or "" if msgType is not a request.
func ReplyType(msgType string) string {
	if base, ok := strings.CutSuffix(msgType, "_request"); ok && base != "" {
		return base + "_reply"
	}
	return ""
}

// ParentSession returns the session of the parent header, "" if none. The
// notebook server uses it to route shell replies to the tab that asked.
func (m *Message) ParentSession() string {
	if m.ParentHeader == nil {
		return ""
	}
	return m.ParentHeader.Session
}

// ParentID returns the parent's msg_id, "" if none.
func (m *Message) ParentID() string {
	if m.ParentHeader == nil {
		return ""
	}
	return m.ParentHeader.MsgID
}
