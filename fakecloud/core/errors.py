"""The one exception a backend raises to reject a request; the dispatcher renders it."""

from __future__ import annotations


class ServiceError(Exception):
    """A service-level rejection: HTTP status plus the service's error code and message.

    Backends raise it *before* changing any state, so a rejected request changes nothing.
    """

    def __init__(self, status: int, code: str, msg: str) -> None:
        super().__init__(f"{status} {code}: {msg}")
        self.status = status
        self.code = code
        self.msg = msg
