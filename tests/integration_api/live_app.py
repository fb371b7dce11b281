"""The server app as `tilldesk server run` builds it (cli.wiring), served on loopback."""

import threading
import time

import uvicorn
from fastapi import FastAPI

from cli.wiring.server_app import build_app
from cli.wiring.server_options import ServerOptions
from tests.server.live import free_port


class LiveApp:
    def __init__(self, options: ServerOptions) -> None:
        self.app: FastAPI = build_app(options)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "LiveApp":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.engine.dispose()
