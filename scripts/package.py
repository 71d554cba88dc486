"""Build the FunctionGraph deployment zip and print its size. See README "Deployment".

scripts/package.py [--python-version X.Y] [--output PATH] [--template template.yaml]
"""

from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from deploy.cli import package_main

if __name__ == "__main__":
    sys.exit(package_main())
