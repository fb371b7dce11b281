"""A loopback HTTP proxy that can lose answers: the request reaches the server (which commits),
the answer never reaches the counter - the nastiest network failure for exactly-once."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class LossyProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.drop_push_answers = 0
        self.dropped = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length")
                }
                answer = requests.request(
                    self.command, proxy.upstream + self.path, data=body, headers=headers, timeout=60
                )
                if self.path.startswith("/v1/push") and proxy.drop_push_answers > 0:
                    proxy.drop_push_answers -= 1
                    proxy.dropped += 1
                    self.close_connection = True  # the server committed; the counter hears nothing
                    return
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    # requests already decoded the body (e.g. gzip): send it as plain bytes.
                    hop = ("content-length", "transfer-encoding", "connection", "content-encoding")
                    if key.lower() not in hop:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = _forward

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "LossyProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
