"""Serve a Dispatcher on a real socket (127.0.0.1, free port) for out-of-process clients."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from fakecloud.core.dispatch import Headers, Request, RequestHandler
from fakecloud.core.headers_codec import wire_to_text


def _handler_class(dispatcher: RequestHandler) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like the real gateway
        timeout = 60
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = Headers((name, wire_to_text(value)) for name, value in self.headers.items())
            url = urlsplit(self.path)
            target = url.path + (f"?{url.query}" if url.query else "")
            request = Request.from_url(self.command, target, headers, body)
            response = dispatcher.handle(request)
            if response.drop:  # close the socket without a status line
                self.close_connection = True
                return
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if response.body and self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Silence per-request stderr logging."""

    return Handler


@contextmanager
def serve(dispatcher: RequestHandler) -> Iterator[str]:
    """Yield `http://127.0.0.1:PORT` while a daemon thread serves requests concurrently."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(dispatcher))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
