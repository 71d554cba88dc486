#!/usr/bin/env bash
# Run the benchmarks and print the table (installs what it needs first). --quick for a smoke run.
# Usage: scripts/bench.sh [--quick]    (see benchmarks/README.md)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_prelude.sh"  # --help; else .venv up to date, cd to the checkout ($root)
exec .venv/bin/python -m benchmarks.run "$@"
