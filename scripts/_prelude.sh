# Sourced by the scripts after `set -euo pipefail`: `-h`/`--help` prints the calling script's
# header comment and exits (nothing installed or run); otherwise .venv is brought up to date
# (bootstrap.sh) and the working directory becomes the checkout, whose path is in `$root`.
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
  exit 0
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
