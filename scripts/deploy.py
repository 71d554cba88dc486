#!/usr/bin/env python3
"""Apply template.yaml to the cloud (or --plan it, or --emit-terraform it). See README "Deployment".

scripts/deploy.sh [--template template.yaml] [--plan] [--package PATH] [--region R]
                  [--rotate-secrets] [--emit-terraform DIR] [--emit-conformance-package DIR]
"""

from __future__ import annotations

import sys

import _venv

_venv.enter(__doc__ or "")

from deployer.cli import deploy_main  # noqa: E402  (after entering the venv)

if __name__ == "__main__":
    sys.exit(deploy_main())
