package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
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
	// The launcher icons Jupyter front ends look for beside kernel.json.
	for _, size := range []int{32, 64} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, logo(size)); err != nil {
			return err
		}
		name := fmt.Sprintf("logo-%dx%d.png", size, size)
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// logo draws Tandem's mark: two overlapping rings, in Go's blue, on a
// transparent square of size×size pixels.
func logo(size int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := color.NRGBA{0x00, 0xAD, 0xD8, 0xFF}
	dark := color.NRGBA{0x00, 0x5F, 0x7A, 0xFF}
	r := float64(size) * 0.3
	w := float64(size) * 0.09
	cy := float64(size) / 2
	for _, ring := range []struct {
		cx float64
		c  color.NRGBA
	}{{float64(size) * 0.36, dark}, {float64(size) * 0.64, blue}} {
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				d := math.Hypot(float64(x)+0.5-ring.cx, float64(y)+0.5-cy)
				if math.Abs(d-r) <= w/2 {
					img.SetNRGBA(x, y, ring.c)
				}
			}
		}
	}
	return img
}
