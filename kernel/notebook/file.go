package notebook

import (
	"bufio"
	"io"
	"path"
	"strings"
)

// IsScript reports whether name, a notebook's file name, is in the
// percent format (a .go file) rather than .ipynb. It says nothing of the
// content: a .go file is a notebook only when it has a cell marker
// (HasCellMarker); any other .go file is plain Go source.
func IsScript(name string) bool { return strings.EqualFold(path.Ext(name), ".go") }

// HasCellMarker reports whether data has a percent-format cell marker, a
// line "// %%" alone or followed by a space or tab ("// %% [markdown]"),
// which is what makes a .go file a notebook (jupytext's percent format).
func HasCellMarker(data []byte) bool {
	ok, _ := ReadCellMarker(strings.NewReader(string(data)), -1)
	return ok
}

// ReadCellMarker is HasCellMarker for a reader: it reads r up to the first
// cell marker, or at most limit bytes (limit < 0: no limit), and reports
// whether it found one. The error is r's, never io.EOF.
func ReadCellMarker(r io.Reader, limit int64) (bool, error) {
	if limit >= 0 {
		r = io.LimitReader(r, limit)
	}
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if isMarker(strings.TrimSuffix(line, "\n")) {
			return true, nil
		}
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// ParseFile parses data in the format of name's extension: ParseScript for
// .go, Parse otherwise.
func ParseFile(name string, data []byte) (*Notebook, error) {
	if IsScript(name) {
		return ParseScript(data)
	}
	return Parse(data)
}

// FormatFile formats nb in the format of name's extension: FormatScript
// for .go (outputs are dropped), Format otherwise.
func FormatFile(name string, nb *Notebook) ([]byte, error) {
	if IsScript(name) {
		return FormatScript(nb), nil
	}
	return Format(nb)
}
