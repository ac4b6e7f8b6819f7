#!/usr/bin/env bash
# Plot and display figures of `make bench` (run by bench/run.sh): runtime/chart's
# BenchmarkFigure beside matplotlib drawing the same figures (bench/plot_mpl.py),
# alternating round by round; runtime/display's paged table and live training view.
# Prints JSON samples for internal/cmd/benchreport.
set -uo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
benchtime=${BENCHTIME:-1s}
reps=3
if [ -n "${QUICK:-}" ]; then benchtime=200ms; reps=1; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/chart.test" ./runtime/chart || { echo "MISSING plots: go test -c ./runtime/chart failed"; exit 1; }
go test -c -o "$tmp/display.test" ./runtime/display || { echo "MISSING display: go test -c ./runtime/display failed"; exit 1; }
havempl=1
/usr/bin/python3 -c 'import matplotlib, numpy' 2>/dev/null || { havempl=0; echo "MISSING matplotlib: python3-matplotlib is not installed (make bench-deps)"; }

# go benchmark lines → JSON samples. Figure names match plot_mpl.py's.
tojson() {
	awk -v group="$1" '
	/^BenchmarkFigure\// {
		name = $1; sub(/^BenchmarkFigure\//, "", name); sub(/-[0-9]+$/, "", name)
		fmt = name; sub(/.*-/, "", fmt); sub(/-[a-z]+$/, "", name)
		size = ""
		for (i = 4; i <= NF; i++) if ($(i+1) == "bytes") size = sprintf(", %d bytes", $i)
		printf "{\"group\":\"plots\",\"figure\":\"%s (%s)\",\"impl\":\"tandem\",\"value\":%.4f,\"unit\":\"ms\",\"better\":\"lower\",\"note\":\"runtime/chart on gonum/plot%s\"}\n", name, fmt, $3/1e6, size
	}
	/^BenchmarkPager_Million/ {
		printf "{\"group\":\"display\",\"figure\":\"show a 1,000,000-row dataset (goal <= 200 ms)\",\"impl\":\"tandem\",\"value\":%.4f,\"unit\":\"ms\",\"better\":\"lower\"}\n", $3/1e6
		for (i = 4; i <= NF; i++) if ($(i+1) == "B/display") printf "{\"group\":\"display\",\"figure\":\"bytes sent for a 1,000,000-row dataset (goal <= 100 KB)\",\"impl\":\"tandem\",\"value\":%.1f,\"unit\":\"KB\",\"better\":\"lower\"}\n", $i/1000
	}
	/^BenchmarkTrainingView_Step/ {
		printf "{\"group\":\"display\",\"figure\":\"live training view: cost per batch\",\"impl\":\"tandem\",\"value\":%.4f,\"unit\":\"us\",\"better\":\"lower\"}\n", $3/1e3
	}
	/^BenchmarkTrainingView_Render/ {
		printf "{\"group\":\"display\",\"figure\":\"live training view: one redraw after 200 epochs\",\"impl\":\"tandem\",\"value\":%.4f,\"unit\":\"us\",\"better\":\"lower\"}\n", $3/1e3
		# At most 10 redraws a second: the share of wall time they take.
		printf "{\"group\":\"display\",\"figure\":\"live training view: overhead at 10 redraws/s (goal <= 2%%)\",\"impl\":\"tandem\",\"value\":%.4f,\"unit\":\"%%\",\"better\":\"lower\"}\n", $3/1e9*10*100
	}'
}

for r in $(seq "$rounds"); do
	echo "plots: round $r/$rounds" >&2
	"$tmp/chart.test" -test.run '^$' -test.bench '^BenchmarkFigure$' -test.benchtime "$benchtime" | tojson plots
	if [ "$havempl" = 1 ]; then
		/usr/bin/python3 bench/plot_mpl.py --reps "$reps" || echo "MISSING matplotlib: plot_mpl.py failed"
	fi
	(cd runtime/display && "$tmp/display.test" -test.run '^$' -test.bench '^Benchmark(Pager_Million|TrainingView_Step|TrainingView_Render)$' -test.benchtime "$benchtime") | tojson display
done
