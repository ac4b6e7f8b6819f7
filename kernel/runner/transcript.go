package runner

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/gif"  // image.DecodeConfig of GIF outputs
	_ "image/jpeg" // and JPEG
	_ "image/png"  // and PNG
	"os"
	"regexp"
	"sort"
	"strings"

	"tandem.dev/tandem/kernel/notebook"
)

// TranscriptOptions configure Transcript.
type TranscriptOptions struct {
	// Image returns the transcript text for an image output (the k-th
	// output, 1-based, of notebook cell cell, 1-based), such as the golden
	// file it was compared with. Nil: its size, "640x480".
	Image func(cell, k int, mime string, data []byte) string
	// Keep disables the placeholders (durations, addresses, temp paths).
	Keep bool
}

// Transcript is the text form of a run's outputs that golden files hold
// (STYLE.md, "Notebook goldens"): one block per code cell,
//
//	## cell 3 ok
//	stdout: epoch 1  loss 0.6931
//	text/plain: tensor.Dense [2 3]
//	image/png: 640x480
//
// with "error" or "not run" for the status. Each line of text is prefixed
// by its stream or MIME type (ANSI escapes removed); a bundle shows its richest text form and its
// images. Durations, pointer addresses and temporary paths are replaced by
// <dur>, <addr> and <tmp> so that a transcript is the same run after run.
func Transcript(nb *notebook.Notebook, opts TranscriptOptions) string {
	var b strings.Builder
	for i, c := range nb.Cells {
		if c.Type != "code" || strings.TrimSpace(c.Source) == "" {
			continue
		}
		status := "ok"
		if c.ExecutionCount == nil && len(c.Outputs) == 0 {
			status = "not run"
		}
		for _, o := range c.Outputs {
			if o["output_type"] == "error" {
				status = "error"
			}
		}
		fmt.Fprintf(&b, "## cell %d %s\n", i+1, status)
		for k, o := range c.Outputs {
			switch o["output_type"] {
			case "stream":
				lines(&b, fmt.Sprint(o["name"]), fmt.Sprint(o["text"]))
			case "error":
				lines(&b, "error", fmt.Sprintf("%v: %v", o["ename"], o["evalue"]))
				tb, _ := o["traceback"].([]any)
				for j, l := range tb {
					if j == 0 && fmt.Sprint(l) == fmt.Sprintf("%v: %v", o["ename"], o["evalue"]) {
						continue
					}
					lines(&b, "traceback", fmt.Sprint(l))
				}
			default:
				data, _ := o["data"].(map[string]any)
				bundle(&b, data, i+1, k+1, opts)
			}
		}
	}
	s := b.String()
	if !opts.Keep {
		s = Placeholders(s)
	}
	return s
}

// textMIMEs are the text forms of a bundle, richest first: the first one
// present is written.
var textMIMEs = []string{"text/markdown", "text/latex", "text/plain", "text/html", "application/json"}

func bundle(b *strings.Builder, data map[string]any, cell, k int, opts TranscriptOptions) {
	var mimes []string
	for m := range data {
		mimes = append(mimes, m)
	}
	sort.Strings(mimes)
	for _, m := range mimes {
		if !strings.HasPrefix(m, "image/") {
			continue
		}
		s, _ := data[m].(string)
		var raw []byte
		if m == "image/svg+xml" {
			raw = []byte(s)
		} else {
			raw, _ = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		}
		desc := ""
		if opts.Image != nil {
			desc = opts.Image(cell, k, m, raw)
		} else if cfg, _, err := image.DecodeConfig(bytes.NewReader(raw)); err == nil {
			desc = fmt.Sprintf("%dx%d", cfg.Width, cfg.Height)
		} else {
			desc = fmt.Sprintf("%d bytes", len(raw))
		}
		fmt.Fprintf(b, "%s: %s\n", m, desc)
	}
	for _, m := range textMIMEs {
		if v, ok := data[m]; ok {
			s, isStr := v.(string)
			if !isStr {
				s = fmt.Sprint(v)
			}
			lines(b, m, s)
			return
		}
	}
	if v, ok := data["application/vnd.jupyter.widget-view+json"]; ok {
		fmt.Fprintf(b, "widget: %v\n", v)
	}
}

func lines(b *strings.Builder, prefix, text string) {
	text = ansiRe.ReplaceAllString(strings.TrimSuffix(text, "\n"), "")
	for _, l := range strings.Split(text, "\n") {
		// What a terminal shows: the text after the last carriage return.
		l = strings.TrimRight(l, " \t\r")
		if j := strings.LastIndexByte(l, '\r'); j >= 0 {
			l = l[j+1:]
		}
		b.WriteString(prefix + ": " + l + "\n")
	}
}

var (
	ansiRe = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")
	durRe  = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|us|ms|s|m|h)(\d+(\.\d+)?(ns|µs|us|ms|s|m|h))*\b`)
	addrRe = regexp.MustCompile(`\b0x[0-9a-f]{6,16}\b`)
)

// Placeholders replaces durations (1.5s, 12ms, 1m30s), pointer addresses
// (0xc000123456) and paths in the temporary folder by <dur>, <addr> and
// <tmp>.
func Placeholders(s string) string {
	if tmp := os.TempDir(); tmp != "" && tmp != "/" {
		s = regexp.MustCompile(regexp.QuoteMeta(tmp)+`/[^\s"':]*`).ReplaceAllString(s, "<tmp>")
	}
	s = addrRe.ReplaceAllString(s, "<addr>")
	return durRe.ReplaceAllString(s, "<dur>")
}
