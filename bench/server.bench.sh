#!/usr/bin/env bash
# Notebook server figures (issue 3) for `make bench` (run by bench/run.sh):
# - `tandem serve` and Jupyter Server (with ipykernel; Debian's
#   python3-jupyter-server) running side by side, measured alternately from
#   outside by the same Go client (bench/serverbench): execute `1+1` through
#   the kernel WebSocket until reply and idle, and a notebook of 10 → 10⁴
#   cells saved and opened through the contents API (a growth series);
# - execute `1+1` through the server's WebSocket on a real kernel process,
#   until execute_reply (cmd/tandem BenchmarkServe_Execute1Plus1, the server
#   in process), median and p99, and the bare transport (kernel_info);
# - the server's share of opening and saving a 1,000-cell notebook
#   (kernel/server BenchmarkContents_Get1000Cells / Put1000Cells);
# - page load to interactive and a 1,000-cell notebook opened to interactive
#   in headless Chromium (internal/e2e TestPerfPageLoad with TANDEM_BENCH=1).
# The goals of issue 3 are checked by the report. Prints benchreport JSON
# samples on stdout; progress on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
N=${CALLS:-300}
BT=${BENCHTIME:-1s}
CELLS=10,100,1000,10000
MINTIME=300ms
if [ -n "${QUICK:-}" ]; then N=100; BT=300ms; MINTIME=100ms; CELLS=10,100,1000; fi
PY=/usr/bin/python3
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/serverbench" ./bench/serverbench >&2 || { echo "MISSING server: go build ./bench/serverbench failed"; exit 1; }
[ -x bin/tandem ] || go build -trimpath -o bin/tandem ./cmd/tandem || exit 1
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$tmp/tandem" "$tmp/jupyter" "$tmp/runtime"

# Tandem: a free port of its own choosing, read from what it prints.
TANDEM_TOKEN=$token bin/tandem serve "$tmp/tandem" -port 0 >"$tmp/tandem.log" 2>&1 &
pids+=($!)
tandem_url=
for _ in $(seq 100); do
	tandem_url=$(grep -o -m1 'http://127.0.0.1:[0-9]*' "$tmp/tandem.log" 2>/dev/null)
	[ -n "$tandem_url" ] && break
	sleep 0.1
done
[ -n "$tandem_url" ] || echo "MISSING tandem serve: it did not start ($(head -c 300 "$tmp/tandem.log"))"

# Jupyter Server with ipykernel, as the anchor.
jupyter_url=
if "$PY" -c 'import jupyter_server, ipykernel' 2>/dev/null; then
	port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	root=(); [ "$(id -u)" = 0 ] && root=(--allow-root)
	(cd "$tmp" && JUPYTER_RUNTIME_DIR="$tmp/runtime" PYDEVD_DISABLE_FILE_VALIDATION=1 exec "$PY" -m jupyter_server "${root[@]}" \
		--ServerApp.token="$token" --ServerApp.port="$port" --ServerApp.port_retries=0 --ServerApp.open_browser=False \
		--ServerApp.root_dir="$tmp/jupyter" >"$tmp/jupyter.log" 2>&1) &
	pids+=($!)
	for _ in $(seq 150); do
		if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: token $token" "http://127.0.0.1:$port/api/contents")" = 200 ]; then
			jupyter_url=http://127.0.0.1:$port
			break
		fi
		sleep 0.2
	done
	[ -n "$jupyter_url" ] || echo "MISSING jupyter-server: it did not start ($(tail -c 300 "$tmp/jupyter.log" | tr '\n' ' '))"
else
	echo "MISSING jupyter-server: python3-jupyter-server or python3-ipykernel is not installed (make bench-deps)"
fi
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
	[ -n "$tandem_url" ] && { "$tmp/serverbench" -base "$tandem_url" -token "$token" -impl tandem -kernel tandem \
		-calls "$N" -cells "$CELLS" -mintime "$MINTIME" || echo "MISSING tandem serve: serverbench failed in round $r"; }
	[ -n "$jupyter_url" ] && { "$tmp/serverbench" -base "$jupyter_url" -token "$token" -impl "jupyter-server" -kernel python3 \
		-calls "$N" -cells "$CELLS" -mintime "$MINTIME" || echo "MISSING jupyter-server: serverbench failed in round $r"; }
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
