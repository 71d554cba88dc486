"""What the docs and scripts name (commands, flags) and what the scripts accept: read by the
documented-commands and docs-links tests (tests/deploy/)."""

from __future__ import annotations

import ast
import os
import pathlib
import re
import subprocess
from functools import lru_cache
from typing import Dict, Iterator, List, NamedTuple, Optional, Set, Tuple

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPTS = sorted(
    p.name for p in (ROOT / "scripts").iterdir() if p.suffix in (".sh", ".py") and not p.name.startswith("_")
)
MESSAGE_SOURCES = ("function", "deployer", "scripts")
DOCUMENTS = ("README.md", "benchmarks/README.md", "fakecloud/README.md", "template.yaml") + tuple(
    p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "docs").rglob("*.md"))
)

# `scripts/NAME` (any name: it must exist), or a script's bare name (`deploy.py --plan`)
MENTION = re.compile(
    r"(?<![\w./-])(?:(?:\./)?scripts/([A-Za-z0-9_.-]*[A-Za-z0-9_])|("
    + "|".join(re.escape(name) for name in SCRIPTS)
    + r")(?![\w-]))"
)
FLAG = re.compile(r"(?<![\w/.=-])(--?[A-Za-z][A-Za-z0-9-]*)")
LONG_FLAG = re.compile(r"(?<![\w/.=-])(--[A-Za-z][A-Za-z0-9-]*)")
CODE_SPAN = re.compile(r"`([^`]+)`")
PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z0-9_.]*|\.\.\.|[\[\]])$")  # DIR, PATH, X.Y, ...
WORD = re.compile(r"[A-Za-z]{2,}")
DELEGATES = re.compile(r"scripts/([A-Za-z0-9_.-]+)\s+--help")


class Named(NamedTuple):
    """A command or flag named somewhere: `script` is None for a flag named alone."""

    where: str
    script: Optional[str]
    flag: Optional[str]


# ----- what the scripts accept ---------------------------------------------------------------
def _help(script: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    answer = subprocess.run(
        [str(ROOT / "scripts" / script), "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert answer.returncode == 0 and "usage" in answer.stdout.lower(), (script, answer.stderr)
    return answer.stdout


@lru_cache(maxsize=None)
def accepted() -> Dict[str, Set[str]]:
    """Each script's flags as its `--help` names them; a help that sends the reader to another
    script's `--help` (deploy.sh runs deploy.py with its arguments) accepts that script's flags too."""
    helps = {script: _help(script) for script in SCRIPTS}
    flags = {script: set(FLAG.findall(text)) | {"-h", "--help"} for script, text in helps.items()}
    for script, text in helps.items():
        for other in DELEGATES.findall(text):
            if other != script and other in flags:
                flags[script] |= flags[other]
    return flags


# ----- where commands are named ---------------------------------------------------------------
def _in_text(text: str, where: str, alone: "re.Pattern[str]") -> Iterator[Named]:
    """The commands of one message, line or code span, and the flags that follow each; flags
    before any command are named alone."""
    mentions = list(MENTION.finditer(text))
    head = text[: mentions[0].start()] if mentions else text
    for flag in alone.findall(head):
        yield Named(where, None, flag)
    for number, mention in enumerate(mentions):
        end = mentions[number + 1].start() if number + 1 < len(mentions) else len(text)
        script = mention.group(1) or mention.group(2)
        yield Named(where, script, None)
        for flag in FLAG.findall(text[mention.end() : end]):
            yield Named(where, script, flag)


def _only_flags(span: str) -> bool:
    tokens = span.replace("[", " ").replace("]", " ").split()
    return bool(tokens) and all(FLAG.fullmatch(t) or PLACEHOLDER.match(t) for t in tokens)


def _document(path: pathlib.Path) -> Iterator[Named]:
    """Fenced blocks line by line (comments cut); prose with its code spans: a span that names a
    script, or holds flags and placeholders only, is checked; the prose around them too."""
    text = path.read_text()
    name = path.relative_to(ROOT).as_posix()
    if path.suffix == ".yaml":
        for number, line in enumerate(text.splitlines(), 1):
            if "#" in line:
                yield from _in_text(line.split("#", 1)[1], f"{name}:{number}", LONG_FLAG)
        return
    fenced = False
    paragraph: List[Tuple[int, str]] = []

    def prose() -> Iterator[Named]:
        if not paragraph:
            return
        start, joined = paragraph[0][0], "\n".join(line for _, line in paragraph)
        where = f"{name}:{start}"
        for span in CODE_SPAN.findall(joined):
            if MENTION.search(span):
                yield from _in_text(span, where, FLAG)
            elif _only_flags(span):
                yield from _in_text(span, where, FLAG)
        outside = CODE_SPAN.sub(" ", joined)
        yield from _in_text(outside, where, LONG_FLAG)
        paragraph.clear()

    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            yield from prose()
            fenced = not fenced
            continue
        if fenced:
            command = re.split(r"\s#\s", line, maxsplit=1)[0]
            if MENTION.search(command):
                yield from _in_text(command, f"{name}:{number}", FLAG)
        elif line.strip():
            paragraph.append((number, line))
        else:
            yield from prose()
    yield from prose()


def _strings(tree: ast.AST) -> Iterator[Tuple[int, str]]:
    """The string literals of a module that are messages: docstrings left out; an f-string is one
    text, its fields read as X."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    inside: Set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                inside.add(id(value))
                parts.append(value.value if isinstance(value, ast.Constant) else "X")
            yield node.lineno, "".join(str(part) for part in parts)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings and id(node) not in inside:
                yield node.lineno, node.value


def _messages() -> Iterator[Named]:
    """A literal of fewer than two words besides its flags is an argv item, a key or a fragment
    (`"--no-deps"`, `" --hash="`), not a message."""
    for base in MESSAGE_SOURCES:
        for path in sorted((ROOT / base).rglob("*.py")):
            for line, text in _strings(ast.parse(path.read_text())):
                if len(WORD.findall(FLAG.sub(" ", text))) >= 2:
                    yield from _in_text(text, f"{path.relative_to(ROOT).as_posix()}:{line}", LONG_FLAG)


def named() -> List[Named]:
    found = list(_messages())
    for document in DOCUMENTS:
        found.extend(_document(ROOT / document))
    return found


def problems(found: List[Named]) -> List[str]:
    flags = accepted()
    every = set().union(*flags.values())
    wrong = []
    for item in found:
        if item.script is None:
            if item.flag not in every:
                wrong.append(f"{item.where}: {item.flag} is no script's flag")
        elif item.script not in flags:
            wrong.append(f"{item.where}: scripts/{item.script} does not exist (scripts: {', '.join(SCRIPTS)})")
        elif item.flag is not None and item.flag not in flags[item.script]:
            wrong.append(
                f"{item.where}: scripts/{item.script} has no {item.flag} (its --help: {sorted(flags[item.script])})"
            )
    return wrong


# ----- the tests --------------------------------------------------------------------------------
