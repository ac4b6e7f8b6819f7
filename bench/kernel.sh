#!/usr/bin/env bash
# Kernel latency beside the anchors, through jupyter_client (Debian's python3):
# execute `1+1` round trip (request → status idle), start → ready, completion
# reply. Tandem and each installed anchor (ipykernel; GoNB when its kernelspec
# is installed) are measured alternately, ROUNDS times, together with the
# harness's floor: bench/kernel_null.py, a pyzmq kernel that does nothing. Prints one JSON sample
# per figure, implementation and round (the format of internal/cmd/benchreport)
# on stdout, and a readable line per measurement on stderr.
#   ROUNDS=3 CALLS=200 STARTS=5 bash bench/kernel.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
CALLS=${CALLS:-200}
STARTS=${STARTS:-5}
if [ -n "${QUICK:-}" ]; then CALLS=50; STARTS=3; fi
PY=/usr/bin/python3

if ! "$PY" -c 'import jupyter_client' 2>/dev/null; then
	echo "MISSING kernel: python3-jupyter-client is not installed (apt-get install python3-jupyter-client python3-ipykernel)"
	exit 0
fi
[ -x bin/tandem ] || go build -trimpath -o bin/tandem ./cmd/tandem || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin/tandem kernelspec install --prefix "$tmp/prefix" >/dev/null || exit 1
export JUPYTER_PATH="$tmp/prefix/share/jupyter"
export JUPYTER_RUNTIME_DIR="$tmp/runtime"

# The floor: a do-nothing pyzmq kernel, i.e. what jupyter_client itself costs.
mkdir -p "$JUPYTER_PATH/kernels/tandem-bench-null"
printf '{"argv": ["%s", "%s", "{connection_file}"], "display_name": "null", "language": "null"}\n' \
	"$PY" "$PWD/bench/kernel_null.py" >"$JUPYTER_PATH/kernels/tandem-bench-null/kernel.json"

kernels="tandem tandem-bench-null"
if "$PY" -c 'import ipykernel' 2>/dev/null; then kernels="$kernels python3"; else
	echo "MISSING ipykernel: python3-ipykernel is not installed"; fi
specs=$("$PY" -m jupyter_client.kernelspecapp list 2>/dev/null || true)
if grep -qw gonb <<<"$specs"; then kernels="$kernels gonb"; else echo "MISSING gonb: no gonb kernelspec (see shared anchors README)"; fi
echo "MISSING gophernotes: v0.7.5 panics at start on Go 1.26 and no newer release is served"

impl_of() { case $1 in python3) echo ipykernel ;; tandem-bench-null) echo "client floor (null pyzmq kernel)" ;; *) echo "$1" ;; esac; }

for round in $(seq "$ROUNDS"); do
	for k in $kernels; do
		calls=$CALLS starts=$STARTS
		# GoNB compiles every cell (~140 ms): fewer calls keep the run short.
		[ "$k" = gonb ] && calls=$((CALLS / 10 > 10 ? CALLS / 10 : 10)) && starts=$((STARTS > 3 ? 3 : STARTS))
		extra=()
		[ "$k" = tandem-bench-null ] && extra=(--complete x)
		out="$tmp/$k-$round.json"
		before=$(pgrep -x gopls | sort)
		if ! "$PY" bench/kernel_latency.py "$k" --calls "$calls" --starts "$starts" "${extra[@]}" --json "$out" >&2; then
			echo "# $k round $round reported errors: $("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors"][:2])' "$out" 2>/dev/null | head -c 400)" >&2
		fi
		# GoNB leaves a gopls daemon per kernel start: stop the ones this run started.
		for pid in $(comm -13 <(echo "$before") <(pgrep -x gopls | sort)); do kill "$pid" 2>/dev/null; done
		[ -s "$out" ] || { echo "MISSING $(impl_of "$k"): the harness failed in round $round"; continue; }
		"$PY" - "$out" "$(impl_of "$k")" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1])); impl = sys.argv[2]
def emit(fig, xs, unit="ms", note=""):
    if xs:
        print(json.dumps({"group": "kernel", "figure": fig, "impl": impl, "value": round(statistics.median(xs), 4),
                          "unit": unit, "better": "lower", "note": note}))
emit("execute 1+1 round trip (median, jupyter_client)", r["rtt_ms"], note=f"n={len(r['rtt_ms'])}")
emit("start to ready (median)", r["ready_ms"], note=f"starts={len(r['ready_ms'])}")
emit("first cell after start (median)", r["first_cell_ms"])
emit("completion reply (median)", r["complete_ms"])
PY
	done
done

# The kernel's own share, without Python on the client side: a Go ZMQ client
# against `tandem kernel --connection-file` (kernel/host's benchmark).
for round in $(seq "$ROUNDS"); do
	ns=$(go test -run '^$' -bench 'Kernel_ZMQRoundTrip' -benchtime "${CALLS}x" ./kernel/host 2>/dev/null |
		awk '/^BenchmarkKernel_ZMQRoundTrip/{print $3}')
	if [ -n "$ns" ]; then
		echo "{\"group\": \"kernel\", \"figure\": \"execute 1+1 round trip, Go ZMQ client (kernel only)\", \"impl\": \"tandem\", \"value\": $(awk "BEGIN{print $ns/1e6}"), \"unit\": \"ms\", \"better\": \"lower\"}"
	else
		echo "MISSING tandem-go-client: kernel/host BenchmarkKernel_ZMQRoundTrip failed"
	fi
done
