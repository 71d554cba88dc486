#!/usr/bin/env bash
# Run the benchmarks and print the table (installs what it needs first). --quick for a smoke run.
# Usage: scripts/bench.sh [--quick]    (see benchmarks/README.md)
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then  # usage only: nothing is installed or run
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
exec .venv/bin/python -m benchmarks.run "$@"
