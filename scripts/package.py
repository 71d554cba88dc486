"""Build the FunctionGraph deployment zip and print its size. See README "Deployment".

scripts/package.py [--python-version X.Y] [--output PATH] [--template template.yaml]
"""

from __future__ import annotations

import sys

from deployer.cli import package_main

if __name__ == "__main__":
    sys.exit(package_main())
