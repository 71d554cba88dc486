#!/usr/bin/env bash
# Lint, type-check and run the test suite (installs what it needs first).
# Usage: scripts/test.sh [PYTEST ARGS...]    e.g. scripts/test.sh -q -k organization
# Another interpreter: PYTHON=python3.9 VENV=.venv-3.9 scripts/test.sh (CI runs the oldest and newest supported).
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then  # usage only: nothing is installed or run
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
venv="${VENV:-.venv}"
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
"$venv/bin/mypy"
exec "$venv/bin/python" -m pytest "$@"
