package runner

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"os"
	"testing"

	"tandem.dev/tandem/kernel/notebook"
)

func TestTranscript(t *testing.T) {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 5, 3)))
	img := base64.StdEncoding.EncodeToString(buf.Bytes())
	one, two := 1, 2
	nb := notebook.New()
	nb.Cells = []*notebook.Cell{
		{Type: "markdown", Source: "# T"},
		{Type: "code", Source: "a()", ExecutionCount: &one, Outputs: []map[string]any{
			{"output_type": "stream", "name": "stdout", "text": "10%\r50%\repoch 1 took 12.5ms\r\nloss \x1b[1m0.69\x1b[0m at 0xc000123456\n"},
			{"output_type": "stream", "name": "stderr", "text": "wrote " + os.TempDir() + "/run123/x.csv\n"},
			{"output_type": "display_data", "data": map[string]any{"image/png": img, "text/plain": "plot"}},
			{"output_type": "execute_result", "data": map[string]any{"text/html": "<b>x</b>", "text/plain": "x (1m30s)"}},
		}},
		{Type: "code", Source: "  "},
		{Type: "code", Source: "b()", ExecutionCount: &two, Outputs: []map[string]any{
			{"output_type": "error", "ename": "Panic", "evalue": "boom", "traceback": []any{"Panic: boom", "  at cell [2], line 1"}},
		}},
		{Type: "code", Source: "c()"},
	}
	want := `## cell 2 ok
stdout: epoch 1 took <dur>
stdout: loss 0.69 at <addr>
stderr: wrote <tmp>
image/png: 5x3
text/plain: plot
text/plain: x (<dur>)
## cell 4 error
error: Panic: boom
traceback:   at cell [2], line 1
## cell 5 not run
`
	if got := Transcript(nb, TranscriptOptions{}); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	got := Transcript(nb, TranscriptOptions{Keep: true, Image: func(cell, k int, mime string, data []byte) string {
		if cell != 2 || k != 3 || mime != "image/png" || !bytes.Equal(data, buf.Bytes()) {
			t.Errorf("Image(%d, %d, %s, %d bytes)", cell, k, mime, len(data))
		}
		return "testdata/plot_golden.png"
	}})
	if !bytes.Contains([]byte(got), []byte("image/png: testdata/plot_golden.png\n")) || !bytes.Contains([]byte(got), []byte("took 12.5ms")) {
		t.Errorf("with options:\n%s", got)
	}
}

func TestPlaceholders(t *testing.T) {
	for i, test := range []struct{ in, want string }{
		{"1.5s 200ms 3µs 1h2m3s 7ns", "<dur> <dur> <dur> <dur> <dur>"},
		{"x2s 5 seconds v1.2", "x2s 5 seconds v1.2"},
		{"ptr 0xc00001a2b0 and 0x1f", "ptr <addr> and 0x1f"},
	} {
		if got := Placeholders(test.in); got != test.want {
			t.Errorf("%d: got: %q want: %q", i, got, test.want)
		}
	}
}
