// Package jupyter implements the Jupyter messaging protocol 5.3: message
// types, HMAC-SHA256 signing, and the ZMQ and stdio transports. It never
// imports the interpreter: the server uses it to talk to kernel processes.
//
// # Messages and the wire
//
// A Message is the decoded form of one Jupyter message. Codec turns it into
// the multipart wire form and back:
//
//	identities… "<IDS|MSG>" signature header parent_header metadata content buffers…
//
// The signature is the hex HMAC-SHA256 of the four JSON parts, checked in
// constant time when the codec has a key. A nil ParentHeader is written as
// {} and {} decodes to nil. Decode never panics: malformed, oversized,
// unsigned or badly signed input is an error wrapping one of the Err*
// sentinels.
//
// # Transports
//
// A Transport moves messages for one kernel: ZMQ (NewZMQ, from a connection
// file, for any Jupyter client) or a pipe pair (NewStdio, the link between
// kernel/supervisor and `tandem kernel --stdio`), which carries the channel
// with each message.
//
// # Serving a kernel
//
// Dispatcher serves the requests of Jupyter clients over a Transport and
// hands the language work to a Backend (kernel/host adapts kernel.Session to
// it). Backend positions are byte offsets; the Dispatcher converts Jupyter's
// cursor_pos (UTF-16 code units since protocol 5.2) both ways.
package jupyter

// BUG(jupyter): zmq4 allocates each frame at the length its peer announces
// before Codec's size limit applies, so a local client can make the kernel
// allocate a huge frame. The sockets bind to the connection file's address
// (loopback for every Jupyter client) and the key keeps strangers' messages
// out, but not their frame headers.

// BUG(jupyter): a silent execute_request (or one with store_history false)
// advances the execution count when the Backend reports one, as
// kernel.Session does (it has no silent mode); Jupyter leaves the count
// alone. Its execute_input and execute_result are not published.
