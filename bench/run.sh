#!/usr/bin/env bash
# make bench: every figure of Tandem beside its anchors, measured alternately in one run.
# Each bench/*.bench.sh prints JSON samples (see internal/cmd/benchreport) and
# "MISSING <anchor>: <why>" lines; this script gathers them into
# bench/results/latest.json, the charts under bench/results/ and BENCHMARKS.md.
#
#   make bench                 ROUNDS=3, every part
#   make bench-quick           QUICK=1: one round of shorter runs (under 3 minutes; min =
#                              median = max, the anchors still measured beside Tandem)
#   PARTS="kernel scale" make bench    only the parts whose names contain these words
#                              (the report then holds those parts only)
set -uo pipefail
cd "$(dirname "$0")/.."
export ROUNDS=${ROUNDS:-3}
export PYDEVD_DISABLE_FILE_VALIDATION=1 # ipykernel's debugger warning
cmd="make bench"
if [ -n "${QUICK:-}" ]; then
	export ROUNDS=1
	cmd="make bench-quick"
fi
[ -n "${PARTS:-}" ] && cmd="PARTS=\"$PARTS\" $cmd"
go build -trimpath -o bin/tandem ./cmd/tandem || exit 1
go build -o bin/benchreport ./internal/cmd/benchreport || exit 1
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
flags=$(grep -m1 '^flags' /proc/cpuinfo | grep -o -w -E 'avx2|fma|avx512f' | sort -u | xargs | tr ' ' '+')
machine="$(nproc) cores, ${cpu} (${flags}), $(free -g | awk '/Mem:/{print $2}') GiB, $(go version | cut -d' ' -f3), $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$(date +%s)
for part in bench/*.bench.sh; do
	name=$(basename "$part" .bench.sh)
	if [ -n "${PARTS:-}" ]; then
		want=0
		for p in $PARTS; do [[ $name == *"$p"* ]] && want=1; done
		[ "$want" = 1 ] || continue
	fi
	echo "== $part" >&2
	t0=$(date +%s)
	env=()
	if [ -n "${QUICK:-}" ]; then
		case $name in
		# The kernel part's own quick mode starts every kernel 4 times a
		# round; its knobs without QUICK give a shorter run of the same kind.
		kernel) env=(-u QUICK CALLS=30 STARTS=1) ;;
		# Likewise the runtime part: shorter Go benchmarks, same figures.
		runtime) env=(-u QUICK BENCHTIME=150ms) ;;
		esac
	fi
	# GoNB's glog lines (I1129 …) would drown the progress.
	env "${env[@]}" bash "$part" >>"$out" 2> >(grep --line-buffered -v -E '^[IWE][0-9]{4} ' >&2) ||
		echo "MISSING $name: the part failed (exit $?)" >>"$out"
	echo "PART $name $(( $(date +%s) - t0 ))" >>"$out"
	echo "== $part: $(( $(date +%s) - t0 )) s" >&2
done
echo "== all parts: $(( $(date +%s) - start )) s" >&2
bin/benchreport -machine "$machine" -command "$cmd" <"$out"
