"""untrusted.py: strings and JSON from outside are bounded and made printable before anyone reads them."""

from __future__ import annotations

import json

import pytest

from autotracker.untrusted import MAX_DEPTH, UntrustedJsonError, encodable, parse_json, printable, shown


def test_json_nested_deeper_than_the_limit_is_refused_not_raised_as_recursion() -> None:
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    with pytest.raises(UntrustedJsonError, match="deeper"):
        parse_json(deep)
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(UntrustedJsonError, match="deeper"):
        parse_json("[" * 100_000 + "]" * 100_000)


def test_text_that_is_not_json_is_an_untrusted_json_error() -> None:
    with pytest.raises(UntrustedJsonError, match="not JSON"):
        parse_json("{nope")


def test_shown_text_is_printable_one_line_and_cut_with_an_ellipsis() -> None:
    assert shown("line one\r\nforged line\u2028x\x00") == "line one forged line x"
    cut = shown("x" * 500, limit=10)
    assert len(cut) == 10 and cut.endswith("…")
    assert shown(123) == "123"


def test_printable_keeps_printable_text_as_it_is() -> None:
    assert printable("photos-2026 ü") == "photos-2026 ü"
    assert printable("a\tb") == "a b"


def test_a_lone_surrogate_becomes_the_replacement_character_everywhere() -> None:
    decoded = json.loads('{"k\\ud800": ["v\\udc00", 1]}')
    fixed = encodable(decoded)
    assert fixed == {"k\ufffd": ["v\ufffd", 1]}
    json.dumps(fixed).encode("utf-8")
    assert encodable("ordinary") == "ordinary"
