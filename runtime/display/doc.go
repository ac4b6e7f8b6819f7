// Package display shows values in a notebook: MIME bundles, display handles
// that update in place, progress bars, a live training view and paged tables.
//
// # Rendering by method shape
//
// Render turns any value into a MIME bundle by the methods it has (the same
// contract the kernel uses for a cell's last expression):
//
//	String() string              text/plain
//	HTML() string                text/html
//	SVG() string                 image/svg+xml
//	PNG() []byte                 image/png (base64 in the bundle)
//	Markdown() string            text/markdown
//	LaTeX() string               text/latex
//	MIMEBundle() map[string]any  the whole bundle (wins over the above)
//
// Values without such methods are rendered by what they are: errors, images
// (image.Image becomes a PNG), []byte holding a PNG or an SVG, strings,
// tensors (anything with Shape() []int and Data() []float32) as tables,
// datasets (see Dataset) as paged tables, and anything else with %v.
//
// # Showing and updating
//
//	h := display.Show(display.Markdown("**training…**"))
//	h.Update(display.Markdown("**done**"))
//
// The kernel installs a Sink at session start (SetSink). Without one, in a
// plain Go program or a headless test, Show writes text/plain to the output
// (SetOutput, os.Stdout by default).
//
// # Progress
//
//	bar := display.Progress(len(files))
//	for _, f := range files {
//		bar.Step() // stops here with host.Interrupted when the cell is interrupted
//		process(f)
//	}
//
// Updates are throttled to at most 10 a second. Headless, a text bar is drawn
// on a terminal, and only the final line otherwise.
package display
