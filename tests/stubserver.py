"""A real HTTP server on 127.0.0.1 for tests: stands in for arXiv, Semantic Scholar and GitHub.

Usage::

    with StubServer(handler) as srv:          # handler(request) -> Reply
        os.environ["LCLLM_ARXIV_API_URL"] = srv.url + "/api/query"
        ...
        assert len(srv.requests) == 2

Each request is recorded (method, path, query, headers, body) before the handler runs; ``peak`` is the most
requests that were being handled at once. A handler may sleep
(to simulate a slow or hanging server: the server thread is a daemon and every connection has its own thread),
return a Reply, or return ``Reply.close()`` to drop the connection without an answer. A HEAD request gets the
reply's status and headers without its body. ``StubServer(handler, host="127.0.0.2")`` listens on another loopback
address (all of 127.0.0.0/8 is the machine itself on Linux): a second host for tests of per-host limits.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/atom+xml; charset=utf-8"
    drop: bool = False  # close the connection without answering
    truncate_to: int | None = None  # send only the first N bytes of the body, then close
    drip: float | None = None  # send the body one byte at a time, this many seconds apart
    reset_after: int | None = None  # send only the first N bytes of the body, then reset the connection (RST)
    content_length: str | None = None  # the Content-Length to declare (default: the body's true length)

    @classmethod
    def close(cls) -> Reply:
        return cls(drop=True)


Handler = Callable[[Request], Reply]


class StubServer:
    def __init__(self, handler: Handler, host: str = "127.0.0.1") -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.peak = 0  # the most requests handled at the same time
        self._busy = 0
        self._lock = threading.Lock()
        outer = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with outer._lock:
                    outer.requests.append(req)
                    outer._busy += 1
                    outer.peak = max(outer.peak, outer._busy)
                try:
                    reply = outer.handler(req)
                finally:
                    with outer._lock:
                        outer._busy -= 1
                if reply.drop:
                    self.close_connection = True
                    return
                data = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                declared = str(len(data)) if reply.content_length is None else reply.content_length
                self.send_header("Content-Length", declared)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if self.command == "HEAD":
                    return
                if reply.reset_after is not None:
                    self.wfile.write(data[: reply.reset_after])
                    self.wfile.flush()
                    # SO_LINGER with a zero timeout: close() sends a TCP reset instead of an orderly end.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    return
                if reply.truncate_to is not None:
                    self.wfile.write(data[: reply.truncate_to])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if reply.drip is not None:
                    for i in range(len(data)):
                        self.wfile.write(data[i : i + 1])
                        self.wfile.flush()
                        time.sleep(reply.drip)
                    return
                self.wfile.write(data)

            do_GET = _serve
            do_POST = _serve
            do_HEAD = _serve

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                # A client that gave up (timeout, size cap) before a slow handler answered is expected: the
                # default handler prints a traceback on stderr, which lands in a later test's captured output.
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)  # type: ignore[arg-type]

        self._server = _Server((host, 0), _H)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
