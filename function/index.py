"""FunctionGraph entry point (`index.handler`).

The garbage collector stays off from the first import until the first result: a cold start
allocates tens of thousands of long-lived objects (SDK, pydantic, our models) and no cycles worth
collecting, so collections then are pure cost. After the first invocation those objects are
frozen out of the collector's way (`gc.freeze`) and collection resumes for what follows.
"""

import gc

gc.disable()

from typing import Any, Dict  # noqa: E402

from autotracker.handler import handle  # noqa: E402

_warm = False


def handler(event: Any, context: Any) -> Dict[str, Any]:
    global _warm
    try:
        return handle(event, context)
    finally:
        if not _warm:
            _warm = True
            gc.freeze()
            gc.enable()
