#!/usr/bin/env python3
"""Build the FunctionGraph deployment zip and print its size. See README "Deployment".

scripts/package.py [--python-version X.Y] [--output PATH] [--template template.yaml]
"""

from __future__ import annotations

import sys

import _venv

_venv.enter(__doc__ or "")

from deployer.cli import package_main  # noqa: E402  (after entering the venv)

if __name__ == "__main__":
    sys.exit(package_main())
