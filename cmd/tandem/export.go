package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"tandem.dev/tandem/frontend"
	"tandem.dev/tandem/kernel/export"
	"tandem.dev/tandem/kernel/notebook"
)

func init() {
	register(command{name: "export", short: "convert a notebook: --to html|markdown|script NOTEBOOK.ipynb [-o OUT]", run: runExport})
}

func runExport(args []string) int {
	fs := flag.NewFlagSet("tandem export", flag.ContinueOnError)
	to := fs.String("to", "", "output `format`: html (one self-contained page), markdown (images in OUT_files/), script (percent-format .go), notebook (.ipynb, from a script), gallery (an index page of several notebooks)")
	out := fs.String("o", "", "output `file` (default: the notebook's name with .html, .md or .go beside it; - for stdout, html and script only)")
	noInput := fs.Bool("no-input", false, "leave out the code of code cells (html, markdown): a report of the outputs")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "usage: tandem export --to html|markdown|script|notebook NOTEBOOK.ipynb|SCRIPT.go [-o OUT]")
		fmt.Fprintln(w, "       tandem export --to gallery NOTEBOOK.ipynb ... -o DIR   (DIR/index.html: a card per notebook, each page beside it)")
		fmt.Fprintln(w, "\nExit status: 0 written, 1 could not write, 2 bad usage or input.")
		fmt.Fprintln(w, "\nflags:")
		fs.PrintDefaults()
	}
	files, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "tandem export: "+format+"\n", a...)
		return code
	}
	if *to == "gallery" {
		return exportGallery(files, *out, *noInput, fail)
	}
	if len(files) != 1 {
		fs.Usage()
		return exitUsage
	}
	ext := map[string]string{"html": ".html", "markdown": ".md", "md": ".md", "script": ".go", "notebook": ".ipynb", "ipynb": ".ipynb"}[*to]
	if ext == "" {
		if *to == "" {
			return fail(exitUsage, "--to is required (html, markdown or script)")
		}
		return fail(exitUsage, "unknown format %q (want html, markdown, script or notebook)", *to)
	}
	in := files[0]
	nb, err := readNotebook(in)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	dest := *out
	if dest == "" {
		dest = strings.TrimSuffix(in, filepath.Ext(in)) + ext
		if dest == in {
			return fail(exitUsage, "the output would overwrite %s: give -o", in)
		}
	}
	if dest != "-" {
		if err := checkWritable(dest); err != nil {
			return fail(exitUsage, "%v", err)
		}
	}
	switch ext {
	case ".html":
		abs, _ := filepath.Abs(in)
		page, err := export.HTML(nb, export.HTMLOptions{Assets: frontend.Dist(), Dir: filepath.Dir(abs), NoInput: *noInput})
		if err != nil {
			return fail(exitFailed, "%v", err)
		}
		err = writeAtomic(dest, page)
		if err != nil {
			return fail(exitFailed, "%v", err)
		}
	case ".go":
		if err := writeAtomic(dest, export.Script(nb)); err != nil {
			return fail(exitFailed, "%v", err)
		}
	case ".ipynb":
		data, err := notebook.Format(nb)
		if err != nil {
			return fail(exitFailed, "%v", err)
		}
		if err := writeAtomic(dest, data); err != nil {
			return fail(exitFailed, "%v", err)
		}
	case ".md":
		if dest == "-" {
			return fail(exitUsage, "markdown writes images beside its file: give -o FILE.md")
		}
		base := strings.TrimSuffix(filepath.Base(dest), filepath.Ext(dest))
		res := export.Markdown(nb, export.MarkdownOptions{FilesDir: base + "_files", NoInput: *noInput})
		names := make([]string, 0, len(res.Files))
		for name := range res.Files {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			p := filepath.Join(filepath.Dir(dest), filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return fail(exitFailed, "%v", err)
			}
			if err := writeAtomic(p, res.Files[name]); err != nil {
				return fail(exitFailed, "%v", err)
			}
		}
		if err := writeAtomic(dest, res.Text); err != nil {
			return fail(exitFailed, "%v", err)
		}
	}
	if dest != "-" {
		fmt.Fprintf(os.Stderr, "tandem export: wrote %s\n", dest)
	}
	return exitOK
}

// exportGallery writes each notebook's page into dir and an index.html
// with a card per notebook (title, summary, first plot).
func exportGallery(files []string, dir string, noInput bool, fail func(int, string, ...any) int) int {
	if len(files) == 0 || dir == "" || dir == "-" {
		return fail(exitUsage, "--to gallery needs notebooks and -o DIR")
	}
	type page struct {
		name string
		data []byte
	}
	var pages []page
	var cards []export.Card
	seen := map[string]bool{}
	for _, in := range files {
		nb, err := readNotebook(in)
		if err != nil {
			return fail(exitUsage, "%v", err)
		}
		base := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
		name := base + ".html"
		for i := 2; seen[name]; i++ {
			name = fmt.Sprintf("%s-%d.html", base, i)
		}
		seen[name] = true
		abs, _ := filepath.Abs(in)
		data, err := export.HTML(nb, export.HTMLOptions{Assets: frontend.Dist(), Dir: filepath.Dir(abs), NoInput: noInput})
		if err != nil {
			return fail(exitFailed, "%s: %v", in, err)
		}
		pages = append(pages, page{name, data})
		c := export.Describe(nb, base)
		c.Href = name
		cards = append(cards, c)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(exitUsage, "%v", err)
	}
	index, err := export.Gallery("Notebooks", cards, export.HTMLOptions{Assets: frontend.Dist()})
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	for _, p := range pages {
		if err := writeAtomic(filepath.Join(dir, p.name), p.data); err != nil {
			return fail(exitFailed, "%v", err)
		}
	}
	if err := writeAtomic(filepath.Join(dir, "index.html"), index); err != nil {
		return fail(exitFailed, "%v", err)
	}
	fmt.Fprintf(os.Stderr, "tandem export: wrote %s (%d notebooks)\n", filepath.Join(dir, "index.html"), len(pages))
	return exitOK
}
