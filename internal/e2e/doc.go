// Package e2e holds the browser tests: headless Chromium, driven by
// chromedp, against the real notebook server (kernel/server), real kernel
// processes (tandem kernel --stdio under kernel/supervisor, built from this
// module in TestMain) and the embedded app (frontend.Dist). They run in
// `go test ./...`; without Chromium they skip, unless CI=true, where they
// fail; -short skips them too. A failing test leaves a screenshot under
// $TMPDIR/tandem-e2e-failures.
//
// Figures (page load to interactive, a 1,000-cell notebook, a cell printing
// 10 MB) go to the test log, and as benchreport samples on stdout with
// TANDEM_BENCH=1:
//
//	TANDEM_BENCH=1 go test ./internal/e2e -run 'TestPerf|TestTenMegabyte' -count=1 -v | grep '^{'
//
// docs/screenshot.png is made by
//
//	go test ./internal/e2e -run TestScreenshot -screenshot $PWD/docs/screenshot.png
package e2e
