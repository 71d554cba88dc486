#!/usr/bin/env bash
# Deploy template.yaml (installs what it needs first). --plan to only show the changes.
# Usage: scripts/deploy.sh [--plan] [--destroy] [--fake] [--emit-terraform DIR] ...    (scripts/deploy.py --help)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_prelude.sh"  # --help; else .venv up to date, cd to the checkout ($root)
exec .venv/bin/python scripts/deploy.py "$@"
