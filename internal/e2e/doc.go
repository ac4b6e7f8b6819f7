// Package e2e holds the browser tests: headless Chromium, driven by
// chromedp, against the real notebook server (kernel/server), real kernel
// processes (tandem kernel --stdio under kernel/supervisor) and the embedded
// app (frontend.Dist). They run in `go test ./...`; without Chromium they
// skip, unless CI=true, where they fail. Screenshots of failures are saved
// under $TMPDIR/tandem-e2e-failures.
package e2e
