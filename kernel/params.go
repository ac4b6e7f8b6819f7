package kernel

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"

	"tandem.dev/tandem/kernel/cell"
)

// nameParams gives a name (_p0, _p1, …) to every unnamed parameter of the
// methods declared in src. yaegi mishandles a method with an unnamed
// parameter when compiled code calls it through an interface (a cell type
// passed as train.Progress with `Epoch(float64, float64)` panics with
// "reflect.Set: value of type float64 is not assignable to type *int32");
// named, the same method works. src is returned unchanged if it does not
// parse or has nothing to name.
func nameParams(src string) string {
	const head = "package p\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", head+src, parser.SkipObjectResolution)
	if err != nil {
		return src
	}
	type ins struct {
		at   int
		text string
	}
	var l []ins
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || fd.Type.Params == nil {
			continue
		}
		n := 0
		for _, p := range fd.Type.Params.List {
			if len(p.Names) > 0 {
				n += len(p.Names)
				continue
			}
			l = append(l, ins{fset.Position(p.Type.Pos()).Offset - len(head), "_p" + strconv.Itoa(n) + " "})
			n++
		}
	}
	if len(l) == 0 {
		return src
	}
	sort.Slice(l, func(i, j int) bool { return l[i].at > l[j].at })
	for _, x := range l {
		if x.at < 0 || x.at > len(src) {
			return src
		}
		src = src[:x.at] + x.text + src[x.at:]
	}
	return src
}

// nameAllParams applies nameParams to the declaration segments of c and
// to their items (which replays after a rebuild evaluate).
func nameAllParams(c *cell.Cell) {
	for i := range c.Segments {
		seg := &c.Segments[i]
		if seg.Kind != cell.Decl {
			continue
		}
		seg.Src = nameParams(seg.Src)
		for j := range seg.Items {
			seg.Items[j].Src = nameParams(seg.Items[j].Src)
		}
	}
}
