#!/usr/bin/env bash
# Runtime figures (issue 4): SGEMM GFLOP/s, MLP training throughput and
# tiny-model epoch time, Tandem's runtime (pure Go, CGO_ENABLED=0) beside
# PyTorch, measured alternately in the same run. Prints benchreport JSON
# samples on stdout (see bench/run.sh); progress on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
BT=${BENCHTIME:-1s}
[ -n "${QUICK:-}" ] && BT=300ms
py=/usr/bin/python3
have_torch=1
$py -c 'import torch' 2>/dev/null || { have_torch=0; echo "MISSING pytorch: python3-torch is not installed (make bench-deps)"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CGO_ENABLED=0
go test -c -o "$tmp/tensor.test" ./runtime/tensor >&2 || exit 1
go test -c -o "$tmp/nn.test" ./runtime/nn >&2 || exit 1

# Each figure is measured for Tandem and then at once for PyTorch, at one
# thread count at a time, so that both sides of a ratio see the same load on
# this shared host; rounds repeat the whole sequence.
torch() { # WHAT THREADS: PyTorch's side, if installed
	[ "$have_torch" = 1 ] || return 0
	# OMP_WAIT_POLICY=PASSIVE: PyTorch's best setting on this shared 2-core host
	# (the default spins and runs 3x slower at 2 threads, see the anchors).
	OMP_WAIT_POLICY=PASSIVE $py bench/runtime_torch.py "$1" --threads "$2" $([ "$1" = mlp ] && echo --random)
}

for r in $(seq "$ROUNDS"); do
	echo "== runtime round $r" >&2
	"$tmp/tensor.test" -test.run '^$' -test.bench 'FMAPeak' -test.benchtime "$BT" -test.cpu 1 |
		awk '/^BenchmarkFMAPeak\// { isa = ($1 ~ /AVX512/) ? "AVX-512" : "AVX2"
			for (i = 2; i < NF; i++) if ($(i+1) == "GFLOP/s") v = $i
			printf "{\"group\":\"runtime\",\"figure\":\"%s FMA peak, one core (the GEMM ceiling)\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"GFLOP/s\",\"better\":\"higher\"}\n", isa, v }'
	for t in 1 2; do
		"$tmp/nn.test" -test.run '^$' -test.bench 'MLPStep' -test.benchtime "$BT" -test.cpu "$t" |
			awk -v t="$t" '/^BenchmarkMLPStep/ { for (i = 2; i < NF; i++) if ($(i+1) == "samples/s") v = $i
				printf "{\"group\":\"runtime\",\"figure\":\"MLP 784-256-10 training, batch 128, SGD, %d thread(s)\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"samples/s\",\"better\":\"higher\"}\n", t, v }'
		torch mlp "$t"
		"$tmp/nn.test" -test.run '^$' -test.bench 'LogRegEpoch' -test.benchtime "$BT" -test.cpu "$t" |
			awk -v t="$t" '/^BenchmarkLogRegEpoch/ { for (i = 2; i < NF; i++) if ($(i+1) == "µs/epoch") v = $i
				printf "{\"group\":\"runtime\",\"figure\":\"softmax regression 4→3, 1,000 rows, full batch, %d thread(s)\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"µs/epoch\",\"better\":\"lower\"}\n", t, v }'
		torch logreg "$t"
		"$tmp/tensor.test" -test.run '^$' -test.bench 'Gemm/' -test.benchtime "$BT" -test.cpu "$t" |
			awk -v t="$t" '/^BenchmarkGemm/ {
				name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkGemm\//, "", name)
				for (i = 2; i < NF; i++) if ($(i+1) == "GFLOP/s") val = $i
				if (name == "256x256x256") shape = "256x256x256"
				else if (name == "1024x1024x1024") shape = "1024x1024x1024"
				else if (name == "mlp_fwd_128x784x256") shape = "128x784x256 (MLP forward)"
				else if (name == "mlp_dW_T_784x128x256") shape = "784x128x256 Aᵀ·B (MLP dW)"
				else if (name == "mlp_dX_NT_128x256x784") shape = "128x256x784 A·Bᵀ (MLP dX)"
				else next
				printf "{\"group\":\"runtime\",\"figure\":\"SGEMM float32 %s, %d thread(s)\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"GFLOP/s\",\"better\":\"higher\"}\n", shape, t, val
			}'
		torch gemm "$t"
	done
done
