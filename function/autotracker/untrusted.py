"""Text from events: decoded and shown safely.

JSON inside an event (an APIG body, an EventGrid `data` string, a trace's `request`) is
decoded with a nesting bound: Python's decoder raises RecursionError (not ValueError) on
deep input, and deep values break whatever walks them later. Strings that reach a result or
a report are cut short and stripped of control and format characters, so a trace id cannot
forge lines in an e-mail or drive a terminal.

Text from cloud answers is as untrusted: every decoded answer is made encodable at the
gateway (`encodable`), and each output form neutralises what is dangerous in it (`printable`
for one-line texts and markup, the CSV's formula guard).
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Dict, List

MAX_DEPTH = 32
MAX_SHOWN = 200
_HIDDEN = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
_SURROGATES = re.compile("[\ud800-\udfff]")


class UntrustedJsonError(ValueError):
    """Not JSON, or nested deeper than MAX_DEPTH."""


def parse_json(text: str, max_depth: int = MAX_DEPTH) -> Any:
    try:
        value = json.loads(text)
    except RecursionError:
        raise UntrustedJsonError(f"JSON nested deeper than {max_depth} levels") from None
    except ValueError:
        raise UntrustedJsonError("not JSON") from None
    check_depth(value, max_depth)
    return value


def check_depth(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise UntrustedJsonError if lists/objects nest deeper than `max_depth` (iterative walk)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item  # type: ignore[assignment]
        else:
            continue
        if depth > max_depth:
            raise UntrustedJsonError(f"JSON nested deeper than {max_depth} levels")
        stack.extend((child, depth + 1) for child in children)


def shown(text: Any, limit: int = MAX_SHOWN) -> str:
    """`text` as it may appear in a result or a report: printable characters only, at most
    `limit` of them (a cut is marked with an ellipsis)."""
    value = str(text)
    if value.isprintable() and len(value) <= limit:  # the common case costs one scan
        return value
    value = " ".join(printable(value[: limit * 4]).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def printable(text: str) -> str:
    """`text` with every control, format or separator character (CR, LF, NUL, U+2028, a lone
    surrogate...) a space: safe in a subject, an SMS, one line of an e-mail or markup."""
    if text.isprintable():  # the common case costs one scan
        return text
    return "".join(ch if unicodedata.category(ch) not in _HIDDEN else " " for ch in text)


def encodable(value: Any) -> Any:
    """A decoded answer with every string UTF-8 encodable: JSON's `\\ud800` escape decodes to a
    lone surrogate, which would make every later `.encode()` (a report, a publish) raise. A lone
    surrogate becomes U+FFFD; everything else is kept as the service sent it."""
    if isinstance(value, str):
        return value if value.isascii() or not _SURROGATES.search(value) else _SURROGATES.sub("\ufffd", value)
    if isinstance(value, dict):
        fixed: Dict[Any, Any] = {encodable(key): encodable(item) for key, item in value.items()}
        return fixed
    if isinstance(value, list):
        items: List[Any] = [encodable(item) for item in value]
        return items
    return value
