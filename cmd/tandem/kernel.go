package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/traefik/yaegi/interp"
	ystdlib "github.com/traefik/yaegi/stdlib"

	"tandem.dev/tandem/kernel"
	"tandem.dev/tandem/kernel/host"
	"tandem.dev/tandem/kernel/jupyter"
)

func init() {
	register(command{name: "kernel", short: "run one kernel (--connection-file F for Jupyter, --stdio for the server)", run: runKernel})
}

// kernelSymbols and kernelPreload are what cells get.
// TODO(integrator): use stdlib.Symbols and stdlib.Preload (package
// tandem.dev/tandem/stdlib) once it is committed; until then cells get
// yaegi's standard library only.
var (
	kernelSymbols interp.Exports = ystdlib.Symbols
	kernelPreload []string
)

func runKernel(args []string) int {
	fs := flag.NewFlagSet("tandem kernel", flag.ContinueOnError)
	connFile := fs.String("connection-file", "", "Jupyter connection `file` (ZMQ transport)")
	stdio := fs.Bool("stdio", false, "speak framed messages on stdin/stdout (the notebook server's link)")
	maxMem := fs.String("max-memory", "", "hard memory `limit` of the process, e.g. 2G (default: min(4G, half the RAM))")
	maxStack := fs.String("max-stack", "", "goroutine stack `limit`, e.g. 256M")
	dir := fs.String("dir", "", "working `directory` of cell code")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tandem kernel (--connection-file FILE | --stdio) [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if (*connFile == "") == !*stdio || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	var lim host.Limits
	if *maxMem != "" {
		v, err := host.ParseSize(*maxMem)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tandem kernel:", err)
			return 2
		}
		lim.MaxMemory = v
	}
	if *maxStack != "" {
		v, err := host.ParseSize(*maxStack)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tandem kernel:", err)
			return 2
		}
		lim.MaxStack = int(v)
	}
	cfg := host.Config{ConnectionFile: *connFile, Limits: lim, Version: kernelVersion()}
	err := host.Run(context.Background(), cfg, func() (jupyter.Backend, error) {
		s, err := kernel.New(kernel.Options{Symbols: kernelSymbols, Preload: kernelPreload, Dir: *dir})
		if err != nil {
			return nil, fmt.Errorf("start session: %w", err)
		}
		return host.NewSessionBackend(s), nil
	})
	if err != nil {
		// fd 2 is captured by now: the original stderr is the log.
		fmt.Fprintln(os.Stderr, "tandem kernel:", err)
		return 1
	}
	return 0
}
