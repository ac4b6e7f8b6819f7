#!/usr/bin/python3
"""Drive `tandem kernel` through jupyter_client over ZMQ, as any Jupyter
front end does. Run by kernel/host's TestJupyterClient with JUPYTER_PATH
pointing at a temporary prefix holding the `tandem` kernelspec. Prints one
line per check and exits 1 if any failed."""
import os
import signal
import sys
import time
from queue import Empty

from jupyter_client.manager import KernelManager

failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)), flush=True)
    if not ok:
        failures.append(name)


def run(kc, code, timeout=30):
    """Execute code; return (reply content, list of (msg_type, content)) up to idle."""
    msg_id = kc.execute(code)
    outs = []
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        t = m["msg_type"]
        if t == "status" and m["content"]["execution_state"] == "idle":
            break
        if t != "status":
            outs.append((t, m["content"]))
    while True:
        r = kc.get_shell_msg(timeout=timeout)
        if r["parent_header"].get("msg_id") == msg_id:
            return r["content"], outs


def shell_reply(kc, msg_id, timeout=10):
    while True:
        r = kc.get_shell_msg(timeout=timeout)
        if r["parent_header"].get("msg_id") == msg_id:
            return r["content"]


def text_of(outs, kind):
    s = ""
    for t, c in outs:
        if t == kind == "stream":
            s += c["text"]
        elif t == kind:
            s += c.get("data", {}).get("text/plain", "")
    return s


km = KernelManager(kernel_name="tandem")
t0 = time.perf_counter()
km.start_kernel()
kc = km.client()
kc.start_channels()
try:
    kc.wait_for_ready(timeout=60)
    print(f"ready after {time.perf_counter() - t0:.3f}s", flush=True)

    info = kc.kernel_info(reply=True, timeout=10)["content"]
    li = info["language_info"]
    check("kernel_info protocol 5.3", info["protocol_version"] == "5.3", info)
    check("kernel_info language go", li["name"] == "go" and li["file_extension"] == ".go" and li.get("codemirror_mode") == "go", li)
    check("kernel_info banner", bool(info.get("banner")), info)

    reply, outs = run(kc, "1+1")
    check("execute 1+1 ok", reply["status"] == "ok", reply)
    check("execute 1+1 result", text_of(outs, "execute_result") == "2", outs)
    check("execute_input published", any(t == "execute_input" for t, _ in outs), outs)
    n1 = reply.get("execution_count", 0)

    reply, outs = run(kc, 'fmt.Println("hello from tandem")')
    check("stream stdout", text_of(outs, "stream") == "hello from tandem\n", outs)
    check("execution_count grows", reply.get("execution_count", 0) == n1 + 1, reply)

    reply, outs = run(kc, 'import "os"\nos.Stdout.WriteString("via fd 1\\n")')
    check("os.Stdout write reaches the client", "via fd 1\n" in text_of(outs, "stream"), outs)

    reply, outs = run(kc, "x := 40")
    reply, outs = run(kc, "x + 2")
    check("state across cells", text_of(outs, "execute_result") == "42", outs)

    reply, outs = run(kc, 'panic("boom")')
    errs = [c for t, c in outs if t == "error"]
    check("panic gives error reply", reply["status"] == "error" and "boom" in reply.get("evalue", ""), reply)
    check("panic gives iopub error with traceback", len(errs) == 1 and errs[0]["traceback"], errs)

    reply, outs = run(kc, "fmt.Println(undefinedThing)")
    check("compile error", reply["status"] == "error" and "undefinedThing" in reply.get("evalue", "") + "".join(reply.get("traceback", [])), reply)

    # Completion: "fmt.Prin" with the cursor at the end; positions in UTF-16 units.
    code = 's := "🐹"; fmt.Prin'
    r = kc.complete(code, len(code.encode("utf-16-le")) // 2, reply=True, timeout=10)["content"]
    check("complete matches", "Println" in r["matches"], r)
    check("complete cursor in UTF-16 units", r["cursor_start"] == len('s := "🐹"; fmt.'.encode("utf-16-le")) // 2 and r["cursor_end"] == len(code.encode("utf-16-le")) // 2, r)

    r = kc.inspect("fmt.Println", 6, reply=True, timeout=10)["content"]
    check("inspect found", r["status"] == "ok" and r["found"] and "Println" in r["data"].get("text/plain", ""), r)

    r = shell_reply(kc, kc.is_complete("func f() {"))
    check("is_complete incomplete", r["status"] == "incomplete", r)

    # Interrupt in message mode (interrupt_request on control).
    msg_id = kc.execute("for {}")
    time.sleep(0.3)
    t1 = time.perf_counter()
    km.interrupt_kernel()
    while True:
        r = kc.get_shell_msg(timeout=10)
        if r["parent_header"].get("msg_id") == msg_id:
            break
    took = time.perf_counter() - t1
    check("interrupt stops for {} within 1 s", r["content"]["status"] == "error" and took < 1.0, (took, r["content"]))
    reply, outs = run(kc, "x")
    check("state kept after interrupt", text_of(outs, "execute_result") == "40", (reply, outs))

    # SIGINT, for clients that signal.
    msg_id = kc.execute("for {}")
    time.sleep(0.3)
    os.kill(km.provisioner.process.pid, signal.SIGINT)
    while True:
        r = kc.get_shell_msg(timeout=10)
        if r["parent_header"].get("msg_id") == msg_id:
            break
    check("SIGINT interrupts", r["content"]["status"] == "error", r["content"])
    reply, outs = run(kc, "x")
    check("state kept after SIGINT", text_of(outs, "execute_result") == "40", (reply, outs))

    check("kernel alive", km.is_alive())

    # A cell stuck in compiled code does not stop at the interrupt: the
    # session reports it and the process exits, so that the client's
    # restarter (jupyter_server's) starts a fresh one.
    msg_id = kc.execute('import "sync"\nvar wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()')
    time.sleep(0.3)
    km.interrupt_kernel()
    r = shell_reply(kc, msg_id, timeout=30)
    check("stuck cell reported", r["status"] == "error" and r.get("ename") == "Stuck", r)
    deadline = time.time() + 5
    while km.is_alive() and time.time() < deadline:
        time.sleep(0.05)
    check("stuck kernel exits to be restarted", not km.is_alive())
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
check("stopped", not km.is_alive())
if failures:
    print(f"{len(failures)} checks failed: {', '.join(failures)}")
    sys.exit(1)
