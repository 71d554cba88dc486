#!/usr/bin/env bash
# Create .venv with runtime and dev dependencies; reinstall only when the requirements change.
# Usage: scripts/bootstrap.sh    (the other scripts run it first; it takes no arguments)
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then  # usage only: nothing is installed or run
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.requirements.sha256"
want="$(cat "$root/requirements.txt" "$root/requirements-dev.txt" "$root/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/requirements-dev.txt"
  # the project itself, editable: autotracker (function/), deploy and fakecloud import from the checkout
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    -e "$root"
  echo "$want" > "$stamp"
fi
