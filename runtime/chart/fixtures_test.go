package chart

import (
	"math"
	"math/rand/v2"
)

// Fixtures shared by the tests, benchmarks and examples; seeded, so the
// golden images are stable.

func normals(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

// irisLike is a three-class dataset shaped like iris' petal columns.
type irisLike struct {
	n      int
	cols   map[string][]float64
	labels []string
}

func newIrisLike(perClass int) *irisLike {
	d := &irisLike{cols: map[string][]float64{}}
	r := rand.New(rand.NewPCG(7, 7))
	means := [][2]float64{{1.46, 0.25}, {4.26, 1.33}, {5.55, 2.03}}
	sds := [][2]float64{{0.17, 0.1}, {0.47, 0.2}, {0.55, 0.27}}
	names := []string{"setosa", "versicolor", "virginica"}
	for k := range 3 {
		for range perClass {
			d.cols["petal_length"] = append(d.cols["petal_length"], means[k][0]+sds[k][0]*r.NormFloat64())
			d.cols["petal_width"] = append(d.cols["petal_width"], means[k][1]+sds[k][1]*r.NormFloat64())
			d.labels = append(d.labels, names[k])
		}
	}
	d.n = 3 * perClass
	return d
}

func (d *irisLike) Column(name string) []float64 {
	c, ok := d.cols[name]
	if !ok {
		panic("no column " + name + "; columns: petal_length, petal_width")
	}
	return c
}
func (d *irisLike) LabelStrings() []string { return d.labels }
func (d *irisLike) Classes() []string      { return []string{"setosa", "versicolor", "virginica"} }

type history struct{ train, val []float64 }

func (h history) TrainLoss() []float64      { return h.train }
func (h history) ValidationLoss() []float64 { return h.val }

func lossHistory(epochs int, withVal bool) history {
	var h history
	for e := range epochs {
		t := float64(e)
		h.train = append(h.train, 1.1*math.Exp(-t/25)+0.08+0.01*math.Sin(t))
		if withVal {
			h.val = append(h.val, 1.15*math.Exp(-t/28)+0.13+0.0004*t)
		}
	}
	return h
}

// rocCurve returns the ROC of scores from two overlapping normals.
func rocCurve(n int) (fpr, tpr []float64) {
	pos, neg := normals(n, 3), normals(n, 4)
	for i := range pos {
		pos[i] += 1.4
	}
	for k := 0; k <= 100; k++ {
		th := 4 - 8*float64(k)/100
		fp, tp := 0, 0
		for i := range pos {
			if pos[i] >= th {
				tp++
			}
			if neg[i] >= th {
				fp++
			}
		}
		fpr, tpr = append(fpr, float64(fp)/float64(n)), append(tpr, float64(tp)/float64(n))
	}
	return
}

// digitImages draws simple 8×8 glyphs of 0–9 with values 0–16, like
// scikit-learn's digits.
func digitImages() ([][]float64, []string) {
	var imgs [][]float64
	var labels []string
	shapes := map[int][]string{
		0: {"..####..", ".#....#.", "#......#", "#......#", "#......#", "#......#", ".#....#.", "..####.."},
		1: {"...##...", "..###...", ".#.##...", "...##...", "...##...", "...##...", "...##...", ".######."},
		2: {"..####..", ".#....#.", "......#.", ".....#..", "....#...", "...#....", "..#.....", ".######."},
		3: {"..####..", ".#....#.", "......#.", "...###..", "......#.", "......#.", ".#....#.", "..####.."},
		4: {".....#..", "....##..", "...#.#..", "..#..#..", ".######.", ".....#..", ".....#..", ".....#.."},
		5: {".######.", ".#......", ".#......", ".#####..", "......#.", "......#.", ".#....#.", "..####.."},
		6: {"..####..", ".#......", "#.......", "#.####..", "##....#.", "#......#", ".#....#.", "..####.."},
		7: {".######.", "......#.", ".....#..", "....#...", "...#....", "...#....", "...#....", "...#...."},
		8: {"..####..", ".#....#.", ".#....#.", "..####..", ".#....#.", ".#....#.", ".#....#.", "..####.."},
		9: {"..####..", ".#....#.", ".#....#.", "..#####.", "......#.", "......#.", ".....#..", "..###..."},
	}
	for k := range 20 {
		d := k % 10
		img := make([]float64, 64)
		for r, row := range shapes[d] {
			for c, ch := range row {
				if ch == '#' {
					img[r*8+c] = 16 - float64((r+c+k)%5)
				}
			}
		}
		imgs = append(imgs, img)
		labels = append(labels, string(rune('0'+d)))
	}
	return imgs, labels
}

// bowl is a stretched quadratic bowl.
func bowl(x, y float64) float64 { return 0.5*x*x + 4*y*y }

// bowlPath runs plain gradient descent on bowl.
func bowlPath(steps int) (px, py []float64) {
	x, y, lr := -3.5, 1.2, 0.2
	for range steps + 1 {
		px, py = append(px, x), append(py, y)
		gx, gy := x, 8*y
		x, y = x-lr*gx, y-lr*gy
	}
	return
}

// blobs are two-class points with a linear boundary x + y = 0 for the
// decision-boundary chart.
func blobs(n int) (x, y []float64, labels []int) {
	r := rand.New(rand.NewPCG(11, 2))
	for i := range n {
		k := i % 2
		m := -1.0
		if k == 1 {
			m = 1
		}
		x = append(x, m+0.8*r.NormFloat64())
		y = append(y, m+0.8*r.NormFloat64())
		labels = append(labels, k)
	}
	return
}

func linearPredict(x, y float64) int {
	if x+y > 0 {
		return 1
	}
	return 0
}
