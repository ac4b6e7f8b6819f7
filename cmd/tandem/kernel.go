package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"time"

	"tandem.dev/tandem/kernel"
	"tandem.dev/tandem/kernel/host"
	"tandem.dev/tandem/kernel/jupyter"
	"tandem.dev/tandem/stdlib"
)

func init() {
	register(command{name: "kernel", short: "run one kernel (--connection-file F for Jupyter, --stdio for the server)", run: runKernel})
}

func runKernel(args []string) int {
	fs := flag.NewFlagSet("tandem kernel", flag.ContinueOnError)
	connFile := fs.String("connection-file", "", "Jupyter connection `file` (ZMQ transport)")
	stdio := fs.Bool("stdio", false, "speak framed messages on stdin/stdout (the notebook server's link)")
	maxMem := fs.String("max-memory", "", "hard memory `limit` of the process, e.g. 2G (default: min(4G, half the RAM))")
	maxStack := fs.String("max-stack", "", "goroutine stack `limit`, e.g. 256M")
	dir := fs.String("dir", "", "working `directory` of cell code")
	restricted := fs.Bool("restricted", false, "restricted policy: no os/exec, net, unsafe, syscall or plugin; files only under the working directory (the notebook's folder)")
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
	opts := kernel.Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload, Dir: *dir}
	if *restricted {
		root := *dir
		if root == "" {
			root = "."
		}
		if os.Getenv(stdlib.ConfinedEnv) == "" {
			// the operating system enforces the boundary for compiled code
			// too; Confine re-executes this command and does not return
			var readable []string
			if *connFile != "" {
				readable = []string{*connFile}
			}
			err := stdlib.Confine(root, os.Getenv("TANDEM_WORKSPACE"), readable, *connFile != "")
			if !errors.Is(err, stdlib.ErrNoLandlock) {
				fmt.Fprintln(os.Stderr, "tandem kernel:", err)
				return 1
			}
			fmt.Fprintln(os.Stderr, "tandem kernel: no Landlock here: the restricted policy rests on the cells' symbol table alone")
		}
		syms, err := stdlib.Restricted(root)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tandem kernel:", err)
			return 1
		}
		opts.Symbols, opts.Refused = syms, stdlib.Refused
	}
	if *stdio {
		// Under kernel/supervisor, a cell stuck in compiled code is the
		// supervisor's to handle (it restarts the process after its own
		// grace period and says so): the session waits longer than that.
		opts.StuckGrace = 10 * time.Second
	}
	err := host.Run(context.Background(), cfg, func() (jupyter.Backend, error) {
		s, err := kernel.New(opts)
		if err != nil {
			return nil, fmt.Errorf("start session: %w", err)
		}
		return host.NewSessionBackend(s), nil
	})
	if errors.Is(err, jupyter.ErrUnusable) {
		fmt.Fprintln(os.Stderr, "tandem kernel: a cell did not stop after an interrupt (it is stuck in compiled code); the kernel exits so that it can be restarted")
		return host.ExitStuck
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tandem kernel:", err)
		return 1
	}
	return 0
}
