#!/usr/bin/env bash
# Create .venv with runtime and dev dependencies; reinstall only when the requirements change.
set -euo pipefail
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
