#!/usr/bin/env bash
# Label-error effectiveness (issue 6): digits with 10% of the training labels
# flipped (seeded), 25% held out. Tandem's Suspects (5-fold out-of-fold
# probabilities + confident learning) with an MLP and with softmax
# regression, beside scikit-learn (logistic regression, 5-fold OOF, normalized
# margin) on the very same split and flips, and beside a random 15% review.
# Round r uses seed r. Also the store side of a review decision's durable
# acknowledgement (runtime/ledger/sqlite's own benchmark: one Append awaited
# at a time, fsynced commit, p50/p99, and the sustained rate with 16 writers);
# the keypress-to-ack path through the review widget is not built yet.
# Prints benchreport JSON samples on stdout (see bench/run.sh); progress on
# stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
py=/usr/bin/python3
have_sklearn=1
$py -c 'import sklearn' 2>/dev/null || { have_sklearn=0; echo "MISSING scikit-learn (feedback): python3-sklearn is not installed (make bench-deps)"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/feedbackbench" ./runtime/feedback/internal/feedbackbench >&2 || exit 1
go test -c -o "$tmp/sqlite.test" ./runtime/ledger/sqlite >&2 || exit 1
N=${LEDGER_APPENDS:-1000}
[ -n "${QUICK:-}" ] && N=200

for r in $(seq "$ROUNDS"); do
	echo "== feedback round $r" >&2
	"$tmp/feedbackbench" -v -seed "$r" -model mlp -dump "$tmp/split.json" || exit 1
	"$tmp/feedbackbench" -v -seed "$r" -model linear || exit 1
	if [ "$have_sklearn" = 1 ]; then
		$py bench/feedback_sklearn.py "$tmp/split.json" || echo "MISSING scikit-learn (feedback): bench/feedback_sklearn.py failed"
	fi
	# The test binary runs in its own folder (the benchmark makes a temp workspace).
	(cd "$tmp" && ./sqlite.test -test.run '^$' -test.bench 'Store_Append' -test.benchtime "${N}x") |
		awk '/^BenchmarkStore_Append-/ {
			for (i = 2; i < NF; i++) { if ($(i+1) == "p50-ms") p50 = $i; if ($(i+1) == "p99-ms") p99 = $i }
			printf "{\"group\":\"feedback\",\"figure\":\"correction to durable ack, ledger store (SQLite, synchronous=FULL), p50\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"ms\",\"better\":\"lower\",\"note\":\"store only; goal p99 ≤ 10 ms\"}\n", p50
			printf "{\"group\":\"feedback\",\"figure\":\"correction to durable ack, ledger store (SQLite, synchronous=FULL), p99\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"ms\",\"better\":\"lower\",\"note\":\"store only; goal p99 ≤ 10 ms\"}\n", p99 }
		/^BenchmarkStore_AppendConcurrent-/ {
			for (i = 2; i < NF; i++) if ($(i+1) == "appends/s") v = $i
			printf "{\"group\":\"feedback\",\"figure\":\"sustained corrections, ledger store, 16 writers\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"corrections/s\",\"better\":\"higher\",\"note\":\"group commit\"}\n", v }'
done
