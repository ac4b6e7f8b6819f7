// Package export converts a notebook to other forms: one self-contained
// HTML page, Markdown with its images beside it, and a percent-format Go
// script.
//
//	page, err := export.HTML(nb, export.HTMLOptions{Assets: frontend.Dist(), Dir: dir})
//	md := export.Markdown(nb, export.MarkdownOptions{FilesDir: "analysis_files"}) // md.Text, md.Files
//	src := export.Script(nb)
//	index, err := export.Gallery("Examples", []export.Card{export.Describe(nb, "intro")}, opts)
//
// # HTML
//
// The page carries everything it shows and requests nothing (its
// Content-Security-Policy forbids any fetch): the app's stylesheet with
// fonts as data: URIs, images as data: URIs, Markdown rendered like the
// app does (CommonMark with GFM tables and autolinks, via goldmark) and
// sanitized (no scripts, frames, forms or event handlers), Go code
// highlighted with the editor's colours. Math stays TeX inside its
// delimiters, readable as text, and the app's KaTeX, inlined only when the
// notebook has math, typesets it when the page loads. Rich HTML and
// JavaScript outputs run only inside <iframe sandbox="allow-scripts"
// srcdoc=…>, an opaque origin that cannot reach the page. Widgets are drawn
// from the notebook's widget-state snapshot (metadata.widgets, written by
// tandem run and by JupyterLab): the standard controls as disabled HTML
// controls showing their saved values, custom widgets (the anywidget _esm
// convention) by their own module in a sandboxed frame, against a model
// that holds the saved state and reaches no kernel. Without a snapshot a
// widget output falls back to its bundle's other types. HTMLOptions.NoInput leaves the
// code out (a report of the outputs), as nbconvert's --no-input does.
//
// # Gallery
//
// Gallery renders an index page of notebooks, a card each with the title,
// first paragraph and first plot that Describe finds, linking to each
// notebook's own page.
package export
