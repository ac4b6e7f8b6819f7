package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
)

func init() {
	register(command{name: "kernelspec", short: "install the \"tandem\" Jupyter kernelspec (install [--user | --prefix DIR])", run: runKernelspec})
}

// kernelVersion is the module version of this binary ("dev" for a source build).
func kernelVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// kernelSpec is a Jupyter kernel.json.
type kernelSpec struct {
	Argv          []string       `json:"argv"`
	DisplayName   string         `json:"display_name"`
	Language      string         `json:"language"`
	InterruptMode string         `json:"interrupt_mode"`
	Env           map[string]any `json:"env"`
	Metadata      map[string]any `json:"metadata"`
}

func runKernelspec(args []string) int {
	if len(args) == 0 || args[0] != "install" {
		fmt.Fprintln(os.Stderr, "usage: tandem kernelspec install [--user | --prefix DIR] [--name NAME]")
		return 2
	}
	fs := flag.NewFlagSet("tandem kernelspec install", flag.ContinueOnError)
	user := fs.Bool("user", false, "install for the current user (Jupyter's user data dir)")
	prefix := fs.String("prefix", "", "install under `DIR`/share/jupyter/kernels (e.g. a virtualenv)")
	name := fs.String("name", "tandem", "kernelspec `name`")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *user && *prefix != "" || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "tandem kernelspec install: give at most one of --user and --prefix")
		return 2
	}
	dir, err := kernelspecDir(*user, *prefix)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tandem kernelspec install:", err)
		return 1
	}
	dir = filepath.Join(dir, *name)
	if err := installKernelspec(dir); err != nil {
		fmt.Fprintln(os.Stderr, "tandem kernelspec install:", err)
		return 1
	}
	fmt.Printf("Installed kernelspec %s in %s\n", *name, dir)
	return 0
}

// kernelspecDir returns the kernels folder Jupyter searches: with --user
// $JUPYTER_DATA_DIR or ~/.local/share/jupyter (XDG_DATA_HOME respected),
// with --prefix DIR/share/jupyter, else the system-wide
// /usr/local/share/jupyter, as `jupyter kernelspec install` does.
func kernelspecDir(user bool, prefix string) (string, error) {
	switch {
	case prefix != "":
		abs, err := filepath.Abs(prefix)
		if err != nil {
			return "", err
		}
		return filepath.Join(abs, "share", "jupyter", "kernels"), nil
	case user:
		if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
			return filepath.Join(d, "kernels"), nil
		}
		if d := os.Getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "jupyter", "kernels"), nil
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, ".local", "share", "jupyter", "kernels"), nil
	}
	return "/usr/local/share/jupyter/kernels", nil
}

func installKernelspec(dir string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this binary: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return fmt.Errorf("find this binary: %w", err)
	}
	spec := kernelSpec{
		Argv:          []string{exe, "kernel", "--connection-file", "{connection_file}"},
		DisplayName:   "Go (Tandem)",
		Language:      "go",
		InterruptMode: "message",
		Env:           map[string]any{},
		Metadata:      map[string]any{"debugger": false},
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create kernelspec folder: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kernel.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write kernel.json: %w", err)
	}
	return nil
}
