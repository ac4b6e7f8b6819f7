#!/usr/bin/python3
"""Kernel figures for `make bench` that kernel_latency.py does not take, for
Tandem and its anchors through jupyter_client (Debian's python3):

  interrupt KERNEL [--reps N]
      Interrupt latency: a cell that loops forever is sent, and once the
      kernel is busy and the loop has run for --delay seconds,
      KernelManager.interrupt_kernel() is called (a control-channel
      interrupt_request for `interrupt_mode: message` kernels such as Tandem,
      SIGINT for ipykernel and GoNB). The figure is the time from that call to
      the cell's status idle. Each interrupt is checked: the kernel must still
      answer a cell afterwards (its session survives).

  scale KERNEL --kernels N [--calls C]
      N kernels started side by side, each warmed with one `1+1`; then the
      idle memory (RSS of one kernel's process tree, median over the N; PSS
      summed over all N, which counts shared pages once), the execute round
      trip of `1+1` (request to status idle) going round the N kernels one
      call at a time, and the time for N executes sent at once (one to each
      kernel) until all are idle.

Each figure is printed as one benchreport JSON sample on stdout, with IMPL as
the implementation name; progress on stderr.
"""
import argparse, json, statistics, sys, time
from queue import Empty

import psutil
from jupyter_client.manager import KernelManager

LOOP = {"python3": "while True:\n    pass", "gonb": "%%\nfor {\n}"}
ONE_PLUS_ONE = {"gonb": "%%\nfmt.Println(1+1)"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def emit(impl, figure, value, unit, better="lower", note="", group="kernel"):
    s = {"group": group, "figure": figure, "impl": impl, "value": round(value, 4), "unit": unit, "better": better}
    if note:
        s["note"] = note
    print(json.dumps(s), flush=True)


def start(name, timeout):
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=timeout)
    return km, kc


def stop(km, kc):
    try:
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)


def send(kc, code):
    return kc.execute(code, store_history=False)


def wait_idle(kc, msg_id, timeout, outs=None):
    """Waits for status idle of msg_id on IOPub; returns the seconds waited."""
    t0 = time.perf_counter()
    deadline = t0 + timeout
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError(f"no idle for {msg_id} after {timeout}s")
        m = kc.get_iopub_msg(timeout=left)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        mt = m["msg_type"]
        if mt == "status" and m["content"]["execution_state"] == "idle":
            return time.perf_counter() - t0
        if outs is not None:
            if mt == "stream":
                outs.append(m["content"]["text"])
            elif mt in ("execute_result", "display_data"):
                outs.append(m["content"]["data"].get("text/plain", ""))
            elif mt == "error":
                outs.append("ERROR " + m["content"].get("ename", ""))


def wait_busy(kc, msg_id, timeout):
    deadline = time.perf_counter() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.001, deadline - time.perf_counter()))
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" \
                and m["content"]["execution_state"] == "busy":
            return


def drain(kc):
    for get in (kc.get_shell_msg, kc.get_iopub_msg):
        while True:
            try:
                get(timeout=0.02)
            except Empty:
                break


def run_cell(kc, code, timeout):
    outs = []
    t = wait_idle(kc, send(kc, code), timeout, outs)
    return t, outs


def check_two(kc, name, timeout):
    _, outs = run_cell(kc, ONE_PLUS_ONE.get(name, "1+1"), timeout)
    if not any("2" in o for o in outs):
        raise RuntimeError(f"{name}: 1+1 gave {outs!r}")


def tree_pids(pid):
    try:
        p = psutil.Process(pid)
        return [p] + p.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def kernel_pid(km):
    prov = getattr(km, "provisioner", None)
    pid = getattr(prov, "pid", None) if prov else None
    if pid is None and prov is not None and getattr(prov, "process", None) is not None:
        pid = prov.process.pid
    if pid is None:
        raise RuntimeError("cannot find the kernel's process id")
    return pid


