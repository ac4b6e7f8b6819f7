#!/usr/bin/python3
"""A do-nothing Jupyter kernel on pyzmq (libzmq): it answers every request at
once with the messages a real kernel sends (status busy, execute_input,
execute_result, the reply, status idle). bench/kernel.sh measures it beside
Tandem and ipykernel as the floor of the harness: what jupyter_client itself
costs on this machine, whatever the kernel.

    kernel.json argv: ["/usr/bin/python3", "bench/kernel_null.py", "{connection_file}"]
"""
import datetime, hashlib, hmac, json, sys, uuid

import zmq

cf = json.load(open(sys.argv[1]))
key = cf.get("key", "").encode()
ctx = zmq.Context()


def bind(kind, port):
    s = ctx.socket(kind)
    s.bind(f"{cf.get('transport', 'tcp')}://{cf['ip']}:{cf[port]}")
    return s


shell, control = bind(zmq.ROUTER, "shell_port"), bind(zmq.ROUTER, "control_port")
iopub, hb, stdin = bind(zmq.PUB, "iopub_port"), bind(zmq.REP, "hb_port"), bind(zmq.ROUTER, "stdin_port")
session = str(uuid.uuid4())


def send(sock, ids, msg_type, parent, content):
    header = {"msg_id": str(uuid.uuid4()), "session": session, "username": "null",
              "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "msg_type": msg_type, "version": "5.3"}
    parts = [json.dumps(header).encode(), json.dumps(parent).encode(), b"{}", json.dumps(content).encode()]
    sig = hmac.new(key, b"".join(parts), hashlib.sha256).hexdigest().encode() if key else b""
    sock.send_multipart(ids + [b"<IDS|MSG>", sig] + parts)


poller = zmq.Poller()
for s in (shell, control, hb):
    poller.register(s, zmq.POLLIN)
count = 0
while True:
    for sock, _ in poller.poll():
        frames = sock.recv_multipart()
        if sock is hb:
            hb.send_multipart(frames)
            continue
        i = frames.index(b"<IDS|MSG>")
        ids, parent = frames[:i], json.loads(frames[i + 2])
        msg_type = parent["msg_type"]
        send(iopub, [b"kernel.status"], "status", parent, {"execution_state": "busy"})
        if msg_type == "kernel_info_request":
            send(sock, ids, "kernel_info_reply", parent, {
                "status": "ok", "protocol_version": "5.3", "implementation": "null", "implementation_version": "0",
                "language_info": {"name": "null", "file_extension": ".txt"}, "banner": "null kernel"})
        elif msg_type == "execute_request":
            count += 1
            code = json.loads(frames[i + 5]).get("code", "")
            send(iopub, [b"kernel.execute_input"], "execute_input", parent, {"code": code, "execution_count": count})
            send(iopub, [b"kernel.execute_result"], "execute_result", parent,
                 {"execution_count": count, "data": {"text/plain": "2"}, "metadata": {}})
            send(sock, ids, "execute_reply", parent, {"status": "ok", "execution_count": count, "user_expressions": {}})
        elif msg_type == "complete_request":
            send(sock, ids, "complete_reply", parent,
                 {"status": "ok", "matches": ["null"], "cursor_start": 0, "cursor_end": 0, "metadata": {}})
        elif msg_type == "shutdown_request":
            send(sock, ids, "shutdown_reply", parent, {"status": "ok", "restart": False})
            send(iopub, [b"kernel.status"], "status", parent, {"execution_state": "idle"})
            sys.exit(0)
        elif msg_type.endswith("_request"):
            send(sock, ids, msg_type[:-len("_request")] + "_reply", parent, {"status": "ok"})
        send(iopub, [b"kernel.status"], "status", parent, {"execution_state": "idle"})
