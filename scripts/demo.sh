#!/usr/bin/env bash
# Run the function on the sample events (against the local fake cloud unless CLOUD_SDK_AK/SK are set).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
exec .venv/bin/python scripts/demo.py "$@"