def interrupt(a):
    km, kc = start(a.kernel, a.timeout)
    lat = []
    try:
        check_two(kc, a.kernel, a.timeout)
        loop = LOOP.get(a.kernel, "for {\n}")
        delay = a.delay if a.kernel != "gonb" else max(a.delay, 3.0)  # GoNB compiles first
        for i in range(a.reps):
            msg_id = send(kc, loop)
            wait_busy(kc, msg_id, a.timeout)
            time.sleep(delay)
            t0 = time.perf_counter()
            km.interrupt_kernel()
            wait_idle(kc, msg_id, a.timeout)
            lat.append((time.perf_counter() - t0) * 1e3)
            drain(kc)
            check_two(kc, a.kernel, a.timeout)
            log(f"# {a.impl}: interrupt {i + 1}: {lat[-1]:.2f} ms")
    finally:
        stop(km, kc)
    emit(a.impl, "interrupt a running loop to idle (median)", statistics.median(lat), "ms",
         note=f"n={len(lat)}, kernel state checked after each")


def scale(a):
    n = a.kernels
    kms = []
    code = ONE_PLUS_ONE.get(a.kernel, "1+1")
    try:
        t0 = time.perf_counter()
        for i in range(n):
            km, kc = start(a.kernel, a.timeout)
            kms.append((km, kc))
            check_two(kc, a.kernel, a.timeout)
            drain(kc)
        log(f"# {a.impl}: {n} kernels up in {time.perf_counter() - t0:.1f} s")
        time.sleep(1.0)  # let start-up garbage settle
        rss, pss = [], 0
        for km, _ in kms:
            procs = tree_pids(kernel_pid(km))
            r = 0
            for p in procs:
                try:
                    mi = p.memory_full_info()
                    r += mi.rss
                    pss += mi.pss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            rss.append(r)
        rtt = []
        for i in range(a.calls):
            _, kc = kms[i % n]
            t, _ = run_cell(kc, code, a.timeout)
            rtt.append(t * 1e3)
        burst = []
        for _ in range(3):
            t0 = time.perf_counter()
            ids = [(kc, send(kc, code)) for _, kc in kms]
            for kc, msg_id in ids:
                wait_idle(kc, msg_id, a.timeout)
            burst.append((time.perf_counter() - t0) * 1e3)
    finally:
        for km, kc in kms:
            try:
                stop(km, kc)
            except Exception as e:  # keep stopping the others
                log(f"# {a.impl}: stop: {e}")
    log(f"# {a.impl}: {n} kernels: RSS median {statistics.median(rss) / 2**20:.1f} MiB, PSS total "
        f"{pss / 2**20:.0f} MiB, rtt median {statistics.median(rtt):.3f} ms, burst {statistics.median(burst):.1f} ms")
    if a.memory:
        emit(a.impl, "idle kernel memory (RSS of its process tree after 1+1)", statistics.median(rss) / 2**20, "MiB",
             group="scale")
    if n > 1:
        emit(a.impl, f"{n} kernels alive: total memory (PSS)", pss / 2**20, "MiB", group="scale")
        emit(a.impl, f"{n} kernels alive: execute 1+1 round trip, round robin (median)", statistics.median(rtt), "ms",
             group="scale", note=f"n={len(rtt)}")
        emit(a.impl, f"{n} kernels alive: 1+1 sent to all at once, until all idle (median of 3)",
             statistics.median(burst), "ms", group="scale")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["interrupt", "scale"])
    ap.add_argument("kernel")
    ap.add_argument("--impl", help="implementation name in the samples (default: the kernel name)")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--delay", type=float, default=0.3)
    ap.add_argument("--kernels", type=int, default=1)
    ap.add_argument("--calls", type=int, default=100)
    ap.add_argument("--memory", action="store_true", help="also emit the idle memory of one kernel")
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    a.impl = a.impl or a.kernel
    {"interrupt": interrupt, "scale": scale}[a.mode](a)


if __name__ == "__main__":
    main()
