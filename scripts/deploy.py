"""Apply template.yaml to the cloud (or --plan it, or --emit-terraform it). See README "Deployment".

scripts/deploy.sh [--template template.yaml] [--plan] [--package PATH] [--region R]
                  [--rotate-secrets] [--emit-terraform DIR]
"""

from __future__ import annotations

import sys

from deployer.cli import deploy_main

if __name__ == "__main__":
    sys.exit(deploy_main())
