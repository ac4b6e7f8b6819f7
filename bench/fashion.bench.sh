#!/usr/bin/env bash
# One Fashion-MNIST epoch of the issue-4 MLP, end to end as a cell runs it
# (train.Fit over Debian's files, bench/fashion) beside PyTorch
# (bench/fashion_torch.py), at 1 and 2 threads, alternately; samples/s and
# the test accuracy after the epoch. Prints benchreport JSON samples on
# stdout; progress on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
PY=/usr/bin/python3
if [ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
	echo "MISSING fashion-mnist: dataset-fashion-mnist is not installed (make bench-deps)"
	exit 0
fi
have_torch=1
"$PY" -c 'import torch' 2>/dev/null || { have_torch=0; echo "MISSING pytorch (fashion): python3-torch is not installed (make bench-deps)"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go build -o "$tmp/fashion" ./bench/fashion >&2 || exit 1
for r in $(seq "$ROUNDS"); do
	for t in 1 2; do
		GOMAXPROCS=$t "$tmp/fashion" -seed "$r" || echo "MISSING fashion: bench/fashion failed"
		# OMP_WAIT_POLICY=PASSIVE: PyTorch's best setting on a shared 2-core host.
		[ "$have_torch" = 1 ] && { OMP_WAIT_POLICY=PASSIVE "$PY" bench/fashion_torch.py --threads "$t" --seed "$r" || echo "MISSING pytorch (fashion): bench/fashion_torch.py failed"; }
	done
done
