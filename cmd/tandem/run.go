package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"tandem.dev/tandem/kernel/host"
	"tandem.dev/tandem/kernel/notebook"
	"tandem.dev/tandem/kernel/runner"
)

func init() {
	register(command{name: "run", short: "execute a notebook or percent-format script headless (-p name=value, -o OUT.ipynb)", run: runRun})
}

// Exit codes of tandem run and tandem export.
const (
	exitOK     = 0
	exitFailed = 1 // a cell failed or timed out; the kernel could not start
	exitUsage  = 2 // bad flags, missing or unreadable input, bad parameter
	exitSignal = 130
)

// paramFlags collects repeated -p name=value flags.
type paramFlags []runner.Param

func (p *paramFlags) String() string { return "" }
func (p *paramFlags) Set(s string) error {
	v, err := runner.ParseParam(s)
	if err != nil {
		return err
	}
	*p = append(*p, v)
	return nil
}

func runRun(args []string) int {
	fs := flag.NewFlagSet("tandem run", flag.ContinueOnError)
	var params paramFlags
	fs.Var(&params, "p", "set a parameter: `name=value`, typed like its default in the cell tagged \"parameters\" (repeatable)")
	out := fs.String("o", "", "write the executed notebook to `file` (.ipynb; .go writes the percent script); default: write nothing, print the outputs")
	timeout := fs.Duration("timeout", 0, "per-cell time `limit` (e.g. 30s): the cell is interrupted, then the kernel killed (0: none)")
	total := fs.Duration("total-timeout", 0, "time `limit` of the whole run (0: none)")
	keepGoing := fs.Bool("keep-going", false, "run the remaining cells after a failure (exit status is still 1)")
	noLedger := fs.Bool("no-ledger", false, "do not replay the workspace ledger (.tandem/); sets "+runner.NoLedgerEnv+"=1 for the kernel")
	transcript := fs.String("transcript", "", "write a golden-file transcript of the outputs to `file` (timings, addresses, temp paths as placeholders; - for stdout)")
	maxMem := fs.String("max-memory", "", "memory `limit` of the kernel process, e.g. 2G (default: the kernel's)")
	paramsFile := fs.String("f", "", "read parameters from a JSON `file` ({\"name\": value, ...}); -p given too wins")
	logOutput := fs.Bool("log-output", false, "print the cells' text outputs even with -o")
	prepareOnly := fs.Bool("prepare-only", false, "inject the parameters and write -o without running anything")
	quiet := fs.Bool("q", false, "no progress lines on stderr")
	verbose := fs.Bool("v", false, "log the kernel's stderr and life cycle")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "usage: tandem run NOTEBOOK.ipynb|SCRIPT.go [-p name=value ...] [-o OUT.ipynb] [--timeout D] [--keep-going] [--no-ledger]")
		fmt.Fprintln(w, "\nExecutes every code cell in a fresh kernel, in order. Progress goes to stderr, one line a cell;")
		fmt.Fprintln(w, "without -o the cells' text outputs go to stdout. Exit status: 0 all cells ran, 1 a cell failed")
		fmt.Fprintln(w, "(a cell tagged "+runner.RaisesExceptionTag+" is expected to fail: its error is kept and the run goes on)")
		fmt.Fprintln(w, "or timed out (cell, line and message on stderr) or the kernel could not run, 2 bad usage or")
		fmt.Fprintln(w, "input, 130 stopped by Ctrl-C.")
		fmt.Fprintln(w, "\nThe kernel runs in the notebook's folder and replays the workspace ledger (.tandem/) there;")
		fmt.Fprintln(w, "--no-ledger sets "+runner.NoLedgerEnv+"=1 in its environment for the kernel to skip that.")
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
	if len(files) != 1 {
		fs.Usage()
		return exitUsage
	}
	path := files[0]
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "tandem run: "+format+"\n", a...)
		return code
	}
	if *maxMem != "" {
		if _, err := host.ParseSize(*maxMem); err != nil {
			return fail(exitUsage, "--max-memory: %v", err)
		}
	}
	nb, err := readNotebook(path)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if ks, _ := nb.Metadata["kernelspec"].(map[string]any); ks != nil {
		if lang, _ := ks["language"].(string); lang != "" && !strings.EqualFold(lang, "go") {
			return fail(exitUsage, "%s: the notebook is for the %v kernel (%s); tandem runs Go notebooks", path, ks["name"], lang)
		}
	}
	if *paramsFile != "" {
		fromFile, err := readParams(*paramsFile)
		if err != nil {
			return fail(exitUsage, "%v", err)
		}
		given := map[string]bool{}
		for _, p := range params {
			given[p.Name] = true
		}
		var merged paramFlags
		for _, p := range fromFile {
			if !given[p.Name] {
				merged = append(merged, p)
			}
		}
		params = append(merged, params...)
	}
	if err := runner.InjectParameters(nb, params); err != nil {
		return fail(exitUsage, "%v", err)
	}
	if *prepareOnly {
		if *out == "" {
			return fail(exitUsage, "--prepare-only needs -o")
		}
		if err := writeNotebook(*out, nb); err != nil {
			return fail(exitFailed, "%v", err)
		}
		return exitOK
	}
	abs, _ := filepath.Abs(path)
	// Fail before running for an unwritable destination.
	for _, p := range []string{*out, *transcript} {
		if p != "" && p != "-" {
			if err := checkWritable(p); err != nil {
				return fail(exitUsage, "%v", err)
			}
		}
	}

	// The first Ctrl-C (or SIGTERM) interrupts the running cell and ends
	// the run; a second one exits at once (the kernel dies with us).
	sigCtx, stopRun := context.WithCancelCause(context.Background())
	defer stopRun(nil)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		s, ok := <-sigs
		if !ok {
			return
		}
		stopRun(fmt.Errorf("%s", s))
		if _, ok := <-sigs; ok {
			os.Exit(exitSignal)
		}
	}()
	ctx := sigCtx
	if *total > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *total)
		defer cancel()
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if *verbose {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	var mu sync.Mutex // outputs and progress lines interleave on the terminal
	opts := runner.Options{
		Dir: filepath.Dir(abs), Path: abs, NoLedger: *noLedger, CellTimeout: *timeout, KeepGoing: *keepGoing, Log: log,
		Progress: func(p runner.Progress) {
			if *quiet {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			status := "ok"
			if p.Failure != nil {
				status = "FAILED (" + p.Failure.Ename + ")"
				if p.Failure.Expected {
					status = "failed as expected (" + p.Failure.Ename + ", tagged " + runner.RaisesExceptionTag + ")"
				}
			}
			fmt.Fprintf(os.Stderr, "[%d/%d] cell %d %s in %s (total %s)\n", p.K, p.N, p.Cell+1, status,
				p.Elapsed.Round(time.Millisecond), p.Total.Round(time.Millisecond))
		},
	}
	if (*out == "" || *logOutput) && *out != "-" && *transcript != "-" {
		opts.Output = func(cell int, o map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			printOutput(os.Stdout, os.Stderr, o)
		}
	}
	if *maxMem != "" {
		exe, err := os.Executable()
		if err != nil {
			return fail(exitFailed, "%v", err)
		}
		opts.Argv = []string{exe, "kernel", "--stdio", "--max-memory", *maxMem}
	}
	rep, err := runner.Run(ctx, nb, opts)
	if err != nil {
		if *out != "" && rep != nil && rep.Ran > 0 {
			// What ran is kept, as when a cell fails.
			if werr := writeNotebook(*out, nb); werr != nil {
				fmt.Fprintf(os.Stderr, "tandem run: %v\n", werr)
			}
		}
		return fail(exitFailed, "%v", err)
	}
	if *out != "" {
		if err := writeNotebook(*out, nb); err != nil {
			return fail(exitFailed, "%v", err)
		}
	}
	if *transcript != "" {
		if err := writeAtomic(*transcript, []byte(runner.Transcript(nb, runner.TranscriptOptions{}))); err != nil {
			return fail(exitFailed, "%v", err)
		}
	}
	if len(rep.Failures) > 0 {
		for _, f := range rep.Failures {
			fmt.Fprintf(os.Stderr, "tandem run: %s: %s\n", path, describeFailure(nb, f))
		}
		if rep.Skipped > 0 {
			fmt.Fprintf(os.Stderr, "tandem run: %d of %d code cells not run\n", rep.Skipped, rep.Ran+rep.Skipped)
		}
		if sigCtx.Err() != nil {
			return exitSignal
		}
		return exitFailed
	}
	return exitOK
}

// readParams reads a JSON object of parameters; values are given as their
// JSON text (strings unquoted), then typed like -p values.
func readParams(path string) ([]runner.Param, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read parameters: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: want a JSON object of parameters: %v", path, err)
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	var out []runner.Param
	for _, k := range names {
		var v string
		switch x := m[k].(type) {
		case string:
			v = x
		case json.Number:
			v = x.String()
		case bool:
			v = fmt.Sprint(x)
		default:
			return nil, fmt.Errorf("%s: parameter %s: want a string, number or bool", path, k)
		}
		p, err := runner.ParseParam(k + "=" + v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// describeFailure says where a cell failed: its number in the notebook, its
// line, the kind and message, and the source line.
func describeFailure(nb *notebook.Notebook, f *runner.Failure) string {
	var b strings.Builder
	b.WriteString(f.Error())
	if f.Line > 0 && f.Cell < len(nb.Cells) {
		lines := strings.Split(nb.Cells[f.Cell].Source, "\n")
		if f.Line <= len(lines) {
			fmt.Fprintf(&b, "\n\t%d | %s", f.Line, strings.TrimRight(lines[f.Line-1], " \t"))
		}
	}
	return b.String()
}

// printOutput writes the text form of an output: stdout streams and plain
// text results to stdout, stderr streams and errors to stderr, a
// placeholder for outputs with no text.
func printOutput(stdout, stderr io.Writer, o map[string]any) {
	switch o["output_type"] {
	case "stream":
		text, _ := o["text"].(string)
		if o["name"] == "stderr" {
			fmt.Fprint(stderr, text)
		} else {
			fmt.Fprint(stdout, text)
		}
	case "execute_result", "display_data":
		data, _ := o["data"].(map[string]any)
		if t, ok := data["text/plain"].(string); ok {
			fmt.Fprintln(stdout, strings.TrimRight(t, "\n"))
			return
		}
		var kinds []string
		for k := range data {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		if len(kinds) > 0 {
			fmt.Fprintf(stdout, "[%s output]\n", strings.Join(kinds, ", "))
		}
	case "error":
		tb, _ := o["traceback"].([]any)
		if len(tb) == 0 {
			fmt.Fprintf(stderr, "%v: %v\n", o["ename"], o["evalue"])
			return
		}
		for _, l := range tb {
			fmt.Fprintln(stderr, l)
		}
	}
}

// parseInterleaved parses flags that may come before or after the
// positional arguments, and returns those.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// readNotebook reads an .ipynb notebook or a percent-format .go script.
func readNotebook(path string) (*notebook.Notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) && errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file", path)
		}
		return nil, fmt.Errorf("read notebook: %w", err)
	}
	var nb *notebook.Notebook
	if strings.EqualFold(filepath.Ext(path), ".go") {
		if !notebook.HasCellMarker(data) {
			// As the server lists it: Go source, not a percent-format notebook.
			return nil, fmt.Errorf("%s has no \"// %%%%\" cell marker: it is Go source, not a percent-format notebook (start each cell with a line \"// %%%%\")", path)
		}
		nb, err = notebook.ParseScript(data)
	} else {
		nb, err = notebook.Parse(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return nb, nil
}

func checkWritable(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("write %s: %s is not a folder", path, dir)
	}
	return nil
}

// writeNotebook writes nb as .ipynb, or as a percent script when path ends
// in .go, atomically (temp file, fsync, rename).
func writeNotebook(path string, nb *notebook.Notebook) error {
	var data []byte
	if strings.EqualFold(filepath.Ext(path), ".go") {
		data = notebook.FormatScript(nb)
	} else {
		var err error
		if data, err = notebook.Format(nb); err != nil {
			return err
		}
	}
	return writeAtomic(path, data)
}

func writeAtomic(path string, data []byte) error {
	if path == "-" {
		_, err := os.Stdout.Write(data)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
