package kernel_test

import (
	"context"
	"fmt"

	"tandem.dev/tandem/kernel"
	"tandem.dev/tandem/stdlib"
)

// printSink prints what a cell streams.
type printSink struct{}

func (printSink) Stream(name, text string)            { fmt.Printf("%s: %s", name, text) }
func (printSink) Display(kernel.Bundle, string, bool) {}

func ExampleSession_Execute() {
	s, err := kernel.New(kernel.Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	ctx := context.Background()

	s.Execute(ctx, "x := 20\nfunc double(n int) int { return 2 * n }", printSink{})
	r := s.Execute(ctx, "fmt.Println(\"computing\")\ndouble(x) + 2", printSink{})
	fmt.Println(r.Count, r.Value.Data["text/plain"])

	r = s.Execute(ctx, "xs := []int{1}\nxs[x]", printSink{})
	fmt.Println(r.Err)
	// Output:
	// stdout: computing
	// 2 42
	// cell 3, line 2:1: panic: runtime error: index out of range [20] with length 1
}

func ExampleSession_Complete() {
	s, err := kernel.New(kernel.Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	s.Execute(context.Background(), "type Point struct{ X, Y float64 }\np := Point{1, 2}", nil)
	c := s.Complete("p.", 2)
	fmt.Println(c.Matches, c.CursorStart, c.CursorEnd)
	// Output:
	// [X Y] 2 2
}
