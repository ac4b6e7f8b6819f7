// Command serverbench measures a running Jupyter-compatible notebook server
// from outside, the same way for Tandem (`tandem serve`) and for Jupyter
// Server, for `make bench` (bench/server.bench.sh):
//
//   - execute `1+1` through the kernel's WebSocket (/api/kernels/{id}/channels),
//     from sending execute_request until both execute_reply and status idle
//     have arrived: median and p99;
//   - saving (PUT) and opening (GET) a notebook of 10 → 10⁴ cells through the
//     contents API (/api/contents), a growth series.
//
// Samples are benchreport JSON lines on stdout with -impl as implementation.
//
//	serverbench -base http://127.0.0.1:8888 -token T -impl tandem -kernel tandem
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/coder/websocket"
)

var (
	base    = flag.String("base", "", "server URL, http://host:port")
	token   = flag.String("token", "", "the server's token")
	impl    = flag.String("impl", "tandem", "implementation name in the samples")
	kernel  = flag.String("kernel", "tandem", "kernel name to start for the round trip (\"\": skip it)")
	calls   = flag.Int("calls", 300, "round trips to time")
	cellsF  = flag.String("cells", "10,100,1000,10000", "notebook sizes for open and save (\"\": skip)")
	minTime = flag.Duration("mintime", 300*time.Millisecond, "time each open and save at least this long")
)

