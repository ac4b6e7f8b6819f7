package data

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzReadCSV: reading never panics, and what was read writes out and
// reads back as the same data (WriteCSV keeps the keys in a key column).
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"a,b,label\n1,2,x\n3,4,y\n",
		"id,age,height,city,note,label\np1,34,1.80,Paris,likes tea,yes\np2,NA,1.65,Lyon,,no\np3,29,tall,Paris,runs,yes\n",
		"x\n1\n1\n1\n",
		"\ufeffa;b\n\"1;2\";3\n",
		"a,label\n,\n?,?\n",
		"a,b\n1e308,-0\nInf,NaN\n",
	} {
		f.Add(s, "label")
	}
	f.Fuzz(func(t *testing.T, in, label string) {
		ds, err := ReadCSV(strings.NewReader(in), CSV{Label: label})
		if err != nil {
			return
		}
		_ = ds.String()
		_ = ds.HTML()
		_ = ds.Describe().String()
		_ = ds.Report().String()
		var buf bytes.Buffer
		if err := ds.WriteCSV(&buf); err != nil {
			t.Fatalf("write: %v", err)
		}
		// The key column is "key": skip inputs whose own columns clash.
		for _, c := range append(ds.Columns(), ds.Label()) {
			if c == "key" || strings.TrimSpace(c) != c || c == "" {
				return
			}
		}
		kinds := map[string]Kind{}
		for _, c := range ds.Columns() {
			kinds[c] = ds.Kind(c)
		}
		back, err := ReadCSV(&buf, CSV{Key: "key", Label: ds.Label(), Kinds: kinds, Missing: []string{""}})
		if err != nil {
			t.Fatalf("read back: %v\n%s", err, buf.String())
		}
		if back.Hash() != ds.Hash() {
			t.Fatalf("round trip changed the data:\n%s\n%s", ds, back)
		}
	})
}

// FuzzReadIDX: malformed IDX input is an error, never a panic.
func FuzzReadIDX(f *testing.F) {
	f.Add([]byte("\x00\x00\x08\x03\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x02\x00\x33\x66\xff"), []byte("\x00\x00\x08\x01\x00\x00\x00\x01\x07"))
	f.Add([]byte("\x00\x00\x08\x03\xff\xff\xff\xff\x00\x00\x00\x02\x00\x00\x00\x02"), []byte("\x00\x00\x08\x01\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, img, lab []byte) {
		ds, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lab), IDX{})
		if err == nil {
			_ = ds.String()
		}
	})
}
