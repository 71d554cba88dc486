"""In-process activation: every request made through `requests` goes to the Dispatcher."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import requests
import responses

from fakecloud.core.dispatch import Headers, Request, RequestHandler
from fakecloud.core.headers_codec import wire_to_text

_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")


def _to_request(prepared: requests.PreparedRequest) -> Request:
    body = prepared.body
    if body is None:
        raw = b""
    elif isinstance(body, str):
        raw = body.encode("utf-8")
    elif isinstance(body, bytes):
        raw = body
    else:  # file-like bodies are not used by the SDK calls we fake
        data = body.read() if hasattr(body, "read") else b""
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    headers = Headers((name, wire_to_text(value)) for name, value in prepared.headers.items())
    return Request.from_url(prepared.method or "GET", prepared.url or "/", headers, raw)


@contextmanager
def activate(dispatcher: RequestHandler) -> Iterator[None]:
    """Route all `requests` traffic to the dispatcher; a dropped fault raises ConnectionError."""

    def callback(prepared: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        response = dispatcher.handle(_to_request(prepared))
        if response.drop:
            raise requests.exceptions.ConnectionError(
                "Connection aborted: the fake cloud dropped the connection", request=prepared
            )
        return response.status, response.headers, response.body

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in _METHODS:
            mock.add_callback(method, re.compile(r".*"), callback=callback)
        yield None
