#!/usr/bin/python3
"""Jupyter kernel latency through jupyter_client: start-to-ready, execute round
trip, completion reply. The same harness measures Tandem and its anchors
(ipykernel, GoNB) so the figures are comparable.

Usage (Debian's interpreter, which has python3-jupyter-client):
    /usr/bin/python3 bench/kernel_latency.py KERNEL [--code CODE] [--expect TEXT]
        [--complete CODE] [--calls 200] [--starts 5] [--timeout 120] [--json OUT]

(a) start-to-ready: from KernelManager.start_kernel() (before the process is
    spawned) until the first kernel_info_reply has arrived on shell AND an IOPub
    message has been received (the IOPub subscription works). Polled every 2 ms:
    BlockingKernelClient.wait_for_ready() sleeps too coarsely to measure a fast
    kernel. Each start is a fresh process, after one untimed warm-up start
    (jupyter_client's first KernelManager spends ~0.4 s of its own on discovery).
(b) round trip: from sending execute_request(CODE) until IOPub reports status
    idle for it (execute_reply is collected and checked too). The first
    execution after a start is reported apart ("first cell").
(c) completion: from sending complete_request(--complete, cursor at its end)
    until complete_reply.
The logic follows the project's anchor harness (shared/anchors/kernel_latency.py).
"""
import argparse, json, statistics, sys, time
from queue import Empty

from jupyter_client.manager import KernelManager

DEFAULT_CODE = {"gonb": "%%\nfmt.Println(1+1)"}
DEFAULT_COMPLETE = {"python3": "pri", "tandem": "fmt.Pri", "gonb": "fmt.Pri"}


def pct(xs, p):
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def start_and_wait(name, timeout):
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    got_reply = got_iopub = False
    last_req = 0.0
    t_reply = None
    while not (got_reply and got_iopub):
        now = time.perf_counter()
        if now - t0 > timeout:
            raise RuntimeError(f"kernel {name} not ready after {timeout}s (alive={km.is_alive()})")
        # ZMQ queues a request until the kernel binds, so one is enough to learn
        # when shell answers; resend every 0.5 s as a fallback. Once shell has
        # answered, IOPub may still be joining (PUB/SUB drops messages until the
        # subscription is through): poke with kernel_info every 50 ms until an
        # IOPub message arrives, as wait_for_ready() does.
        if now - last_req > (0.5 if not got_reply else 0.05):
            kc.kernel_info()
            last_req = now
        try:
            m = kc.get_shell_msg(timeout=0.002)
            if m["msg_type"] == "kernel_info_reply" and not got_reply:
                got_reply = True
                t_reply = time.perf_counter() - t0
        except Empty:
            pass
        try:
            kc.get_iopub_msg(timeout=0.002)
            got_iopub = True
        except Empty:
            pass
        if not km.is_alive():
            raise RuntimeError(f"kernel {name} died during start-up")
    t_ready = time.perf_counter() - t0
    for get in (kc.get_iopub_msg, kc.get_shell_msg):
        while True:
            try:
                get(timeout=0.05)
            except Empty:
                break
    return km, kc, t_reply, t_ready


def execute(kc, code, timeout):
    """Returns (seconds to idle, output texts, reply status)."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code, store_history=False)
    outs, t_idle, status = [], None, None
    while t_idle is None:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        mt = m["msg_type"]
        if mt == "status" and m["content"]["execution_state"] == "idle":
            t_idle = time.perf_counter() - t0
        elif mt == "stream":
            outs.append(m["content"]["text"])
        elif mt in ("execute_result", "display_data"):
            outs.append(m["content"]["data"].get("text/plain", ""))
        elif mt == "error":
            outs.append("ERROR: " + m["content"].get("ename", "") + ": " + m["content"].get("evalue", ""))
    while status is None:
        m = kc.get_shell_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_reply":
            status = m["content"]["status"]
    return t_idle, outs, status


def complete(kc, code, timeout):
    t0 = time.perf_counter()
    msg_id = kc.complete(code, len(code.encode("utf-16-le")) // 2)
    while True:
        m = kc.get_shell_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") == msg_id:
            return time.perf_counter() - t0, m["content"].get("matches", [])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kernel")
    ap.add_argument("--code")
    ap.add_argument("--expect", default="2")
    ap.add_argument("--complete")
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--json")
    a = ap.parse_args()
    code = a.code if a.code is not None else DEFAULT_CODE.get(a.kernel, "1+1")
    comp = a.complete if a.complete is not None else DEFAULT_COMPLETE.get(a.kernel, "")

    res = {"kernel": a.kernel, "code": code, "ready_ms": [], "first_cell_ms": [], "rtt_ms": [], "complete_ms": [], "errors": []}
    km, kc, _, t = start_and_wait(a.kernel, a.timeout)  # warm-up, untimed
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    for s in range(a.starts):
        km, kc, t_reply, t_ready = start_and_wait(a.kernel, a.timeout)
        try:
            res["ready_ms"].append(t_ready * 1e3)
            t_idle, outs, status = execute(kc, code, a.timeout)
            res["first_cell_ms"].append(t_idle * 1e3)
            if status != "ok" or not any(a.expect in o for o in outs):
                res["errors"].append({"status": status, "outputs": outs})
            if s == 0:
                for _ in range(a.calls):
                    t_idle, outs, status = execute(kc, code, a.timeout)
                    res["rtt_ms"].append(t_idle * 1e3)
                    if status != "ok":
                        res["errors"].append({"status": status, "outputs": outs})
                if comp:
                    for _ in range(max(10, a.calls // 4)):
                        t_c, matches = complete(kc, comp, a.timeout)
                        res["complete_ms"].append(t_c * 1e3)
                    if not matches:
                        res["errors"].append({"complete": comp, "matches": matches})
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    r = res
    print(f"# {a.kernel}: ready med {statistics.median(r['ready_ms']):.1f} ms | first cell med "
          f"{statistics.median(r['first_cell_ms']):.2f} ms | rtt med {statistics.median(r['rtt_ms']):.3f} ms "
          f"p90 {pct(r['rtt_ms'], 90):.3f} ms (n={len(r['rtt_ms'])})"
          + (f" | complete med {statistics.median(r['complete_ms']):.3f} ms" if r["complete_ms"] else "")
          + f" | errors {len(r['errors'])}", file=sys.stderr, flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    return 1 if r["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
