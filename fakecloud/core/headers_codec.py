"""Header value decoding shared by both transports.

The SDK signs a header's UTF-8 text but hands `requests` the UTF-8 bytes decoded as Latin-1,
and http.server decodes received headers as Latin-1; undoing that recovers the signed text.
"""

from __future__ import annotations


def wire_to_text(value: str | bytes) -> str:
    if isinstance(value, bytes):
        raw = value
    else:
        try:
            raw = value.encode("latin-1")
        except UnicodeEncodeError:
            return value
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
