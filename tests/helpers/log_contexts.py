"""FunctionGraph contexts whose `getLogger()` is a test's logger: one that keeps each line, or
one whose every write fails (shared by the tests of the log as an output)."""

from __future__ import annotations

from typing import Any, List

from helpers.world import FakeContext


class RuntimeLogger:
    """FunctionGraph's context.getLogger(): a logger with info/warning/error; keeps each line."""

    def __init__(self) -> None:
        self.lines: List[str] = []

    def info(self, text: str) -> None:
        self.lines.append(text)

    warning = error = debug = info


class BrokenLogger:
    """A runtime logger whose every write fails."""

    def __init__(self) -> None:
        self.attempts = 0

    def info(self, text: str) -> None:
        self.attempts += 1
        raise OSError("the log stream is closed")

    warning = error = debug = info


class LoggerContext(FakeContext):
    """A context whose getLogger() answers `logger`."""

    def __init__(self, logger: Any) -> None:
        super().__init__()
        self.logger = logger

    def getLogger(self) -> Any:
        return self.logger
