// Package chart draws plots on gonum/plot that render themselves in a
// notebook: each function returns a *Chart whose MIMEBundle is an SVG, or a
// PNG for dense plots, and which can be saved by file extension.
//
//	chart.Scatter(ds, "petal_length", "petal_width") // coloured by label
//	chart.Loss(history)                              // train and validation
//	chart.Confusion(counts, classes).Save("cm.pdf")
//	chart.Pairs(ds, ds.Features())                   // scatter-plot matrix
//	chart.Grid([]*chart.Chart{a, b, c}, 2)           // several charts, one figure
//
// # Inputs
//
// Plain slices, plus small interfaces so this package needs neither
// runtime/data nor runtime/train: Columns (a dataset's columns and labels)
// and History (a training history's losses).
//
// # Looks
//
// Titles and axis labels come from column names where there are any;
// series and classes take the colour-blind-safe Okabe–Ito palette (Palette),
// matrices and surfaces viridis. Options (through With) change the title,
// labels, size, resolution and output format, and name the first series of
// a Line or ROC chart (AddLine and AddROC name the others):
//
//	chart.Histogram(x, 0).With(chart.Options{Title: "petal length", Width: 8})
//	chart.ROC(fpr, tpr).With(chart.Options{Name: "logistic"}).AddROC("tree", fpr2, tpr2)
//
// # Speed
//
// Markers of scatter plots are rasterised directly into the image when
// rendering PNG (see raster.go), and a chart with more than DenseMarkers
// markers is sent as PNG rather than as an SVG with one path a marker.
package chart

// BUG(chart): Markers are filled circles only; with more than 8 classes the
// Okabe–Ito colours repeat, and no marker shape tells those classes apart.
