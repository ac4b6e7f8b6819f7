package data

import (
	"fmt"
	"math"
)

// Gen holds the options of the teaching generators. The zero value gives
// 200 noiseless rows with seed 0 and each generator's usual shape.
type Gen struct {
	N        int     // rows; default 200
	Noise    float64 // standard deviation of Gaussian noise added to each coordinate (Linear: to the target)
	Seed     int64
	Classes  int // Blobs: default 3; Spirals: default 3
	Features int // Blobs: default 2; Linear: default 1
	// Spread is the standard deviation of each blob (Blobs, default 1) or
	// the ratio of the inner to the outer circle (Circles, default 0.5).
	Spread float64
}

func (g Gen) n() int {
	if g.N <= 0 {
		return 200
	}
	return g.N
}

// Moons returns two interleaving half circles in 2-D, classes "0" and "1",
// as scikit-learn's make_moons (rows alternate between the moons).
func Moons(g Gen) *Dataset {
	n := g.n()
	rng := Rand(g.Seed)
	nOut := n - n/2 // first moon gets the odd row, like make_moons
	x := make([][]float64, 0, n)
	y := make([]int, 0, n)
	for i := 0; i < nOut; i++ {
		t := math.Pi * float64(i) / float64(max1(nOut-1))
		x = append(x, []float64{math.Cos(t), math.Sin(t)})
		y = append(y, 0)
	}
	nIn := n / 2
	for i := 0; i < nIn; i++ {
		t := math.Pi * float64(i) / float64(max1(nIn-1))
		x = append(x, []float64{1 - math.Cos(t), 0.5 - math.Sin(t)})
		y = append(y, 1)
	}
	addNoise(x, g.Noise, rng.NormFloat64)
	x, y = interleave(x, y, rng.Perm(n))
	return New(Frame{Name: "moons", X: x, Y: y, Features: []string{"x", "y"}, Classes: []string{"0", "1"}})
}

// Circles returns a small circle inside a large one in 2-D: class "0" the
// outer, "1" the inner (radius Spread, default 0.5), as make_circles.
func Circles(g Gen) *Dataset {
	n := g.n()
	factor := g.Spread
	if factor <= 0 || factor >= 1 {
		factor = 0.5
	}
	rng := Rand(g.Seed)
	nOut := n - n/2
	x := make([][]float64, 0, n)
	y := make([]int, 0, n)
	for i := 0; i < nOut; i++ {
		t := 2 * math.Pi * float64(i) / float64(nOut)
		x = append(x, []float64{math.Cos(t), math.Sin(t)})
		y = append(y, 0)
	}
	for i := 0; i < n/2; i++ {
		t := 2 * math.Pi * float64(i) / float64(n/2)
		x = append(x, []float64{factor * math.Cos(t), factor * math.Sin(t)})
		y = append(y, 1)
	}
	addNoise(x, g.Noise, rng.NormFloat64)
	x, y = interleave(x, y, rng.Perm(n))
	return New(Frame{Name: "circles", X: x, Y: y, Features: []string{"x", "y"}, Classes: []string{"0", "1"}})
}

// Blobs returns Gaussian clusters, one per class (default 3), in Features
// dimensions (default 2): centers drawn uniformly in [-10, 10]ᵈ, each blob
// with standard deviation Spread (default 1), as make_blobs. Noise is added
// on top.
func Blobs(g Gen) *Dataset {
	n := g.n()
	k := g.Classes
	if k <= 0 {
		k = 3
	}
	d := g.Features
	if d <= 0 {
		d = 2
	}
	sd := g.Spread
	if sd <= 0 {
		sd = 1
	}
	rng := Rand(g.Seed)
	centers := make([][]float64, k)
	for c := range centers {
		centers[c] = make([]float64, d)
		for j := range centers[c] {
			centers[c][j] = rng.Float64()*20 - 10
		}
	}
	x := make([][]float64, n)
	y := make([]int, n)
	for i := range x {
		c := i % k
		y[i] = c
		x[i] = make([]float64, d)
		for j := range x[i] {
			x[i][j] = centers[c][j] + sd*rng.NormFloat64()
		}
	}
	addNoise(x, g.Noise, rng.NormFloat64)
	x, y = interleave(x, y, rng.Perm(n))
	return New(Frame{Name: "blobs", X: x, Y: y, Features: axisNames(d), Classes: classNames(k)})
}

// Spirals returns Classes (default 3) interleaved spiral arms in 2-D, the
// classic non-linear teaching set: arm c has points at radius r ∈ [0, 1]
// and angle 4c + 4r (radians), plus Noise.
func Spirals(g Gen) *Dataset {
	n := g.n()
	k := g.Classes
	if k <= 0 {
		k = 3
	}
	rng := Rand(g.Seed)
	x := make([][]float64, n)
	y := make([]int, n)
	per := (n + k - 1) / k
	for i := range x {
		c, j := i%k, i/k
		r := float64(j) / float64(max1(per-1))
		th := 4*float64(c) + 4*r
		x[i] = []float64{r * math.Sin(th), r * math.Cos(th)}
		y[i] = c
	}
	addNoise(x, g.Noise, rng.NormFloat64)
	x, y = interleave(x, y, rng.Perm(n))
	return New(Frame{Name: "spirals", X: x, Y: y, Features: []string{"x", "y"}, Classes: classNames(k)})
}

// Linear returns a regression set (a noisy line, plane, …): Features
// (default 1) inputs drawn uniformly in [-1, 1] and the target
// y = w·x + b + Noise·ε, with w and b drawn from the seed (each uniform in
// [-2, 2]); LinearCoefficients(g) tells the true w and b.
func Linear(g Gen) *Dataset {
	ds, _ := linear(g)
	return ds
}

// LinearCoefficients returns the true weights and intercept Linear(g) used.
func LinearCoefficients(g Gen) (w []float64, b float64) {
	_, c := linear(g)
	return c[:len(c)-1], c[len(c)-1]
}

func linear(g Gen) (*Dataset, []float64) {
	n := g.n()
	d := g.Features
	if d <= 0 {
		d = 1
	}
	rng := Rand(g.Seed)
	coef := make([]float64, d+1)
	for j := range coef {
		coef[j] = rng.Float64()*4 - 2
	}
	x := make([][]float64, n)
	t := make([]float64, n)
	for i := range x {
		x[i] = make([]float64, d)
		v := coef[d]
		for j := range x[i] {
			x[i][j] = rng.Float64()*2 - 1
			v += coef[j] * x[i][j]
		}
		t[i] = v + g.Noise*rng.NormFloat64()
	}
	return New(Frame{Name: "linear", X: x, Targets: t, Features: axisNames(d)}), coef
}

func addNoise(x [][]float64, sd float64, norm func() float64) {
	if sd == 0 {
		return
	}
	for _, row := range x {
		for j := range row {
			row[j] += sd * norm()
		}
	}
}

func interleave(x [][]float64, y []int, perm []int) ([][]float64, []int) {
	nx := make([][]float64, len(x))
	ny := make([]int, len(y))
	for i, p := range perm {
		nx[i], ny[i] = x[p], y[p]
	}
	return nx, ny
}

func axisNames(d int) []string {
	out := make([]string, d)
	for j := range out {
		out[j] = fmt.Sprintf("x%d", j)
	}
	return out
}

func classNames(k int) []string {
	out := make([]string, k)
	for c := range out {
		out[c] = fmt.Sprint(c)
	}
	return out
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
