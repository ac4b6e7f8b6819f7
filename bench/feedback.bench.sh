#!/usr/bin/env bash
# Label-error effectiveness (issue 6): digits with 10% of the training labels
# flipped (seeded), 25% held out. Tandem's Suspects (5-fold out-of-fold
# probabilities + confident learning) with an MLP and with softmax
# regression, beside scikit-learn (logistic regression, 5-fold OOF, normalized
# margin) on the very same split and flips, and beside a random 15% review.
# Round r uses seed r. Prints benchreport JSON samples on stdout (see
# bench/run.sh); progress on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
py=/usr/bin/python3
have_sklearn=1
$py -c 'import sklearn' 2>/dev/null || { have_sklearn=0; echo "MISSING scikit-learn (feedback): python3-sklearn is not installed (make bench-deps)"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/feedbackbench" ./runtime/feedback/internal/feedbackbench >&2 || exit 1

for r in $(seq "$ROUNDS"); do
	echo "== feedback round $r" >&2
	"$tmp/feedbackbench" -v -seed "$r" -model mlp -dump "$tmp/split.json" || exit 1
	"$tmp/feedbackbench" -v -seed "$r" -model linear || exit 1
	if [ "$have_sklearn" = 1 ]; then
		$py bench/feedback_sklearn.py "$tmp/split.json" || echo "MISSING scikit-learn (feedback): bench/feedback_sklearn.py failed"
	fi
done
