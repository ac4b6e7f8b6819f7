// %% [markdown]
// # Exploratory analysis of a CSV file
//
// Before modelling anything, look at the data: what is in each column, what is
// missing, how values are spread, how columns relate. This notebook does it for a
// small table of flats for sale, flaws included.
//
// You will learn:
//
// - how to load a CSV and read the loading report (missing and unreadable cells);
// - how to summarize columns, count missing values and drop or keep incomplete rows;
// - how to draw histograms, box plots and a scatter-plot matrix;
// - that this notebook also exists as a plain Go file, `_scripts/eda.go`, in the percent format:
//   the same cells, readable in any editor and easy to diff.
//
// The data, `flats.csv`, is **synthetic**: 240 flats for sale in four districts of an
// imaginary city, generated with a fixed seed by this folder's tests, with the flaws
// of a real export: years not given, floors left blank ("NA"), prices "on request"
// ("?") and an area typed with its unit.

// %%
flats := data.LoadCSV("flats.csv", data.CSV{Key: "id", Label: "district"})
flats

// %% [markdown]
// ## What loading found
//
// Empty cells and the usual markers (`NA`, `?`, `null`…) are read as missing. A cell
// that cannot be read as its column's kind (a number column holding `"58.3m2"`) is
// also stored as missing, and reported as invalid.

// %%
flats.Report()

// %%
flats.Describe()

// %% [markdown]
// ## Missing values
//
// How many rows are complete? `DropMissing` gives a view without the rows missing a
// numeric value; it leaves `flats` itself alone.

// %%
complete := flats.DropMissing()
fmt.Printf("%d of %d rows are complete (%.0f%%)\n", complete.Len(), flats.Len(), 100*float64(complete.Len())/float64(flats.Len()))
for _, c := range flats.Features() {
	n := 0
	for _, v := range flats.Column(c) {
		if math.IsNaN(v) {
			n++
		}
	}
	if n > 0 {
		fmt.Printf("  %-12s %2d missing\n", c, n)
	}
}

// %% [markdown]
// ## Distributions
//
// A histogram per column shows the shape of its values; split by district it shows
// how the groups differ. (Missing values are left out.)

// %%
chart.Grid([]*chart.Chart{
	chart.Histogram(flats.Column("area_m2"), 20).With(chart.Options{Title: "area (m²)"}),
	chart.Histogram(flats.Column("price_k"), 20).With(chart.Options{Title: "price (k)"}),
	chart.Histogram(flats.Column("year_built"), 20).With(chart.Options{Title: "year built"}),
	chart.Histogram(flats.Column("distance_km"), 20).With(chart.Options{Title: "distance to centre (km)"}),
}, 2)

// %%
chart.HistogramBy(flats.Column("year_built"), flats.LabelStrings(), 20).With(chart.Options{Title: "year built, by district"})

// %% [markdown]
// Price per square metre is the number people compare; a box plot per district shows
// its median, spread and outliers.

// %%
perM2 := map[string][]float64{}
area, price := flats.Column("area_m2"), flats.Column("price_k")
for i, d := range flats.LabelStrings() {
	if !math.IsNaN(area[i]) && !math.IsNaN(price[i]) {
		perM2[d] = append(perM2[d], 1000*price[i]/area[i])
	}
}
groups := [][]float64{}
for _, d := range flats.Classes() {
	groups = append(groups, perM2[d])
	sort.Float64s(perM2[d])
	fmt.Printf("%-10s median %5.0f per m² (%d flats)\n", d, perM2[d][len(perM2[d])/2], len(perM2[d]))
}
chart.BoxPlot(groups, flats.Classes()).With(chart.Options{Title: "price per m²", YLabel: "per m²"})

// %% [markdown]
// ## How columns relate
//
// The scatter-plot matrix draws every pair of columns, coloured by district, with
// each column's distribution on the diagonal.

// %%
chart.Pairs(complete, []string{"area_m2", "rooms", "year_built", "distance_km", "price_k"})

// %% [markdown]
// Reading it: price grows with area in every district, but the slope differs (Old
// Town is dearest per m²); districts are separated by distance and by building
// year; rooms and area go together, as they must.
//
// ## What to try next
//
// - Fill the missing years with each district's median instead of dropping rows, and
//   see whether the box plots change.
// - Fit a linear model of `price_k` (load with `data.CSV{Target: "price_k"}`) and
//   look at what it gets wrong.
// - Open `_scripts/eda.go` in an editor: it is this notebook as a script.
//   `tandem run _scripts/eda.go` runs it headless; `tandem export --to script` writes one from any notebook.
