package jupyter

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func loadMessages(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/messages/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata messages: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// sameMessage compares two messages as the protocol sees them: content as
// compact JSON, empty and nil buffers alike.
func sameMessage(a, b *Message) bool {
	var ca, cb any
	if json.Unmarshal(a.Content, &ca) != nil || json.Unmarshal(b.Content, &cb) != nil || !reflect.DeepEqual(ca, cb) {
		return false
	}
	if a.Channel != b.Channel || a.Header != b.Header {
		return false
	}
	if (a.ParentHeader == nil) != (b.ParentHeader == nil) || a.ParentHeader != nil && *a.ParentHeader != *b.ParentHeader {
		return false
	}
	if !reflect.DeepEqual(a.Metadata, b.Metadata) || len(a.Buffers) != len(b.Buffers) || len(a.Identities) != len(b.Identities) {
		return false
	}
	for i := range a.Buffers {
		if !bytes.Equal(a.Buffers[i], b.Buffers[i]) {
			return false
		}
	}
	for i := range a.Identities {
		if !bytes.Equal(a.Identities[i], b.Identities[i]) {
			return false
		}
	}
	return true
}

func TestCodec_RoundTrip(t *testing.T) {
	codec, err := NewCodec("hmac-sha256", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range loadMessages(t) {
		t.Run(name, func(t *testing.T) {
			var m Message
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			m.Identities = [][]byte{[]byte("client-1")}
			frames, err := codec.Encode(&m)
			if err != nil {
				t.Fatal(err)
			}
			if string(frames[1]) != Delimiter || len(frames[2]) != 64 {
				t.Fatalf("frames: delimiter %q, signature %q", frames[1], frames[2])
			}
			got, err := codec.Decode(frames)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			got.Channel = m.Channel
			if !sameMessage(got, &m) {
				t.Errorf("got: %+v\nwant: %+v", got, &m)
			}
			// And the JSON form of the WebSocket.
			j, err := json.Marshal(&m)
			if err != nil {
				t.Fatal(err)
			}
			var back Message
			if err := json.Unmarshal(j, &back); err != nil {
				t.Fatalf("unmarshal %s: %v", j, err)
			}
			back.Identities = m.Identities
			if !sameMessage(&back, &m) {
				t.Errorf("json round trip: got: %+v\nwant: %+v", &back, &m)
			}
		})
	}
}

func TestCodec_ParentHeader(t *testing.T) {
	var c Codec
	m, err := NewMessage(Shell, "kernel_info_request", nil, "s", nil)
	if err != nil {
		t.Fatal(err)
	}
	frames, err := c.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if string(frames[3]) != "{}" {
		t.Errorf("nil parent_header encoded as %s, want {}", frames[3])
	}
	got, err := c.Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	if got.ParentHeader != nil {
		t.Errorf("{} decoded as %+v, want nil", got.ParentHeader)
	}
	j, _ := json.Marshal(m)
	if !strings.Contains(string(j), `"parent_header":{}`) {
		t.Errorf("json form %s: want parent_header {}", j)
	}
}

func TestCodec_Errors(t *testing.T) {
	signed, _ := NewCodec("hmac-sha256", []byte("key"))
	other, _ := NewCodec("", []byte("other key"))
	var unsigned Codec
	m, _ := NewMessage(Shell, "execute_request", nil, "s", ExecuteRequest{Code: "1+1"})
	good, err := signed.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	byOther, _ := other.Encode(m)
	byNobody, _ := unsigned.Encode(m)
	tamper := func(i int, s string) [][]byte {
		f := append([][]byte(nil), good...)
		f[i] = []byte(s)
		return f
	}
	small := &Codec{key: []byte("key"), MaxMessage: 100}
	for i, test := range []struct {
		name   string
		codec  *Codec
		frames [][]byte
		want   error
	}{
		{"bad signature", signed, byOther, ErrSignature},
		{"unsigned", signed, byNobody, ErrSignature},
		{"tampered content", signed, tamper(5, `{"code":"os.Exit(1)"}`), ErrSignature},
		{"no delimiter", signed, good[1:], ErrMalformed},
		{"too few parts", signed, good[:4], ErrMalformed},
		{"empty", signed, nil, ErrMalformed},
		{"header not json", &unsigned, tamper(2, "{"), ErrMalformed},
		{"no msg_type", &unsigned, tamper(2, `{"msg_id":"x"}`), ErrMalformed},
		{"content not object", &unsigned, tamper(5, `[1]`), ErrMalformed},
		{"metadata not object", &unsigned, tamper(4, `"x"`), ErrMalformed},
		{"parent not object", &unsigned, tamper(3, `7`), ErrMalformed},
		{"too large", small, good, ErrTooLarge},
		{"too many parts", &Codec{MaxParts: 3}, good, ErrTooLarge},
	} {
		_, err := test.codec.Decode(test.frames)
		if !errors.Is(err, test.want) {
			t.Errorf("%d %s: got: %v want: %v", i, test.name, err, test.want)
		}
	}
	if _, err := signed.Decode(good); err != nil {
		t.Errorf("good message: %v", err)
	}
	if _, err := NewCodec("hmac-md5", nil); err == nil {
		t.Error("hmac-md5 accepted")
	}
}

func TestHeader_Date(t *testing.T) {
	for _, test := range []struct{ in, out string }{
		{`"2026-11-28T22:00:00.123456Z"`, `2026-11-28T22:00:00.123456Z`},
		{`"2026-11-28T23:00:00.123456+01:00"`, `2026-11-28T22:00:00.123456Z`},
		{`"2026-11-28T22:00:00.123456"`, `2026-11-28T22:00:00.123456Z`},
		{`""`, ``},
		{`"yesterday"`, ``},
		{`1764367200.5`, `2025-11-28T22:00:00.500000Z`},
		{`null`, ``},
		{`{"x":1}`, ``},
	} {
		var h Header
		if err := json.Unmarshal([]byte(`{"msg_type":"x","date":`+test.in+`}`), &h); err != nil {
			t.Fatalf("%s: %v", test.in, err)
		}
		b, _ := json.Marshal(h)
		if !strings.Contains(string(b), `"date":"`+test.out+`"`) {
			t.Errorf("%s: got: %s want date %q", test.in, b, test.out)
		}
	}
}

// FuzzDecode checks that decoding never panics and that what decodes
// round-trips, for the wire form (inside a stdio frame) and the JSON form.
func FuzzDecode(f *testing.F) {
	var c Codec
	for _, b := range loadMessages(f) {
		f.Add(b)
		var m Message
		if err := json.Unmarshal(b, &m); err != nil {
			f.Fatal(err)
		}
		frames, _ := c.Encode(&m)
		var buf bytes.Buffer
		_ = WriteFrame(&buf, string(m.Channel), frames)
		f.Add(buf.Bytes())
	}
	signed, _ := NewCodec("", []byte("k"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// JSON form.
		var m Message
		if err := json.Unmarshal(data, &m); err == nil {
			j, err := json.Marshal(&m)
			if err != nil {
				t.Fatalf("marshal decoded message: %v", err)
			}
			var back Message
			if err := json.Unmarshal(j, &back); err != nil {
				t.Fatalf("unmarshal %s: %v", j, err)
			}
			if !sameMessage(&m, &back) {
				t.Fatalf("json round trip:\n%+v\n%+v", &m, &back)
			}
		}
		// Wire form.
		parts, err := ReadFrame(bytes.NewReader(data), &Codec{MaxMessage: 1 << 20})
		if err != nil {
			return
		}
		_, _ = signed.Decode(parts)
		got, err := c.Decode(parts)
		if err != nil {
			return
		}
		frames, err := c.Encode(got)
		if err != nil {
			t.Fatalf("encode decoded message: %v", err)
		}
		again, err := c.Decode(frames)
		if err != nil {
			t.Fatalf("decode re-encoded message: %v", err)
		}
		if !sameMessage(got, again) {
			t.Fatalf("wire round trip:\n%+v\n%+v", got, again)
		}
	})
}

func TestStdio(t *testing.T) {
	var buf bytes.Buffer
	w := NewStdio(strings.NewReader(""), &buf, nil, nil)
	m1, _ := NewMessage(IOPub, "stream", nil, "k", Stream{Name: "stdout", Text: "hi"})
	big, _ := NewMessage(IOPub, "stream", nil, "k", Stream{Name: "stdout", Text: strings.Repeat("x", 5000)})
	m2, _ := NewMessage(Shell, "execute_reply", m1, "k", ExecuteReply{Status: "ok", ExecutionCount: 1})
	for _, m := range []*Message{m1, big, m2} {
		if err := w.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	buf.WriteString("garbage")
	r := NewStdio(&buf, io_discard{}, &Codec{MaxMessage: 4096}, nil)
	got1, err := r.Recv()
	if err != nil || !sameMessage(got1, m1) {
		t.Fatalf("first: %v %+v", err, got1)
	}
	// big is skipped (too large), and the stream stays in step.
	got2, err := r.Recv()
	if err != nil || !sameMessage(got2, m2) {
		t.Fatalf("second: %v %+v", err, got2)
	}
	if _, err := r.Recv(); !errors.Is(err, ErrFrame) {
		t.Fatalf("garbage: got: %v want: %v", err, ErrFrame)
	}
	if err := w.Send(&Message{Header: Header{MsgType: "x"}}); err == nil {
		t.Error("message without channel sent")
	}
}

type io_discard struct{}

func (io_discard) Write(p []byte) (int, error) { return len(p), nil }

func TestByteOffset(t *testing.T) {
	code := "a🐹é\nb" // a(1) 🐹(4 bytes, 2 units) é(2 bytes, 1 unit) \n b
	for i, test := range []struct{ units, bytes int }{
		{0, 0}, {1, 1}, {3, 5}, {4, 7}, {5, 8}, {6, 9}, {99, 9}, {-1, 0},
		{2, 1}, // inside the surrogate pair: start of the character
	} {
		if got := ByteOffset(code, test.units); got != test.bytes {
			t.Errorf("%d ByteOffset(%d): got: %d want: %d", i, test.units, got, test.bytes)
		}
	}
	for i, test := range []struct{ bytes, units int }{
		{0, 0}, {1, 1}, {5, 3}, {7, 4}, {9, 6}, {100, 6}, {3, 1},
	} {
		if got := UTF16Offset(code, test.bytes); got != test.units {
			t.Errorf("%d UTF16Offset(%d): got: %d want: %d", i, test.bytes, got, test.units)
		}
	}
}
