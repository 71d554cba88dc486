#!/usr/bin/env bash
# Run the function on the sample events (against the local fake cloud unless CLOUD_SDK_AK/SK are set).
# Usage: scripts/demo.sh [--organization] [--verbose] [EVENT.json ...]    (default: the samples in events/)
#   --organization: a local organization in organization mode, one table per account; --verbose: the JSON log lines too
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_prelude.sh"  # --help; else .venv up to date, cd to the checkout ($root)
exec .venv/bin/python scripts/demo.py "$@"
