#!/usr/bin/env bash
# Regenerate requirements.lock and requirements-dev.lock (pinned, with hashes, for Python 3.9 on) from requirements*.txt.
# Usage: scripts/lock.sh    (after changing requirements.txt or requirements-dev.txt; commit both lock files)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_prelude.sh"  # --help; else .venv up to date, cd to the checkout ($root)
for name in requirements requirements-dev; do
  .venv/bin/uv pip compile "$name.txt" --universal --python-version 3.9 --generate-hashes --quiet \
    --custom-compile-command "scripts/lock.sh" -o "$name.lock"
done
echo "wrote requirements.lock and requirements-dev.lock"
