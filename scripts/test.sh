#!/usr/bin/env bash
# Lint, type-check and run the test suite (installs what it needs first).
# Usage: scripts/test.sh [--quick] [PYTEST ARGS...]    e.g. scripts/test.sh --quick -q -k organization
#   --quick  everything but the tests marked slow (the package builds for every runtime): under a minute.
# Another interpreter: PYTHON=python3.9 VENV=.venv-3.9 scripts/test.sh (CI runs the oldest and newest supported).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_prelude.sh"  # --help; else .venv up to date, cd to the checkout ($root)
venv="${VENV:-.venv}"
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
"$venv/bin/mypy"
if [ "${1:-}" = "--quick" ]; then
  shift
  set -- -m "not slow" "$@"
fi
exec "$venv/bin/python" -m pytest "$@"
