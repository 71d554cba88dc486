"""Run a script with the project's `.venv`, whatever `python3` started it.

`./scripts/deploy.py` starts under the system's python3 (its `#!` line); this re-executes it
with `.venv/bin/python`, creating the venv first (scripts/bootstrap.sh) when it is missing.
`--help` never creates anything: without a venv it prints the help of the script's own parser,
built by standard-library code (deployer/arguments.py, or the script's), so it is the same help
with and without a venv.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pathlib
import subprocess
import sys
from typing import Callable

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def enter(parser: Callable[[], argparse.ArgumentParser]) -> None:
    """Return when already running in the venv; otherwise replace this process with the venv's."""
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = VENV / "bin" / "python"
    if not python.exists():
        if {"-h", "--help"} & set(sys.argv[1:]):
            parser().parse_args(["--help"])  # prints the help and exits 0
        subprocess.run([str(ROOT / "scripts" / "bootstrap.sh")], check=True)
    os.execv(str(python), [str(python), sys.argv[0], *sys.argv[1:]])


def parser_in(relative_path: str, name: str) -> Callable[[], argparse.ArgumentParser]:
    """`name` in a standard-library-only file of the checkout, loaded by path (no venv, no
    sys.path change): the parser the installed code uses too."""

    def build() -> argparse.ArgumentParser:
        spec = importlib.util.spec_from_file_location(f"_help_{name}", ROOT / relative_path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        made: argparse.ArgumentParser = getattr(module, name)()
        return made

    return build
