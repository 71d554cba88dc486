"""Run a script with the project's `.venv`, whatever `python3` started it.

`./scripts/deploy.py` starts under the system's python3 (its `#!` line); this re-executes it
with `.venv/bin/python`, creating the venv first (scripts/bootstrap.sh) when it is missing.
`--help` never creates anything: without a venv it prints the script's own usage and exits.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def enter(usage: str) -> None:
    """Return when already running in the venv; otherwise replace this process with the venv's."""
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = VENV / "bin" / "python"
    if not python.exists():
        if {"-h", "--help"} & set(sys.argv[1:]):
            print(usage.strip())
            raise SystemExit(0)
        subprocess.run([str(ROOT / "scripts" / "bootstrap.sh")], check=True)
    os.execv(str(python), [str(python), sys.argv[0], *sys.argv[1:]])
