package export_test

import (
	"fmt"

	"tandem.dev/tandem/kernel/export"
	"tandem.dev/tandem/kernel/notebook"
)

func ExampleScript() {
	nb := notebook.New()
	nb.Cells = []*notebook.Cell{
		{Type: "markdown", Source: "# Sums", Metadata: map[string]any{}},
		{Type: "code", Source: "n := 10", Metadata: map[string]any{"tags": []any{"parameters"}}},
		{Type: "code", Source: "fmt.Println(n * (n + 1) / 2)", Metadata: map[string]any{}},
	}
	fmt.Print(string(export.Script(nb)))
	// Output:
	// // %% [markdown]
	// // # Sums
	//
	// // %% tags=["parameters"]
	// n := 10
	//
	// // %%
	// fmt.Println(n * (n + 1) / 2)
}

func ExampleMarkdown() {
	nb := notebook.New()
	one := 1
	nb.Cells = []*notebook.Cell{
		{Type: "code", Source: "fmt.Println(\"hi\")", Metadata: map[string]any{}, ExecutionCount: &one,
			Outputs: []map[string]any{{"output_type": "stream", "name": "stdout", "text": "hi\n"}}},
	}
	md := export.Markdown(nb, export.MarkdownOptions{FilesDir: "hi_files"})
	fmt.Print(string(md.Text))
	fmt.Println(len(md.Files), "files")
	// Output:
	// ```go
	// fmt.Println("hi")
	// ```
	//
	// ```text
	// hi
	// ```
	// 0 files
}
