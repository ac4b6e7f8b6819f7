#!/usr/bin/env bash
# Scale figures for `make bench` (run by bench/run.sh):
# - how cost grows with work (bench/scale, Go): a dataset of 10³→10⁶ rows
#   displayed (paged table), Suspects over 10³→10⁵ rows, one training epoch
#   over 10³→10⁵ rows, a notebook of 10→10⁴ cells opened and saved through
#   the server; the report fits each growth rate;
# - memory of an idle kernel (Tandem, ipykernel, GoNB), and K kernels side by
#   side (50; 5 in quick mode): total memory, round trip, all at once
#   (Tandem and ipykernel alternately; bench/jupyter_kernels.py scale).
# Prints benchreport JSON samples on stdout; progress on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
K=${KERNELS:-50}
quick=()
if [ -n "${QUICK:-}" ]; then K=${KERNELS:-5}; quick=(-quick); fi
PY=/usr/bin/python3
export PYDEVD_DISABLE_FILE_VALIDATION=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/scale" ./bench/scale >&2 || { echo "MISSING scale: go build ./bench/scale failed"; exit 1; }
[ -x bin/tandem ] || go build -trimpath -o bin/tandem ./cmd/tandem || exit 1
bin/tandem kernelspec install --prefix "$tmp/prefix" >/dev/null || exit 1
export JUPYTER_PATH="$tmp/prefix/share/jupyter" JUPYTER_RUNTIME_DIR="$tmp/runtime"

have_jc=1
"$PY" -c 'import jupyter_client, psutil' 2>/dev/null || { have_jc=0; echo "MISSING scale kernels: python3-jupyter-client or python3-psutil not installed (make bench-deps)"; }
kernels="tandem"
gonb=0
if [ "$have_jc" = 1 ]; then
	if "$PY" -c 'import ipykernel' 2>/dev/null; then kernels="$kernels python3"; else echo "MISSING ipykernel: python3-ipykernel is not installed"; fi
	specs=$("$PY" -m jupyter_client.kernelspecapp list 2>/dev/null)  # not piped to grep -q: pipefail and SIGPIPE
	if grep -qw gonb <<<"$specs"; then gonb=1; else gonb=0; echo "MISSING gonb: no gonb kernelspec (make bench-deps)"; fi
fi

kernel_scale() { # KERNELSPEC IMPL ARGS...
	local k=$1 impl=$2; shift 2
	local before; before=$(pgrep -x gopls | sort)
	"$PY" bench/jupyter_kernels.py scale "$k" --impl "$impl" "$@" 2> >(grep -v '^[IWE][0-9]' >&2) ||
		echo "MISSING $impl (scale $*): the harness failed"
	for pid in $(comm -13 <(echo "$before") <(pgrep -x gopls | sort)); do kill "$pid" 2>/dev/null; done
}

for r in $(seq "$ROUNDS"); do
	echo "== scale round $r" >&2
	"$tmp/scale" "${quick[@]}" || echo "MISSING scale: bench/scale failed in round $r"
	[ "$have_jc" = 1 ] || continue
	for k in $kernels; do
		impl=$k; [ "$k" = python3 ] && impl=ipykernel
		kernel_scale "$k" "$impl" --kernels 1 --calls 20 --memory
	done
	[ "$gonb" = 1 ] && kernel_scale gonb gonb --kernels 1 --calls 3 --memory
	for k in $kernels; do
		impl=$k; [ "$k" = python3 ] && impl=ipykernel
		kernel_scale "$k" "$impl" --kernels "$K" --calls $((K * 4))
	done
done
