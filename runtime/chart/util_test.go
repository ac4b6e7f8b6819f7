package chart

import "math"

func sin(x float64) float64 { return math.Sin(x) }
func nan() float64          { return math.NaN() }

func cosAll(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Cos(v)
	}
	return y
}

func shift(v []float64, d float64) []float64 {
	for i := range v {
		v[i] += d
	}
	return v
}
