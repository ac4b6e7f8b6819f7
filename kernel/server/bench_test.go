package server

import (
	"encoding/json"
	"fmt"
	"testing"

	"tandem.dev/tandem/kernel/notebook"
)

// bigNotebook is n code cells, each with a few lines of source and a
// stream and a text result output.
func bigNotebook(n int) []byte {
	nb := notebook.New()
	for i := range n {
		count := i + 1
		nb.Cells = append(nb.Cells, &notebook.Cell{ID: fmt.Sprintf("c%d", i), Type: "code", ExecutionCount: &count,
			Source:   fmt.Sprintf("x%d := %d\nfor i := 0; i < 3; i++ {\n\tfmt.Println(i, x%d)\n}\nx%d * 2", i, i, i, i),
			Metadata: map[string]any{},
			Outputs: []map[string]any{
				{"output_type": "stream", "name": "stdout", "text": "0 1\n1 1\n2 1\n"},
				{"output_type": "execute_result", "execution_count": count, "metadata": map[string]any{}, "data": map[string]any{"text/plain": fmt.Sprint(i * 2)}},
			}})
	}
	b, _ := notebook.Format(nb)
	return b
}

// BenchmarkContents_Get1000Cells is the server's share of opening a
// 1,000-cell notebook: read, parse, encode the API model.
func BenchmarkContents_Get1000Cells(b *testing.B) {
	h := newHarness(b, nil)
	h.write("big.ipynb", string(bigNotebook(1000)))
	b.ResetTimer()
	for range b.N {
		r := h.do("GET", "/api/contents/big.ipynb", nil)
		if r.Code != 200 {
			b.Fatal(r.Code)
		}
	}
}

// BenchmarkContents_Put1000Cells is saving it: decode, validate, format,
// atomic write.
func BenchmarkContents_Put1000Cells(b *testing.B) {
	h := newHarness(b, nil)
	var content any
	json.Unmarshal(bigNotebook(1000), &content)
	body, _ := json.Marshal(map[string]any{"type": "notebook", "content": content})
	b.ResetTimer()
	for range b.N {
		if r := h.do("PUT", "/api/contents/big.ipynb", body); r.Code != 200 && r.Code != 201 {
			b.Fatal(r.Code, string(r.Body))
		}
	}
}
