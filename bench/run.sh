#!/usr/bin/env bash
# make bench: every figure of Tandem beside its anchors, measured alternately in one run.
# Each bench/*.bench.sh prints JSON samples (see internal/cmd/benchreport) and
# "MISSING <anchor>: <why>" lines; this script gathers them into
# bench/results/latest.json and BENCHMARKS.md. QUICK=1 makes every part short.
set -uo pipefail
cd "$(dirname "$0")/.."
export ROUNDS=${ROUNDS:-3}
[ -n "${QUICK:-}" ] && export ROUNDS=2
go build -trimpath -o bin/tandem ./cmd/tandem || exit 1
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, $(go version | cut -d' ' -f3)"
out=$(mktemp)
for part in bench/*.bench.sh; do
	echo "== $part" >&2
	bash "$part" >>"$out" || echo "MISSING $(basename "$part" .bench.sh): the script failed (exit $?)" >>"$out"
done
cmd="make bench"
[ -n "${QUICK:-}" ] && cmd="make bench-quick"
go run ./internal/cmd/benchreport -machine "$machine" -command "$cmd" <"$out"
rm -f "$out"
