#!/usr/bin/env bash
# Review widget (issue 6): the time from a review decision reaching the
# kernel (widget.Deliver, as the comm_msg of a keypress arrives) to its
# durable acknowledgement (the ack comm message, sent after the SQLite
# commit with synchronous=FULL in a temp workspace), p50 and p99 one
# decision at a time; and sustained corrections per second when decisions
# arrive back to back. BenchmarkReview_Decide in runtime/feedback; and the
# same through the kernel's transport (a comm_msg request in on a pipe, the
# ack comm_msg out on iopub: BenchmarkCommTransport_Decide in kernel/host).
# Prints benchreport JSON samples on stdout (see bench/run.sh); progress on
# stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
N=${DECISIONS:-1000}
[ -n "${QUICK:-}" ] && N=200
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/feedback.test" ./runtime/feedback >&2 || exit 1
go test -c -o "$tmp/host.test" ./kernel/host >&2 || exit 1
for r in $(seq "$ROUNDS"); do
	echo "== widget round $r" >&2
	(cd "$tmp" && ./feedback.test -test.run '^$' -test.bench 'Review_Decide' -test.benchtime "${N}x") |
		awk '/^BenchmarkReview_Decide/ {
			for (i = 2; i < NF; i++) {
				if ($(i+1) == "p50-ms") p50 = $i
				if ($(i+1) == "p99-ms") p99 = $i
				if ($(i+1) == "corrections/s") cps = $i
			}
			note = "kernel side: comm message in to ack out, review widget + ledger (SQLite, synchronous=FULL); goal p99 ≤ 10 ms"
			printf "{\"group\":\"widget\",\"figure\":\"review decision to durable ack, p50\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"ms\",\"better\":\"lower\",\"note\":\"%s\"}\n", p50, note
			printf "{\"group\":\"widget\",\"figure\":\"review decision to durable ack, p99\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"ms\",\"better\":\"lower\",\"note\":\"%s\"}\n", p99, note
			printf "{\"group\":\"widget\",\"figure\":\"sustained review corrections\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"corrections/s\",\"better\":\"higher\",\"note\":\"decisions sent back to back, each committed before its ack\"}\n", cps
			found = 1 }
		END { if (!found) print "MISSING widget: BenchmarkReview_Decide printed no result" }'
	(cd "$tmp" && ./host.test -test.run '^$' -test.bench 'CommTransport_Decide' -test.benchtime "${N}x") |
		awk '/^BenchmarkCommTransport_Decide/ {
			for (i = 2; i < NF; i++) {
				if ($(i+1) == "p50-ms") p50 = $i
				if ($(i+1) == "p99-ms") p99 = $i
			}
			note = "comm_msg in on the kernel transport to ack out on iopub, ledger SQLite synchronous=FULL; goal p99 ≤ 10 ms"
			printf "{\"group\":\"widget\",\"figure\":\"review decision to durable ack through the kernel transport, p50\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"ms\",\"better\":\"lower\",\"note\":\"%s\"}\n", p50, note
			printf "{\"group\":\"widget\",\"figure\":\"review decision to durable ack through the kernel transport, p99\",\"impl\":\"tandem\",\"value\":%s,\"unit\":\"ms\",\"better\":\"lower\",\"note\":\"%s\"}\n", p99, note
			found = 1 }
		END { if (!found) print "MISSING widget-transport: BenchmarkCommTransport_Decide printed no result" }'
done
