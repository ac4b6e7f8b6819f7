#!/usr/bin/env bash
# Notebook server figures (issue 3) for `make bench` (run by bench/run.sh):
# - execute `1+1` through the server's WebSocket on a real kernel process,
#   until execute_reply (cmd/tandem BenchmarkServe_Execute1Plus1), median and
#   p99, and the bare transport (kernel_info) beside it;
# - the server's share of opening and saving a 1,000-cell notebook
#   (kernel/server BenchmarkContents_Get1000Cells / Put1000Cells);
# - page load to interactive and a 1,000-cell notebook opened to interactive
#   in headless Chromium (internal/e2e TestPerfPageLoad with TANDEM_BENCH=1).
# No anchor is measured for these (Jupyter Server is not among the anchors);
# the goals of issue 3 are checked by the report. Prints benchreport JSON
# samples on stdout; progress on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
N=${CALLS:-300}
BT=${BENCHTIME:-1s}
if [ -n "${QUICK:-}" ]; then N=100; BT=300ms; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/tandem.test" ./cmd/tandem >&2 || { echo "MISSING server: go test -c ./cmd/tandem failed"; exit 1; }
go test -c -o "$tmp/server.test" ./kernel/server >&2 || { echo "MISSING server: go test -c ./kernel/server failed"; exit 1; }
have_e2e=1
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && [ -z "${CHROME:-}" ]; then
	have_e2e=0; echo "MISSING page load: no Chromium (apt-get install chromium) for internal/e2e"
elif ! go test -c -o "$tmp/e2e.test" ./internal/e2e >&2; then
	have_e2e=0; echo "MISSING page load: go test -c ./internal/e2e failed"
fi

for r in $(seq "$ROUNDS"); do
	echo "== server round $r" >&2
	(cd cmd/tandem && "$tmp/tandem.test" -test.run '^$' -test.bench '^BenchmarkServe_(Execute1Plus1|KernelInfo)$' -test.benchtime "${N}x") |
		awk '/^BenchmarkServe_/ {
			for (i = 2; i < NF; i++) { if ($(i+1) == "ms-median") med = $i; if ($(i+1) == "ms-p99") p99 = $i }
			what = ($1 ~ /Execute1Plus1/) ? "execute 1+1 through the WebSocket, until execute_reply" : "kernel_info through the WebSocket (transport only)"
			printf "{\"group\":\"server\",\"figure\":\"%s, median\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"ms\",\"better\":\"lower\",\"note\":\"real kernel process\"}\n", what, med
			printf "{\"group\":\"server\",\"figure\":\"%s, p99\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"ms\",\"better\":\"lower\",\"note\":\"real kernel process\"}\n", what, p99
			found++ }
			END { if (found < 2) print "MISSING server: BenchmarkServe_* printed no result" }'
	(cd kernel/server && "$tmp/server.test" -test.run '^$' -test.bench '^BenchmarkContents_(Get|Put)1000Cells$' -test.benchtime "$BT") |
		awk '/^BenchmarkContents_/ {
			what = ($1 ~ /Get/) ? "open" : "save"
			printf "{\"group\":\"server\",\"figure\":\"%s a 1,000-cell notebook, server side (contents API)\",\"impl\":\"tandem\",\"value\":%.4f,\"unit\":\"ms\",\"better\":\"lower\"}\n", what, $3/1e6 }'
	if [ "$have_e2e" = 1 ]; then
		# The test also checks its goals: a figure over its goal fails it, and
		# the samples are printed all the same.
		(cd internal/e2e && TANDEM_BENCH=1 "$tmp/e2e.test" -test.run '^TestPerfPageLoad$' -test.count 1 -test.v -test.timeout 5m) >"$tmp/e2e.out" 2>&1 ||
			echo "# e2e TestPerfPageLoad failed: $(grep -E -- '--- FAIL|Error|goal' "$tmp/e2e.out" | head -5)" >&2
		grep '^{' "$tmp/e2e.out" | sed 's/"group":"notebook UI"/"group":"server"/'
		grep -q '^{' "$tmp/e2e.out" || echo "MISSING page load: internal/e2e printed no sample ($(tail -3 "$tmp/e2e.out" | tr '\n' ' ' | cut -c1-200))"
	fi
done
