#!/usr/bin/env bash
# Create .venv with runtime and dev dependencies from the lock file (pinned, hash-checked); reinstall only when it changes.
# Usage: scripts/bootstrap.sh    (the other scripts run it first). PYTHON=python3.9 VENV=.venv-3.9 picks another interpreter.
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then  # usage only: nothing is installed or run
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-$root/.venv}"
case "$venv" in /*) ;; *) venv="$root/$venv" ;; esac
stamp="$venv/.requirements.sha256"
want="$(cat "$root/requirements-dev.lock" "$root/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$root/requirements-dev.lock"
  # the project itself, editable (autotracker from function/), built by the lock's setuptools
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e "$root"
  # the checkout's tools, never in the wheel: deployer and fakecloud (the checkout), index (function/)
  site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  printf '%s\n%s\n' "$root" "$root/function" > "$site/cts-autotracker-checkout.pth"
  echo "$want" > "$stamp"
fi
