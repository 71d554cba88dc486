#!/usr/bin/env bash
# Regenerate requirements.lock and requirements-dev.lock (pinned, with hashes, for Python 3.9 on) from requirements*.txt.
# Usage: scripts/lock.sh    (after changing requirements.txt or requirements-dev.txt; commit both lock files)
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then  # usage only: nothing is installed or run
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
for name in requirements requirements-dev; do
  .venv/bin/uv pip compile "$name.txt" --universal --python-version 3.9 --generate-hashes --quiet \
    --custom-compile-command "scripts/lock.sh" -o "$name.lock"
done
echo "wrote requirements.lock and requirements-dev.lock"
