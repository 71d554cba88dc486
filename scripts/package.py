#!/usr/bin/env python3
"""Build the FunctionGraph deployment zip and print its size. See docs/deployment.md.

The options: `--help`, from deployer/arguments.py (the same with and without a venv).
"""

from __future__ import annotations

import sys

import _venv

_venv.enter(_venv.parser_in("deployer/arguments.py", "package_parser"))

from deployer.cli import package_main  # noqa: E402  (after entering the venv)

if __name__ == "__main__":
    sys.exit(package_main())
