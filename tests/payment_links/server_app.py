"""The central server's app as `tilldesk server run` builds it (every area wired, its
background rounds running), served on loopback for a test, with its recovery database."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from app.services.recovery_database import open_recovery_database
from cli.wiring.server_app import build_app
from cli.wiring.server_options import ServerOptions
from tests.server.live import free_port


@dataclass(frozen=True)
class ServedApp:
    app: FastAPI
    public: str  # its address: the links' pages and the webhooks
    recovery: Engine


@contextmanager
def served_app(server_db_url: str, tmp_path: Path) -> Iterator[ServedApp]:
    recovery_db = f"sqlite:///{tmp_path / 'recovery.db'}"
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    app = build_app(ServerOptions(server_db_url, recovery_db=recovery_db, public_url=public))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    recovery = open_recovery_database(recovery_db)
    try:
        while not server.started:
            assert thread.is_alive()
            time.sleep(0.02)
        yield ServedApp(app, public, recovery)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()
        recovery.dispose()