type sample struct {
	Group  string  `json:"group"`
	Figure string  `json:"figure"`
	Impl   string  `json:"impl"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Better string  `json:"better"`
	Note   string  `json:"note,omitempty"`
	Series string  `json:"series,omitempty"`
	N      float64 `json:"n,omitempty"`
}

func emit(s sample) {
	s.Impl = *impl
	b, _ := json.Marshal(s)
	fmt.Println(string(b))
}

func main() {
	flag.Parse()
	if *base == "" {
		fmt.Fprintln(os.Stderr, "serverbench: -base is required")
		os.Exit(2)
	}
	failed := false
	if *kernel != "" {
		if err := roundTrips(); err != nil {
			fmt.Fprintf(os.Stderr, "serverbench: %s round trip: %v\n", *impl, err)
			fmt.Printf("MISSING %s (server round trip): %v\n", *impl, err)
			failed = true
		}
	}
	if *cellsF != "" {
		if err := contents(); err != nil {
			fmt.Fprintf(os.Stderr, "serverbench: %s contents: %v\n", *impl, err)
			fmt.Printf("MISSING %s (notebook open and save): %v\n", *impl, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

var client = &http.Client{Timeout: 5 * time.Minute}

func do(method, path string, body []byte) ([]byte, int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, *base+path, rd)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Authorization", "token "+*token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode/100 != 2 {
		return b, resp.StatusCode, fmt.Errorf("%s %s: %d %.200s", method, path, resp.StatusCode, b)
	}
	return b, resp.StatusCode, nil
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// message is a Jupyter message as the WebSocket carries it (JSON, with its
// channel).
type message struct {
	Channel      string         `json:"channel"`
	Header       map[string]any `json:"header"`
	ParentHeader map[string]any `json:"parent_header"`
	Metadata     map[string]any `json:"metadata"`
	Content      map[string]any `json:"content"`
	Buffers      []any          `json:"buffers,omitempty"`
}

func request(session, msgType string, content map[string]any) (message, string) {
	id := newID()
	return message{Channel: "shell", Header: map[string]any{"msg_id": id, "msg_type": msgType, "session": session,
		"username": "bench", "date": time.Now().UTC().Format(time.RFC3339Nano), "version": "5.3"},
		ParentHeader: map[string]any{}, Metadata: map[string]any{}, Content: content}, id
}

// exchange sends a request and reads until its shell reply and its status
// idle have both arrived; it returns the reply's content.
func exchange(ctx context.Context, c *websocket.Conn, session, msgType string, content map[string]any) (map[string]any, error) {
	m, id := request(session, msgType, content)
	b, _ := json.Marshal(m)
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		return nil, err
	}
	var reply map[string]any
	idle := false
	for reply == nil || !idle {
		_, b, err := c.Read(ctx)
		if err != nil {
			return nil, err
		}
		var in message
		if err := json.Unmarshal(b, &in); err != nil {
			return nil, fmt.Errorf("decode %.200s: %w", b, err)
		}
		if in.ParentHeader["msg_id"] != id {
			continue
		}
		switch t, _ := in.Header["msg_type"].(string); {
		case in.Channel == "shell" && strings.HasSuffix(t, "_reply"):
			reply = in.Content
		case t == "status" && in.Content["execution_state"] == "idle":
			idle = true
		}
	}
	return reply, nil
}

func roundTrips() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	b, _, err := do("POST", "/api/kernels", []byte(fmt.Sprintf(`{"name":%q}`, *kernel)))
	if err != nil {
		return err
	}
	var k struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &k); err != nil || k.ID == "" {
		return fmt.Errorf("start kernel: %.200s", b)
	}
	defer do("DELETE", "/api/kernels/"+k.ID, nil)
	session := newID()
	ws := "ws" + strings.TrimPrefix(*base, "http") + "/api/kernels/" + k.ID + "/channels?session_id=" + session
	c, _, err := websocket.Dial(ctx, ws, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"token " + *token}}})
	if err != nil {
		return err
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 20)
	// The kernel answers kernel_info once it is up.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		tctx, tcancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := exchange(tctx, c, session, "kernel_info_request", map[string]any{})
		tcancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kernel not ready: %w", err)
		}
		c.CloseNow()
		if c, _, err = websocket.Dial(ctx, ws, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"token " + *token}}}); err != nil {
			return err
		}
		c.SetReadLimit(64 << 20)
	}
	exec := map[string]any{"code": "1+1", "silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": false, "stop_on_error": true}
	for range 5 {
		if _, err := exchange(ctx, c, session, "execute_request", exec); err != nil {
			return err
		}
	}
	times := make([]float64, 0, *calls)
	for range *calls {
		start := time.Now()
		reply, err := exchange(ctx, c, session, "execute_request", exec)
		if err != nil {
			return err
		}
		if reply["status"] != "ok" {
			return fmt.Errorf("1+1: %v", reply)
		}
		times = append(times, float64(time.Since(start).Microseconds())/1000)
	}
	sort.Float64s(times)
	med, p99 := times[len(times)/2], times[min(len(times)-1, len(times)*99/100)]
	fmt.Fprintf(os.Stderr, "serverbench: %s: 1+1 through the WebSocket median %.3f ms, p99 %.3f ms\n", *impl, med, p99)
	note := fmt.Sprintf("kernel %s, n=%d, Go WebSocket client", *kernel, len(times))
	emit(sample{Group: "server", Figure: "execute 1+1 through the WebSocket to a running server, until reply and idle, median", Value: med, Unit: "ms", Better: "lower", Note: note})
	emit(sample{Group: "server", Figure: "execute 1+1 through the WebSocket to a running server, until reply and idle, p99", Value: p99, Unit: "ms", Better: "lower", Note: note})
	return nil
}

func measure(f func() error) (time.Duration, error) {
	start := time.Now()
	if err := f(); err != nil {
		return 0, err
	}
	if first := time.Since(start); first >= *minTime {
		return first, nil
	}
	n := 0
	start = time.Now()
	for time.Since(start) < *minTime || n == 0 {
		if err := f(); err != nil {
			return 0, err
		}
		n++
	}
	return time.Since(start) / time.Duration(n), nil
}

func contents() error {
	var sizes []int
	for _, s := range strings.Split(*cellsF, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(s), &n); err != nil || n <= 0 {
			return fmt.Errorf("bad -cells %q", *cellsF)
		}
		sizes = append(sizes, n)
	}
	dir := "bench-" + newID()[:8]
	if _, _, err := do("PUT", "/api/contents/"+dir, []byte(`{"type":"directory"}`)); err != nil {
		return err
	}
	defer do("DELETE", "/api/contents/"+dir, nil)
	for _, n := range sizes {
		path := "/api/contents/" + dir + fmt.Sprintf("/nb%d.ipynb", n)
		body, _ := json.Marshal(map[string]any{"type": "notebook", "format": "json", "content": notebook(n)})
		save, err := measure(func() error { _, _, err := do("PUT", path, body); return err })
		if err != nil {
			return err
		}
		size := 0
		open, err := measure(func() error {
			b, _, err := do("GET", path+"?content=1", nil)
			size = len(b)
			return err
		})
		if err != nil {
			return err
		}
		defer do("DELETE", path, nil)
		fmt.Fprintf(os.Stderr, "serverbench: %s: %d cells (%d bytes): open %.3f ms, save %.3f ms\n", *impl, n, size, ms(open), ms(save))
		note := "loopback HTTP, Go client"
		emit(sample{Group: "scale", Figure: fmt.Sprintf("open a notebook of %s cells (contents API)", count(n)), Value: ms(open), Unit: "ms", Better: "lower",
			Note: note, Series: "notebook open (cells)", N: float64(n)})
		emit(sample{Group: "scale", Figure: fmt.Sprintf("save a notebook of %s cells (contents API)", count(n)), Value: ms(save), Unit: "ms", Better: "lower",
			Note: note, Series: "notebook save (cells)", N: float64(n)})
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// notebook is an nbformat 4.5 notebook of n code cells of a few lines, each
// with a stream and a result output (kernel/server's benchmark shape).
func notebook(n int) map[string]any {
	cells := make([]any, n)
	for i := range n {
		c := i + 1
		cells[i] = map[string]any{"id": fmt.Sprintf("c%d", i), "cell_type": "code", "execution_count": c, "metadata": map[string]any{},
			"source": fmt.Sprintf("x%d := %d\nfor i := 0; i < 3; i++ {\n\tfmt.Println(i, x%d)\n}\nx%d * 2", i, i, i, i),
			"outputs": []any{
				map[string]any{"output_type": "stream", "name": "stdout", "text": "0 1\n1 1\n2 1\n"},
				map[string]any{"output_type": "execute_result", "execution_count": c, "metadata": map[string]any{}, "data": map[string]any{"text/plain": fmt.Sprint(i * 2)}},
			}}
	}
	return map[string]any{"nbformat": 4, "nbformat_minor": 5, "cells": cells, "metadata": map[string]any{
		"kernelspec":    map[string]any{"name": "tandem", "display_name": "Go (Tandem)", "language": "go"},
		"language_info": map[string]any{"name": "go"}}}
}

func count(n int) string {
	switch n {
	case 10:
		return "10"
	case 100:
		return "10²"
	case 1000:
		return "10³"
	case 10000:
		return "10⁴"
	case 100000:
		return "10⁵"
	}
	return fmt.Sprint(n)
}
