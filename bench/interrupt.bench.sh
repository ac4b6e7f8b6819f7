#!/usr/bin/env bash
# Kernel interrupt latency for `make bench` (run by bench/run.sh): a cell that
# loops forever, interrupted through jupyter_client, until status idle;
# Tandem, ipykernel and GoNB measured alternately (bench/jupyter_kernels.py
# interrupt). Prints benchreport JSON samples on stdout; progress on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
REPS=${INTERRUPTS:-10}
[ -n "${QUICK:-}" ] && REPS=2
PY=/usr/bin/python3
export PYDEVD_DISABLE_FILE_VALIDATION=1
if ! "$PY" -c 'import jupyter_client, psutil' 2>/dev/null; then
	echo "MISSING interrupt: python3-jupyter-client (and python3-psutil) not installed (make bench-deps)"
	exit 0
fi
[ -x bin/tandem ] || go build -trimpath -o bin/tandem ./cmd/tandem || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin/tandem kernelspec install --prefix "$tmp/prefix" >/dev/null || exit 1
export JUPYTER_PATH="$tmp/prefix/share/jupyter" JUPYTER_RUNTIME_DIR="$tmp/runtime"

kernels="tandem"
if "$PY" -c 'import ipykernel' 2>/dev/null; then kernels="$kernels python3"; else echo "MISSING ipykernel: python3-ipykernel is not installed"; fi
specs=$("$PY" -m jupyter_client.kernelspecapp list 2>/dev/null)  # not piped to grep -q: pipefail and SIGPIPE
if grep -qw gonb <<<"$specs"; then kernels="$kernels gonb"; else echo "MISSING gonb: no gonb kernelspec (make bench-deps)"; fi
echo "MISSING gophernotes: v0.7.5 panics at start on Go 1.26 and no newer release is served"

for r in $(seq "$ROUNDS"); do
	for k in $kernels; do
		impl=$k; [ "$k" = python3 ] && impl=ipykernel
		reps=$REPS; [ "$k" = gonb ] && reps=$(( REPS > 3 ? 3 : (REPS > 1 ? REPS - 1 : 1) ))  # each GoNB interrupt waits 3 s for its compile
		before=$(pgrep -x gopls | sort)
		"$PY" bench/jupyter_kernels.py interrupt "$k" --impl "$impl" --reps "$reps" 2> >(grep -v '^[IWE][0-9]' >&2) ||
			echo "MISSING $impl (interrupt): the harness failed in round $r"
		# GoNB leaves a gopls daemon per kernel start: stop the ones this run started.
		for pid in $(comm -13 <(echo "$before") <(pgrep -x gopls | sort)); do kill "$pid" 2>/dev/null; done
	done
done
