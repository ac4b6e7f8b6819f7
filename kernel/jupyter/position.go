package jupyter

import "unicode/utf8"

// ByteOffset converts pos, a cursor position in UTF-16 code units (the unit
// of Jupyter's cursor_pos since protocol 5.2, and of CodeMirror), to a byte
// offset into code. Positions past the end clamp to len(code); a position
// inside a surrogate pair maps to the start of that character; negative
// positions map to 0. Invalid UTF-8 bytes count as one unit each.
func ByteOffset(code string, pos int) int {
	if pos <= 0 {
		return 0
	}
	units := 0
	for i := 0; i < len(code); {
		r, size := utf8.DecodeRuneInString(code[i:])
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > pos {
			return i
		}
		units += n
		i += size
		if units == pos {
			return i
		}
	}
	return len(code)
}

// UTF16Offset converts off, a byte offset into code, to UTF-16 code units.
// Offsets past the end clamp; an offset inside a multi-byte character counts
// up to the start of that character.
func UTF16Offset(code string, off int) int {
	if off > len(code) {
		off = len(code)
	}
	units := 0
	for i := 0; i < off; {
		r, size := utf8.DecodeRuneInString(code[i:])
		if i+size > off {
			break
		}
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
		i += size
	}
	return units
}
