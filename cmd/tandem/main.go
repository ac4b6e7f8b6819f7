// Command tandem is the Tandem notebook: server, kernel, headless runner.
//
//	tandem [serve] [DIR]      the notebook server (a bare tandem serves ".")
//	tandem kernel ...         one kernel process (Jupyter ZMQ or the server's stdio link)
//	tandem kernelspec install write the "tandem" Jupyter kernelspec
//	tandem run NOTEBOOK       execute a notebook or percent-format script headless
//	tandem export ...         convert a notebook to html, markdown or script
//
// This file holds flags and wiring only; each subcommand lives in its own file.
package main

import (
	"fmt"
	"os"
)

// command is one subcommand: it parses its own args and returns the exit code.
type command struct {
	name  string
	short string
	run   func(args []string) int
}

var commands []command

func register(c command) { commands = append(commands, c) }

func main() { os.Exit(dispatch(os.Args[1:])) }

func dispatch(args []string) int {
	if len(args) == 0 || (lookup(args[0]) == nil && !isHelp(args[0])) {
		// A bare `tandem`, `tandem DIR` or `tandem --port 9000 DIR` serves.
		if c := lookup("serve"); c != nil {
			return c.run(args)
		}
	}
	if isHelp(args[0]) {
		usage()
		return 0
	}
	if c := lookup(args[0]); c != nil {
		return c.run(args[1:])
	}
	fmt.Fprintf(os.Stderr, "tandem: unknown command %q\n", args[0])
	usage()
	return 2
}

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "help" }

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: tandem [command] [args]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-11s %s\n", c.name, c.short)
	}
}
