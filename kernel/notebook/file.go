package notebook

import (
	"path"
	"strings"
)

// IsScript reports whether name is a percent-format script (a .go file)
// rather than an .ipynb notebook.
func IsScript(name string) bool { return strings.EqualFold(path.Ext(name), ".go") }

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
