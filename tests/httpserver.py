"""A real HTTP server on 127.0.0.1 for tests, with scripted answers.

Network code is tested against a real socket, not a mock: a
``ThreadingHTTPServer`` on port 0 in a background thread. Each request takes
the next scripted :class:`Reply` (status, headers, body, delay) or, when the
script is used up, the default reply; every request is recorded (method,
path, headers, body, arrival time). A delayed reply waits in short slices and
gives up as soon as the client hangs up or the server stops, so a test that
cancels a request leaves no thread or socket behind for long.

Use the ``http_server`` fixture (re-export it from a test module or conftest):
``http_server.script(Reply(503), Reply(200, body={"ok": True}))``.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    """One scripted answer. ``body`` may be bytes, text or JSON data; ``echo`` answers
    with the request itself as JSON (method, path, headers, body)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    echo: bool = False


@dataclass(frozen=True)
class Received:
    """A request as the server saw it. Header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival

    def json(self) -> Any:
        return json.loads(self.body)


class ScriptedServer:
    """The server, its script and what it received."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.default = Reply(200, body={"ok": True})
        self._script: list[Reply] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._active = 0
        self._httpd = _CountingServer(self, ("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no request is being handled (handler sockets closed)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if self._active == 0:
                    return True
            time.sleep(0.01)
        return False

    # --- used by the server and its handler threads ---
    def _next(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            return self._script.pop(0) if self._script else self.default

    def _count(self, change: int) -> None:
        with self._lock:
            self._active += change


class _CountingServer(ThreadingHTTPServer):
    """Counts connections from accept to socket close, so ``wait_idle`` means closed."""

    daemon_threads = True

    def __init__(self, owner: ScriptedServer, *args: Any) -> None:
        self.owner = owner
        super().__init__(*args)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.owner._count(+1)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        try:
            super().shutdown_request(request)
        finally:
            self.owner._count(-1)


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as real servers do: a client that is never closed keeps its socket.
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            received = Received(
                self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                body, time.monotonic(),
            )
            reply = server._next(received)
            try:
                if reply.delay and not self._wait(reply.delay):
                    return
                self._answer(reply, received)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _wait(self, seconds: float) -> bool:
            """Sleep in slices; False when the client hung up or the server is stopping."""
            end = time.monotonic() + seconds
            while (left := end - time.monotonic()) > 0:
                if server._stopping.is_set():
                    return False
                readable, _, _ = select.select([self.connection], [], [], min(left, 0.02))
                if readable and self.connection.recv(1, socket.MSG_PEEK) == b"":
                    return False
            return True

        def _answer(self, reply: Reply, received: Received) -> None:
            body = reply.body
            content_type = "text/plain; charset=utf-8"
            if reply.echo:
                body = {"method": received.method, "path": received.path,
                        "headers": received.headers, "body": received.body.decode("utf-8")}
            if isinstance(body, bytes):
                data = body
            elif isinstance(body, str):
                data = body.encode("utf-8")
            elif body is None:
                data = b""
            else:
                data, content_type = json.dumps(body).encode("utf-8"), "application/json"
            self.send_response(reply.status)
            headers = {"Content-Type": content_type, "Content-Length": str(len(data)),
                       **reply.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    return Handler


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def http_server() -> Iterator[ScriptedServer]:
    """A started :class:`ScriptedServer`, stopped after the test."""
    server = ScriptedServer().start()
    try:
        yield server
    finally:
        server.stop()
