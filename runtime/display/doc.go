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
//
// # Training
//
// Training shows a progress bar and the loss curves, updated in place per
// epoch (at most 10 redraws a second, ~0.1 ms each). Its Step, Epoch and
// Done methods are runtime/train's Progress interface:
//
//	train.DefaultProgress = func(epochs, steps int) train.Progress {
//		return display.Training(display.TrainingOptions{Epochs: epochs, StepsPerEpoch: steps})
//	}
//
// # Tables
//
// Table pages a dataset: only the rows of the visible page are read and
// sent, so a 1,000,000-row dataset shows in milliseconds.
//
//	p := display.Table(ds)
//	h := display.Show(p)
//	h.Update(p.Page(3)) // turn the page in place
package display
