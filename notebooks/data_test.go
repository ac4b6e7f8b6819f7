package notebooks

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// The CSV files beside the notebooks are synthetic: made by the generators
// below from fixed seeds (math/rand/v2's PCG, whose stream is fixed by the
// Go 1 compatibility promise), not measurements of anything real. The test
// checks that the committed files are what the generators make;
// `go test ./notebooks -run CSV -update` rewrites them.
func TestCSV(t *testing.T) {
	for _, f := range []struct {
		name string
		gen  func() []byte
	}{
		{"flats.csv", flatsCSV},
		{"credit.csv", creditCSV},
	} {
		got := f.gen()
		if *update {
			if err := os.WriteFile(f.name, got, 0o644); err != nil {
				t.Fatal(err)
			}
			if f.name == "flats.csv" { // for the script twin, run in its folder
				if err := os.WriteFile("_scripts/flats.csv", got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		want, err := os.ReadFile(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what its generator makes (go test ./notebooks -run CSV -update)", f.name)
		}
		if f.name == "flats.csv" {
			if b, err := os.ReadFile("_scripts/flats.csv"); err != nil || !bytes.Equal(b, want) {
				t.Errorf("_scripts/flats.csv is not flats.csv (go test ./notebooks -run CSV -update)")
			}
		}
	}
}

// flatsCSV makes flats.csv, for the exploratory-analysis notebook: 240
// flats for sale in four districts of an imaginary city, with the gaps a
// real listing export has (a year not given, a floor left blank, a price
// "on request" written as "?", a typo'd area).
func flatsCSV() []byte {
	r := rand.New(rand.NewPCG(7, 2026))
	var b bytes.Buffer
	b.WriteString("id,district,area_m2,rooms,year_built,floor,distance_km,price_k\n")
	type district struct {
		name        string
		dist, sd    float64 // distance to the centre, km
		perM2, year float64 // price per m² (k), typical year built
	}
	ds := []district{
		{"Old Town", 1.0, 0.5, 6.2, 1905},
		{"Riverside", 3.0, 1.0, 4.8, 1975},
		{"Hillcrest", 5.5, 1.5, 3.9, 1992},
		{"Newfield", 9.0, 2.0, 3.1, 2012},
	}
	for i := 1; i <= 240; i++ {
		d := ds[r.IntN(len(ds))]
		rooms := 1 + r.IntN(5)
		area := 18 + float64(rooms)*17 + r.NormFloat64()*9
		if area < 16 {
			area = 16 + r.Float64()*4
		}
		year := math.Round(d.year + r.NormFloat64()*12)
		if year > 2025 {
			year = 2025
		}
		floor := r.IntN(8)
		dist := math.Abs(d.dist + r.NormFloat64()*d.sd)
		price := area * d.perM2 * (1 + 0.004*(year-1950)/10) * math.Exp(r.NormFloat64()*0.12) * (1 + 0.01*float64(floor))
		cells := []string{
			fmt.Sprintf("F%03d", i), d.name,
			fmt.Sprintf("%.1f", area), fmt.Sprint(rooms),
			fmt.Sprintf("%.0f", year), fmt.Sprint(floor),
			fmt.Sprintf("%.2f", dist), fmt.Sprintf("%.0f", price),
		}
		switch u := r.Float64(); {
		case u < 0.08:
			cells[4] = "" // year not given
		case u < 0.12:
			cells[5] = "NA"
		case u < 0.15:
			cells[7] = "?" // price on request
		case u < 0.16:
			cells[2] = cells[2] + "m2" // typed with its unit: unreadable as a number
		}
		for j, c := range cells {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(c)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// creditCSV makes credit.csv, for the risk-scoring notebook: 2,000 loan
// applications and whether the loan later defaulted, drawn from a logistic
// model of made-up but plausible effects (more debt and late payments:
// more risk; more income and years employed: less).
func creditCSV() []byte {
	r := rand.New(rand.NewPCG(11, 2026))
	var b bytes.Buffer
	b.WriteString("id,age,income_k,debt_ratio,credit_lines,late_payments,years_employed,default\n")
	for i := 1; i <= 2000; i++ {
		age := 21 + r.IntN(45)
		years := math.Max(0, math.Min(float64(age-20), r.ExpFloat64()*7))
		income := math.Exp(3.4 + 0.012*float64(age-21) + 0.02*years + r.NormFloat64()*0.45)
		debt := math.Min(1.5, math.Max(0, 0.3+r.NormFloat64()*0.18))
		lines := r.IntN(9)
		late := 0
		for k := 0; k < 4; k++ {
			if r.Float64() < 0.08+0.25*debt {
				late++
			}
		}
		z := -2.6 + 3.2*(debt-0.3) + 0.75*float64(late) - 0.9*math.Log(income/40) - 0.06*years + 0.05*float64(lines-4) - 0.01*float64(age-40)
		def := "no"
		if r.Float64() < 1/(1+math.Exp(-z)) {
			def = "yes"
		}
		fmt.Fprintf(&b, "A%04d,%d,%.1f,%.3f,%d,%d,%.1f,%s\n", i, age, income, debt, lines, late, years, def)
	}
	return b.Bytes()
}
