package jupyter

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"
)

// Delimiter separates the ZMQ routing identities from the message parts.
const Delimiter = "<IDS|MSG>"

// Default limits of a Codec with zero-valued limits.
const (
	DefaultMaxMessage = 256 << 20 // bytes of all parts together
	DefaultMaxParts   = 1024      // identities + parts + buffers
)

// Errors of Decode. Each returned error wraps exactly one of them.
var (
	// ErrMalformed means the frames are not a Jupyter message: no
	// delimiter, too few parts, or a part that is not the JSON it must be.
	ErrMalformed = errors.New("malformed message")
	// ErrSignature means the codec has a key and the signature is missing
	// or does not match.
	ErrSignature = errors.New("invalid message signature")
	// ErrTooLarge means the message exceeds the codec's size or part limit.
	ErrTooLarge = errors.New("message too large")
)

// Codec encodes and decodes the multipart wire form of messages. The zero
// Codec neither signs nor checks signatures (as Jupyter does with an empty
// key). A Codec is safe for concurrent use.
type Codec struct {
	key        []byte
	pool       sync.Pool // of hash.Hash
	MaxMessage int       // bytes; 0 means DefaultMaxMessage
	MaxParts   int       // 0 means DefaultMaxParts
}

// NewCodec returns a codec signing with HMAC-SHA256 under key; an empty key
// disables signing. scheme is the connection file's signature_scheme: ""
// and "hmac-sha256" are accepted, anything else is an error.
func NewCodec(scheme string, key []byte) (*Codec, error) {
	if scheme != "" && scheme != "hmac-sha256" {
		return nil, fmt.Errorf("signature scheme %q: only hmac-sha256 is supported", scheme)
	}
	c := &Codec{key: append([]byte(nil), key...)}
	return c, nil
}

// Signed reports whether the codec signs and checks signatures.
func (c *Codec) Signed() bool { return c != nil && len(c.key) > 0 }

func (c *Codec) mac() hash.Hash {
	if h, ok := c.pool.Get().(hash.Hash); ok {
		h.Reset()
		return h
	}
	return hmac.New(sha256.New, c.key)
}

// sign returns the hex signature of the four JSON parts ("" when unsigned).
func (c *Codec) sign(parts [4][]byte) []byte {
	if !c.Signed() {
		return nil
	}
	h := c.mac()
	for _, p := range parts {
		h.Write(p)
	}
	var sum [sha256.Size]byte
	out := make([]byte, hex.EncodedLen(sha256.Size))
	hex.Encode(out, h.Sum(sum[:0]))
	c.pool.Put(h)
	return out
}

func (c *Codec) limits() (size, parts int) {
	size, parts = DefaultMaxMessage, DefaultMaxParts
	if c != nil && c.MaxMessage > 0 {
		size = c.MaxMessage
	}
	if c != nil && c.MaxParts > 0 {
		parts = c.MaxParts
	}
	return size, parts
}

var emptyObject = []byte("{}")

// Encode returns the wire frames of m: its identities, the delimiter, the
// signature, header, parent_header, metadata, content and buffers.
func (c *Codec) Encode(m *Message) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	parent := emptyObject
	if m.ParentHeader != nil {
		if parent, err = json.Marshal(m.ParentHeader); err != nil {
			return nil, fmt.Errorf("encode parent header: %w", err)
		}
	}
	metadata := emptyObject
	if len(m.Metadata) > 0 {
		if metadata, err = json.Marshal(m.Metadata); err != nil {
			return nil, fmt.Errorf("encode metadata: %w", err)
		}
	}
	content := []byte(m.Content)
	if len(bytes.TrimSpace(content)) == 0 {
		content = emptyObject
	}
	parts := [4][]byte{header, parent, metadata, content}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, []byte(Delimiter), c.sign(parts))
	frames = append(frames, parts[:]...)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

// Decode parses wire frames into a message. The frames' bytes are not
// retained except for identities, content and buffers, which alias them.
func (c *Codec) Decode(frames [][]byte) (*Message, error) {
	maxSize, maxParts := c.limits()
	if len(frames) > maxParts {
		return nil, fmt.Errorf("decode message: %d parts: %w", len(frames), ErrTooLarge)
	}
	size := 0
	for _, f := range frames {
		size += len(f)
	}
	if size > maxSize {
		return nil, fmt.Errorf("decode message: %d bytes: %w", size, ErrTooLarge)
	}
	delim := -1
	for i, f := range frames {
		if string(f) == Delimiter {
			delim = i
			break
		}
	}
	if delim < 0 {
		return nil, fmt.Errorf("decode message: no %s delimiter: %w", Delimiter, ErrMalformed)
	}
	rest := frames[delim+1:]
	if len(rest) < 5 {
		return nil, fmt.Errorf("decode message: %d parts after the delimiter, want at least 5: %w", len(rest), ErrMalformed)
	}
	parts := [4][]byte{rest[1], rest[2], rest[3], rest[4]}
	if c.Signed() {
		want := c.sign(parts)
		if subtle.ConstantTimeCompare(want, rest[0]) != 1 {
			return nil, fmt.Errorf("decode message: %w", ErrSignature)
		}
	}
	m := &Message{}
	if delim > 0 {
		m.Identities = frames[:delim:delim]
	}
	if err := json.Unmarshal(parts[0], &m.Header); err != nil {
		return nil, fmt.Errorf("decode header: %w: %v", ErrMalformed, err)
	}
	if m.Header.MsgType == "" {
		return nil, fmt.Errorf("decode header: no msg_type: %w", ErrMalformed)
	}
	ph, err := decodeParent(parts[1])
	if err != nil {
		return nil, fmt.Errorf("decode parent header: %w: %v", ErrMalformed, err)
	}
	m.ParentHeader = ph
	if err := json.Unmarshal(parts[2], &m.Metadata); err != nil {
		return nil, fmt.Errorf("decode metadata: %w: %v", ErrMalformed, err)
	}
	if m.Metadata == nil {
		m.Metadata = map[string]any{}
	}
	if !isObject(parts[3]) {
		return nil, fmt.Errorf("decode content: not a JSON object: %w", ErrMalformed)
	}
	m.Content = json.RawMessage(parts[3])
	if len(rest) > 5 {
		m.Buffers = rest[5:]
	}
	return m, nil
}

// isObject reports whether b is one valid JSON object.
func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) >= 2 && b[0] == '{' && json.Valid(b)
}
