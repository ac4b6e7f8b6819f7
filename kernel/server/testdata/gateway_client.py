"""Drive a Tandem server with Jupyter Server's own client library.

jupyter_server.gateway is how Jupyter Server talks to a remote server's
REST and WebSocket API (kernelspecs, kernels, channels). Run by
TestJupyterGatewayClient with TANDEM_URL and TANDEM_TEST_TOKEN set; prints
one line per check and exits non-zero on the first failure.
"""
import asyncio
import os
import sys

import websocket
from jupyter_server.gateway.gateway_client import GatewayClient
from jupyter_server.gateway.managers import (
    GatewayKernelManager,
    GatewayKernelSpecManager,
    GatewayMappingKernelManager,
)

URL = os.environ["TANDEM_URL"]
TOKEN = os.environ["TANDEM_TEST_TOKEN"]

# jupyter_server 1.23's client opens the channels WebSocket without its
# auth headers; add them as a newer client (or a browser cookie) would.
_create = websocket.create_connection


def create_connection(url, **kw):
    kw.setdefault("header", []).append("Authorization: token " + TOKEN)
    return _create(url, **kw)


websocket.create_connection = create_connection
import jupyter_server.gateway.managers as managers  # noqa: E402

managers.websocket.create_connection = create_connection


async def main():
    gw = GatewayClient.instance()
    gw.url = URL
    gw.ws_url = "ws" + URL[len("http"):]
    gw.auth_token = TOKEN
    gw.init_static_args()

    ksm = GatewayKernelSpecManager()
    listing = await ksm.list_kernel_specs()
    assert listing["default"] == "tandem", listing
    specs = listing["kernelspecs"]
    assert specs["tandem"]["spec"]["language"] == "go", specs
    spec = await ksm.get_kernel_spec("tandem")
    assert spec["spec"]["language"] == "go", spec
    print("kernelspecs ok")

    mkm = GatewayMappingKernelManager()
    kernel_id = await mkm.start_kernel(kernel_name="tandem")
    kernels = await mkm.list_kernels()
    assert [k["id"] for k in kernels] == [kernel_id], kernels
    print("start and list ok")

    km = GatewayKernelManager(kernel_name="tandem")
    await km.start_kernel(kernel_id=kernel_id)
    assert km.execution_state == "idle", km.kernel
    kc = km.client()
    await kc.start_channels()
    try:
        msg_id = kc.execute("1+1")
        reply = await kc.get_shell_msg(timeout=10)
        assert reply["parent_header"]["msg_id"] == msg_id, reply
        assert reply["content"]["status"] == "ok", reply
        result = None
        while True:
            msg = await kc.get_iopub_msg(timeout=10)
            if msg["msg_type"] == "execute_result":
                result = msg["content"]["data"]["text/plain"]
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        assert result == "2", result
        print("execute ok")
    finally:
        kc.stop_channels()

    await mkm.interrupt_kernel(kernel_id)
    await mkm.restart_kernel(kernel_id)
    print("interrupt and restart ok")
    await mkm.shutdown_kernel(kernel_id)
    assert await mkm.list_kernels() == []
    print("shutdown ok")


asyncio.run(main())
