#!/usr/bin/env bash
# Lint, type-check and run the test suite (installs what it needs first).
# Usage: scripts/test.sh [--quick] [PYTEST ARGS...]    e.g. scripts/test.sh --quick -q -k organization
#   --quick  everything but the tests marked slow (the package builds for every runtime): under a minute.
# The tests run on every core (pytest-xdist; `-n 0` after the options runs them in one process); each
# runtime's package tests share one worker, one build of that runtime's zip and one wheelhouse.
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
exec "$venv/bin/python" -m pytest -n auto --dist loadgroup "$@"
