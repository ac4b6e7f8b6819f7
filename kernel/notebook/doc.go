// Package notebook reads and writes notebook files: Jupyter's nbformat 4.5
// .ipynb and percent-format Go scripts.
//
// # ipynb
//
// Parse accepts nbformat 4.0–4.5 and upgrades to 4.5 (cell ids are added
// where missing, duplicates renamed). Format writes what Jupyter writes:
// keys sorted, one space of indentation, source and multi-line output text
// as arrays of lines, a trailing newline; so a notebook saved by Tandem and
// by JupyterLab diffs cleanly. Fields this package does not know (at the top
// level, in cells, in outputs and in metadata) are kept and written back.
//
//	nb, err := notebook.Parse(data)   // *ParseError names the cell and field
//	out, err := notebook.Format(nb)   // file form
//	js, err := json.Marshal(nb)       // Jupyter Server API form: strings joined
//
// # Percent scripts
//
// A percent-format Go script is the diff-friendly form (as written by
// jupytext for other languages):
//
//	// %%
//	x := 1 + 1
//	x
//
//	// %% [markdown]
//	// # A heading
//	// Some text.
//
// A .go file is a percent script only when it has at least one marker
// line (HasCellMarker); without one it is plain Go source, not a notebook.
// Code cells are the lines after a `// %%` marker; markdown (and raw) cells
// have every line commented with "// " ("//" for an empty line). A line
// that would read as a marker is escaped by doubling its first '%'
// (`// %%%`), and unescaped on reading. Text after the marker other than
// the cell type is kept as the cell's metadata "title". Trailing blank lines
// of a cell are not kept (one blank line separates cells), and neither are
// outputs, execution counts or cell ids: ParseScript gives cells ids derived
// from their position. Content before the first marker is a code cell, so a
// plain Go file reads as one cell.
//
// # Limits
//
// Inputs larger than MaxSize are refused with ErrTooLarge before decoding.
package notebook
