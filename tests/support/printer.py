"""A network receipt printer on loopback that keeps what it was sent."""

import socket
import struct
import threading


def _without_status_queries(data: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(data):
        if data[i : i + 2] == b"\x10\x04":
            i += 3
            continue
        out.append(data[i])
        i += 1
    return bytes(out)


ONLINE, PAPER_END = 0x12, 0x72  # DLE EOT answers: fixed bits only / roll paper end


class PrinterStandIn:
    """A port-9100 printer on 127.0.0.1: keeps what each connection sent, answers status."""

    def __init__(
        self,
        port: int = 0,
        *,
        paper: int = ONLINE,
        answers_status: bool = True,
        drop_after: int | None = None,
    ) -> None:
        self.paper = paper
        self.answers_status = answers_status
        self.drop_after = drop_after  # reset the connection after this many bytes
        self.connections: list[bytes] = []
        self._changed = threading.Condition()
        self._server = socket.create_server(("127.0.0.1", port))
        self._server.settimeout(0.05)
        self.port = self._server.getsockname()[1]
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stopping:
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        data, scanned = bytearray(), 0
        while True:
            try:
                chunk = conn.recv(4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
            if self.drop_after is not None and len(data) >= self.drop_after:
                # SO_LINGER 0: close with a reset, as a printer being switched off would
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                break
            scanned = self._answer(conn, data, scanned)
        with self._changed:
            self.connections.append(bytes(data))
            self._changed.notify_all()

    def _answer(self, conn: socket.socket, data: bytearray, scanned: int) -> int:
        while (at := data.find(b"\x10\x04", scanned)) != -1 and at + 2 < len(data):
            if self.answers_status:
                conn.sendall(bytes([self.paper if data[at + 2] == 4 else ONLINE]))
            scanned = at + 3
        return scanned

    @property
    def jobs(self) -> list[bytes]:
        """Connections that carried more than status queries: what would come out on paper."""
        return [c for c in self.connections if _without_status_queries(c)]

    def wait_for_connections(self, count: int, timeout: float = 5.0) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.connections) >= count, timeout)

    def stop(self) -> None:
        self._stopping = True
        self._server.close()
        self._thread.join(5)
