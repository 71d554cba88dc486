"""Apply template.yaml to the cloud (or --plan it, or --emit-terraform it). See README "Deployment".

scripts/deploy.sh [--template template.yaml] [--plan] [--package PATH] [--region R]
                  [--rotate-secrets] [--emit-terraform DIR]
"""

from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from deploy.cli import deploy_main

if __name__ == "__main__":
    sys.exit(deploy_main())
