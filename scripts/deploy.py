#!/usr/bin/env python3
"""Apply template.yaml to the cloud (or --plan it, or --emit-terraform it). See docs/deployment.md.

The options: `--help`, from deployer/arguments.py (the same with and without a venv).
"""

from __future__ import annotations

import sys

import _venv

_venv.enter(_venv.parser_in("deployer/arguments.py", "deploy_parser"))

from deployer.cli import deploy_main  # noqa: E402  (after entering the venv)

if __name__ == "__main__":
    sys.exit(deploy_main())
