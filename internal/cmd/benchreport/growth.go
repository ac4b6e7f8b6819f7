package main

import (
	"math"
	"sort"
)

// Growth is how one of Tandem's costs grows with the size of the work: the
// least-squares slope of log(median) against log(n) over the series' sizes.
type Growth struct {
	Series string    `json:"series"`
	Impl   string    `json:"impl"`
	Unit   string    `json:"unit"`
	N      []float64 `json:"n"`
	Median []float64 `json:"median"`
	Slope  float64   `json:"slope"`
	Rate   string    `json:"rate"`
	// LastSlope is the slope between the two largest sizes: where a cost
	// that looks linear overall turns superlinear at the top.
	LastSlope float64 `json:"last_slope"`
}

// growths gathers the figures that carry a series and fits each series,
// for Tandem and for every anchor measured on it.
func growths(rep *Report) []*Growth {
	var out []*Growth
	index := map[string]*Growth{}
	for _, f := range rep.Figures {
		if f.Series == "" || f.N <= 0 {
			continue
		}
		for _, st := range f.Stats {
			if st.Median <= 0 {
				continue
			}
			key := f.Series + "\x00" + st.Impl
			g := index[key]
			if g == nil {
				g = &Growth{Series: f.Series, Impl: st.Impl, Unit: f.Unit}
				index[key] = g
				out = append(out, g)
			}
			g.N = append(g.N, f.N)
			g.Median = append(g.Median, st.Median)
		}
	}
	// Tandem first, each anchor after it, series in the order met.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Series != out[j].Series {
			return false
		}
		return out[i].Impl == "tandem" && out[j].Impl != "tandem"
	})
	for _, g := range out {
		idx := make([]int, len(g.N))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return g.N[idx[a]] < g.N[idx[b]] })
		n, m := make([]float64, len(idx)), make([]float64, len(idx))
		for i, j := range idx {
			n[i], m[i] = g.N[j], g.Median[j]
		}
		g.N, g.Median = n, m
		g.Slope = slope(n, m)
		g.Rate = rate(g.Slope, len(n))
		if k := len(n); k >= 2 {
			g.LastSlope = slope(n[k-2:], m[k-2:])
		}
	}
	return out
}

// slope fits log y = a + b log x by least squares and returns b.
func slope(x, y []float64) float64 {
	if len(x) < 2 {
		return math.NaN()
	}
	var sx, sy, sxx, sxy float64
	for i := range x {
		lx, ly := math.Log(x[i]), math.Log(y[i])
		sx += lx
		sy += ly
		sxx += lx * lx
		sxy += lx * ly
	}
	k := float64(len(x))
	d := k*sxx - sx*sx
	if d == 0 {
		return math.NaN()
	}
	return (k*sxy - sx*sy) / d
}

// rate names a log-log slope. Over 10³–10⁶, n log n has a slope of about
// 1.1 and a fixed cost plus a linear one a slope below 1.
func rate(b float64, points int) string {
	switch {
	case points < 2 || math.IsNaN(b):
		return "too few sizes to tell"
	case b < 0.15:
		return "constant (independent of n)"
	case b < 0.6:
		return "sublinear (a fixed cost dominates at small n)"
	case b < 0.9:
		return "near linear (a fixed cost shows at small n)"
	case b < 1.08:
		return "linear"
	case b < 1.25:
		return "n log n (slightly above linear)"
	case b < 1.8:
		return "superlinear (between n log n and n²)"
	default:
		return "quadratic or worse"
	}
}
