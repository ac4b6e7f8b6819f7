package display_test

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"tandem.dev/tandem/runtime/display"
)

func ExampleShow() {
	// Headless (no kernel), Show prints the text form.
	display.Show(display.Markdown("**iris**: 150 rows"))
	display.Show(errors.New("file not found"))
	// Output:
	// **iris**: 150 rows
	// error: file not found
}

func ExampleHandle_Update() {
	h := display.Show("epoch 1")
	h.Update("epoch 2") // in a notebook: replaces the output in place
	// Output:
	// epoch 1
	// epoch 2
}

func ExampleRender() {
	b := display.Render(display.LaTeX(`$\theta \leftarrow \theta - \alpha \nabla J(\theta)$`))
	fmt.Println(b["text/latex"])
	// Output:
	// $\theta \leftarrow \theta - \alpha \nabla J(\theta)$
}

func ExampleHTML() {
	b := display.Render(display.HTML("<b>bold</b>"))
	fmt.Println(b["text/html"], b["text/plain"])
	// Output:
	// <b>bold</b> HTML (11 bytes)
}

func ExampleJSON() {
	display.Show(display.JSON(map[string]any{"accuracy": 0.96}))
	// Output:
	// {
	//   "accuracy": 0.96
	// }
}

func ExampleImage() {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.SetGray(i, i, color.Gray{255})
	}
	display.Show(display.Image(img))
	// Output:
	// image 8×8
}

func ExampleProgress() {
	bar := display.Progress(1000)
	bar.Describe("simulate")
	sum := 0.0
	for i := range 1000 {
		bar.Step() // an interrupted cell stops here
		sum += math.Sqrt(float64(i))
	}
	// Headless, the bar prints its final line, e.g.
	// simulate: 100%|████████████████████| 1000/1000 [00:00, 2512346 it/s]
	fmt.Println(strings.Contains(bar.String(), "1000/1000"), sum > 0)
}

func ExampleTraining() {
	tv := display.Training(display.TrainingOptions{Epochs: 3, Title: "logistic regression"})
	for epoch := 1; epoch <= 3; epoch++ {
		tv.Step() // per batch
		tv.Epoch(1/float64(epoch), math.NaN())
	}
	tv.Done()
	fmt.Println(tv.TrainLoss())
}

// ds is a tiny dataset for the table example.
type ds struct{}

func (ds) Len() int                     { return 3 }
func (ds) Features() []string           { return []string{"x", "y"} }
func (ds) Column(name string) []float64 { return []float64{1, 2, 3} }
func (ds) LabelStrings() []string       { return []string{"a", "b", "a"} }

func ExampleTable() {
	p := display.Table(ds{}).Size(2)
	display.Show(p.Next())
	// Output:
	// #  x  y  label
	// 2  3  3  a
	// rows 2–2 of 3 · page 2 of 2
}

func ExampleSetSink() {
	// What the kernel does at session start: turn displays into messages.
	display.SetSink(display.SinkFunc(func(data, metadata map[string]any, id string, update bool) {
		kind := "display_data"
		if update {
			kind = "update_display_data"
		}
		fmt.Println(kind, data["text/markdown"])
	}))
	defer display.SetSink(nil)
	h := display.Show(display.Markdown("*loading*"))
	h.Update(display.Markdown("*done*"))
	// Output:
	// display_data *loading*
	// update_display_data *done*
}
