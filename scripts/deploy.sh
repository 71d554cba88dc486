#!/usr/bin/env bash
# Deploy template.yaml (installs what it needs first). --plan to only show the changes.
# Usage: scripts/deploy.sh [--plan] [--destroy] [--fake] [--emit-terraform DIR] ...    (scripts/deploy.py --help)
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then  # usage only: nothing is installed or run
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
exec .venv/bin/python scripts/deploy.py "$@"
