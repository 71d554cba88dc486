"""The README is a landing page and docs/ holds the rest: every relative link in them resolves
(a file or folder of the checkout, and an `#anchor` as GitHub renders a heading's id), and every
`scripts/...` command shown in docs/ names only flags its script's `--help` has (the machinery of
test_documented_commands, which also scans docs/)."""

from __future__ import annotations

import pathlib
import re
import unicodedata
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest
from helpers.commands import ROOT, _document, problems

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# [text](target) and ![alt](target); a target may carry a "title"
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"`[^`]*`")


def documents() -> List[pathlib.Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _prose(text: str) -> Iterator[Tuple[int, str]]:
    """Lines outside fenced blocks, with code spans blanked (a link inside code is no link)."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)


def slug(heading: str) -> str:
    """GitHub's heading id: markup dropped, lower case, punctuation removed (letters, digits,
    `-`, `_` and spaces kept), spaces turned into `-`."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(path: pathlib.Path) -> Set[str]:
    """The ids GitHub gives a file's headings; a repeated heading gets -1, -2, ..."""
    seen: Dict[str, int] = {}
    found = set()
    for _, line in _prose(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(path: pathlib.Path, text: Optional[str] = None) -> List[str]:
    """The links of one document (its text, or `text` as if it were there) that do not resolve."""
    wrong = []
    name = path.relative_to(ROOT).as_posix()
    for number, line in _prose(path.read_text(encoding="utf-8") if text is None else text):
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not ours to check
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if file_part and not linked.exists():
                wrong.append(f"{name}:{number}: {target}: no such file")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                wrong.append(f"{name}:{number}: {target}: no heading #{anchor} in {linked.relative_to(ROOT)}")
            elif file_part and ROOT not in linked.parents and linked != ROOT:
                wrong.append(f"{name}:{number}: {target}: outside the checkout")
    return wrong


def test_every_relative_link_in_the_readme_and_docs_resolves() -> None:
    assert (ROOT / "docs").is_dir()
    wrong = [problem for path in documents() for problem in broken_links(path)]
    assert wrong == []
    # what was held: the README links into docs/, so a scan that finds no link cannot pass
    readme_links = [t for _, line in _prose((ROOT / "README.md").read_text()) for t in LINK.findall(line)]
    assert sum(t.startswith("docs/") for t in readme_links) >= 8


def test_every_scripts_command_in_the_docs_names_only_its_flags() -> None:
    found = [item for path in documents() for item in _document(path)]
    assert problems(found) == []
    shown = {(item.script, item.flag) for item in found if item.where.startswith(("README.md", "docs/"))}
    assert {("demo.sh", "--organization"), ("test.sh", "--quick")} <= shown


def test_the_readme_is_a_landing_page() -> None:
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 250


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Terraform (RFS)", "terraform-rfs"),
        ("The IAM-trace region caveat", "the-iam-trace-region-caveat"),
        ("Async retries and on_failure", "async-retries-and-on_failure"),
        ("Results, outcomes and error codes", "results-outcomes-and-error-codes"),
        ("`NOTIFY` and [links](x.md)", "notify-and-links"),
    ],
)
def test_a_heading_id_is_githubs(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def test_a_broken_link_is_found() -> None:
    text = (
        "See [the template](deployment.md#the-template), [gone](nowhere.md), [up](../../x.md),\n"
        "[no such part](security.md#no-such-heading), `[in code](missing.md)`, [web](https://example.com/x).\n"
        "```\n[in a block](missing.md)\n```\n"
    )
    wrong = broken_links(ROOT / "docs" / "deployment.md", text)
    assert [w.split(": ", 1)[1] for w in wrong] == [
        "nowhere.md: no such file",
        "../../x.md: no such file",
        "security.md#no-such-heading: no heading #no-such-heading in docs/security.md",
    ], wrong
