"""FunctionGraph entry point (`index.handler`)."""

from typing import Any, Dict

from autotracker.handler import handle


def handler(event: Any, context: Any) -> Dict[str, Any]:
    return handle(event, context)
