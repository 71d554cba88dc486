#!/usr/bin/env bash
# Run the function on the sample events (against the local fake cloud unless CLOUD_SDK_AK/SK are set).
# Usage: scripts/demo.sh [EVENT.json ...]    (default: the samples in events/)
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then  # usage only: nothing is installed or run
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
exec .venv/bin/python scripts/demo.py "$@"
