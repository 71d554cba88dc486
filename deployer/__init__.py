"""Deployment of cts-autotracker: template schema, packaging, plan, apply and Terraform emission.

Never packaged into the function. It reads the function's own contract (`autotracker.settings`),
installed with this project (`scripts/bootstrap.sh`).
"""

from __future__ import annotations

import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUNCTION_DIR = ROOT / "function"
