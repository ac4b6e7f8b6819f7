// Package cell turns the source of a notebook cell into code yaegi v0.16.1
// can evaluate with REPL semantics.
//
// A cell may mix imports, declarations and statements in any order; yaegi
// picks file mode or statement mode from the first token of what it is
// given, so Split cuts a cell into segments (imports, declarations,
// statements) that the kernel evaluates in order.
//
// # Positions
//
// Every segment starts with a line directive
//
//	//line _.go:<Encode(cell, line)>:<col>
//
// and every piece of text the rewriter inserts is followed by an inline
// /*line*/ comment, so positions yaegi reports decode to the cell's own
// coordinates (Decode). The file name stays "_.go": yaegi keys imports by
// file name, and another name would hide earlier imports.
//
// # Rewrites
//
// Split rewrites what yaegi lacks or gets wrong (see DESIGN.md §8):
//
//   - `for i := range n` over an integer (a literal, len/cap, a conversion,
//     an integer variable of the cell or of the session);
//   - Go 1.22 per-iteration loop variables, when the body captures them;
//   - min, max (as generic helpers the kernel defines) and clear (a
//     compiled helper);
//   - yaegi cannot compile a top-level definition from a generic call:
//     `x := min(a, b)` becomes `var x T; x = …` when T can be told from the
//     arguments, and `x := G(…)` (a generic func of the session, or min and
//     max otherwise) is hoisted: the value is computed inside a function as
//     any (HoistVar) and the kernel defines x with its dynamic type;
//   - yaegi cannot compile a top-level `v := x[i]` (or `var v = x[i]`)
//     when x has a compiled type ("constant definition loop"): the
//     statement is hoisted too, as a pointer to the value (Segment.Direct),
//     and the kernel defines v with the pointer's element type, unless the
//     statement compiles as written;
//   - a top-level definition that redefines a variable of an earlier cell
//     and reads it (`c := c + 1`, `a, b := b, a`) sets temporaries first
//     and defines the variables from them in a second Eval (Segment.Then):
//     yaegi read the new, zero variables;
//   - a composite literal among the values of a multi-value assignment or
//     definition is put in parentheses (yaegi zeroes the other values of
//     `x, eta, path := 0.0, 0.25, []float64{}`);
//   - top-level `v, ok := m[k]`, `v, ok := x.(T)` and `v, ok := <-ch`
//     (the last needs the channel's element type from Options.TypeOf);
//   - top-level compound statements (if, for, switch, select, blocks) run
//     inside a function literal, which fixes type switches, multi-value
//     `:=` in nested blocks and `:=` in loops that must shadow a global;
//   - `var` declarations run as statements, so `var b = a` over an earlier
//     cell's `a` works;
//   - range over a function (Go 1.23 iterators) when the iterator's type is
//     known (a func literal, a session variable, a call of a session func):
//     the body becomes the yield func, its break and continue returns.
//   - struct types get a reflect type of their own (yaegi builds them with
//     reflect.StructOf, which gives two cell types with the same fields
//     one type, so type switches, assertions and rendering mixed them
//     up): the last field gets the tag key tandem:"<name>", an empty
//     struct a blank field of the compiled zero-size TypeTag, which
//     prints as nothing (%+v shows "{X_:}");
//   - a type switch that binds nothing binds SwitchVar (yaegi never
//     matches a cell type in a switch without a binding);
//   - fmt.Fprint*(os.Stdout|os.Stderr, …) writes to HelperAlias.Stdout
//     and .Stderr, the kernel's ordered writers;
//   - a call of the session's func main calls MainFunc.
//
// A pasted Go program works: a leading package clause is ignored, and func
// main (which yaegi would run again after every later cell) is renamed and
// called once, after the cell's other code.
//
// It inserts the cooperative interrupt check
//
//	if *__th.Stop != 0 { __th.Check() }
//
// at loop heads and function entries (HostAlias imports runtime/host), and
// a statement mark `__tl = <EncodeMark(cell, line, col)>` before
// statements that can panic, so the kernel can point a runtime panic at the
// failing statement.
//
// BUG(session): range over a function whose type the cell cannot tell (a
// local variable, a compiled iterator), or whose body returns or uses
// labels, is not rewritten; yaegi reports it as an error.
//
// BUG(session): Go 1.22 loop variables are copied per iteration only when
// the body captures them (a func literal, go, defer, &v) and does not
// assign them; a body that both captures and assigns a three-clause loop's
// variable keeps the pre-1.22 semantics.
package cell
