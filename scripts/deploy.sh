#!/usr/bin/env bash
# Deploy template.yaml (installs what it needs first). --plan to only show the changes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
exec .venv/bin/python scripts/deploy.py "$@"
