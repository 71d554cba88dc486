#!/usr/bin/env bash
# Run the benchmarks and print the table (installs what it needs first). --quick for a smoke run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
exec .venv/bin/python -m benchmarks.run "$@"
