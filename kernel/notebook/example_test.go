package notebook_test

import (
	"fmt"

	"tandem.dev/tandem/kernel/notebook"
)

func ExampleParseScript() {
	nb, err := notebook.ParseScript([]byte("// %% [markdown]\n// # Sums\n\n// %%\nx := 1 + 1\nx\n"))
	if err != nil {
		panic(err)
	}
	for _, c := range nb.Cells {
		fmt.Printf("%s %q\n", c.Type, c.Source)
	}
	out, _ := notebook.Format(nb)
	fmt.Println(len(out) > 0)
	// Output:
	// markdown "# Sums"
	// code "x := 1 + 1\nx"
	// true
}

func ExampleParse() {
	_, err := notebook.Parse([]byte(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}`))
	fmt.Println(err)
	// Output:
	// notebook: cell 1: source: is a number, want a string or an array of strings
}
