"""A benchmark child module runs only as a script: importing it (tools, test collection) does
nothing (issue 20 review, item 14)."""

from __future__ import annotations

import importlib
import sys


def test_importing_the_config_benchmark_child_runs_nothing(monkeypatch) -> None:
    monkeypatch.setattr(sys, "argv", ["pytest"])  # main() would read its URL and run count from here
    sys.modules.pop("benchmarks.config_child", None)
    module = importlib.import_module("benchmarks.config_child")
    assert callable(module.main)
