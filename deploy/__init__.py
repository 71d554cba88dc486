"""Deployment of cts-autotracker: template schema, packaging, plan, apply and Terraform emission.

Never packaged into the function. It reads the function's own contract (`autotracker.settings`),
so `function/` is put on `sys.path` here, once, the same way pytest and the scripts do.
"""

from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUNCTION_DIR = ROOT / "function"

if str(FUNCTION_DIR) not in sys.path:
    sys.path.insert(0, str(FUNCTION_DIR))
