// Package jupyter implements the Jupyter messaging protocol 5.3: message
// types, HMAC-SHA256 signing, and the ZMQ and stdio transports. It never
// imports the interpreter: the server uses it to talk to kernel processes.
package jupyter

import (
	"encoding/json"
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

// Header is a message header (also used as parent_header).
type Header struct {
	MsgID    string    `json:"msg_id"`
	Session  string    `json:"session"`
	Username string    `json:"username"`
	Date     time.Time `json:"date"`
	MsgType  string    `json:"msg_type"`
	Version  string    `json:"version"`
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
