"""deployer/bytecode.py: a module's `.pyc` bytes follow from its source, not from what the compiling
process held or compiled before, and the rewritten bytecode runs exactly as the source does."""

from __future__ import annotations

import importlib.util
import marshal
import os
import pathlib
import subprocess
import sys
from types import CodeType
from typing import Any, Dict, List

import pytest

from deployer import FUNCTION_DIR
from deployer.bytecode import canonical_pyc
from deployer.package import RUNTIME_CODE_DIR, find_interpreter, precompile, python_version_of, stage_function
from deployer.template import RUNTIMES

SOURCE = """\
only_named_here = 1
NAMES = {"foo", 2, 3}
PAIR = ("a b", 1.5, -0.0, 0.0, (1, False))


def names():
    return {"foo", 2, 3}, ("a b", 1.5, -0.0, 0.0, (1, False))
"""
LOCAL = f"{sys.version_info.major}.{sys.version_info.minor}"
VERSIONS = sorted({LOCAL, *(python_version_of(runtime) for runtime in RUNTIMES)})
# a compiling interpreter that has been busy first: modules loaded and others' code compiled
BUSY = """\
import argparse, decimal, email.message, json, logging.handlers, pathlib
kept = [compile(open(module.__file__).read(), module.__file__, "exec") for module in (argparse, decimal, json)]
pathlib.Path(__file__).with_name("ran").touch()
"""


def interpreter_of(version: str) -> str:
    interpreter = find_interpreter(version)
    if interpreter is None:
        pytest.skip(f"no Python {version} interpreter on this machine")
    return interpreter


def pycs(folder: pathlib.Path) -> Dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*.pyc"))}


def pyc(code: CodeType) -> bytes:
    header = importlib.util.MAGIC_NUMBER + (3).to_bytes(4, "little") + importlib.util.source_hash(SOURCE.encode())
    return header + marshal.dumps(code)


def copied(value: Any) -> Any:
    """An equal constant that is not the same object."""
    if type(value) is tuple:
        return tuple([copied(item) for item in value])
    if type(value) is frozenset:
        return frozenset([copied(item) for item in value])
    if type(value) is str:
        return "".join(list(value))
    return value


def variants() -> List[bytes]:
    """The one module marshalled three ways CPython can: as compiled; with every constant marked
    as a back-reference target (its reference count was above one when marshal looked); and with
    the function's constants not merged with the module's (the compiler's cache missed them)."""
    code = compile(SOURCE, f"{RUNTIME_CODE_DIR}/b.py", "exec", dont_inherit=True)
    function = next(const for const in code.co_consts if isinstance(const, CodeType))
    as_compiled = pyc(code)
    held = [*code.co_consts, *function.co_consts]
    every_constant_marked = pyc(code)
    del held
    apart = function.replace(co_consts=tuple(copied(const) for const in function.co_consts))
    unmerged = pyc(code.replace(co_consts=tuple(apart if c is function else c for c in code.co_consts)))
    return [as_compiled, every_constant_marked, unmerged]


def run(data: bytes) -> Any:
    namespace: dict = {}
    exec(marshal.loads(data[16:]), namespace)
    return namespace["NAMES"], namespace["PAIR"], namespace["names"]()


def test_the_ways_cpython_marshals_one_module_give_one_canonical_pyc() -> None:
    written = variants()
    assert len(set(written)) == 3, "the variants must differ, or this test proves nothing"
    canonical = {canonical_pyc(data) for data in written}
    assert len(canonical) == 1
    (only,) = canonical
    assert canonical_pyc(only) == only
    assert only[:16] == written[0][:16]


def test_the_canonical_pyc_does_not_depend_on_what_else_the_process_holds() -> None:
    """Interned names are shared with everything else the process loaded, so their reference
    counts (and with them marshal's marks) change with what happens to be alive."""
    data = variants()[0]
    alone = canonical_pyc(data)
    held = list(marshal.loads(data[16:]).co_names)
    assert canonical_pyc(data) == alone
    assert SOURCE.split(" = ")[0] in held  # a name held now, and named nowhere else in this process


def test_canonical_bytecode_runs_as_the_source_does() -> None:
    expected = run(variants()[0])
    for data in variants():
        result = run(canonical_pyc(data))
        assert result == expected
        # the values compare equal across 0/False and 0.0/-0.0, so their types and signs are checked too
        assert [repr(value) for value in result[1]] == [repr(value) for value in expected[1]]
        assert type(result[1][4][1]) is bool


@pytest.mark.parametrize("version", VERSIONS)
def test_a_module_compiles_to_the_same_bytes_whatever_was_compiled_before_it(
    version: str, tmp_path: pathlib.Path
) -> None:
    """Through the package's own precompile step, with the target interpreter: `b.py` alone, and
    `b.py` after `a.py` interned a name it uses (which changes plain compileall's output on 3.12)."""
    interpreter = interpreter_of(version)
    alone, after = tmp_path / "alone", tmp_path / "after"
    for folder in (alone, after):
        folder.mkdir()
        (folder / "b.py").write_text(SOURCE)
    (after / "a.py").write_text("import foo\n")
    precompile(interpreter, alone)
    precompile(interpreter, after)
    (first,) = (alone / "__pycache__").glob("b.*.pyc")
    assert first.read_bytes() == (after / "__pycache__" / first.name).read_bytes()
    # the runtime loads it with the source gone, and gets the source's values
    (alone / "b.py").unlink()
    first.rename(alone / "b.pyc")
    probe = "import b; print(repr((b.NAMES == b.names()[0], b.PAIR == b.names()[1], b.PAIR)))"
    done = subprocess.run(
        [interpreter, "-c", probe], cwd=alone, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(True, True, ('a b', 1.5, -0.0, 0.0, (1, False)))"


@pytest.mark.parametrize("version", VERSIONS)
def test_the_functions_modules_compile_alike_however_busy_the_interpreter_was(
    version: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The function's own modules, compiled by a fresh interpreter and by one that loaded and
    compiled other modules first (a sitecustomize): plain compileall changes most of these
    `.pyc` files on 3.9 to 3.11."""
    interpreter = interpreter_of(version)
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BUSY)
    fresh = stage_function(FUNCTION_DIR, tmp_path / "fresh")
    busy = stage_function(FUNCTION_DIR, tmp_path / "busy")
    precompile(interpreter, fresh)
    monkeypatch.setenv("PYTHONPATH", str(site))
    precompile(interpreter, busy)
    assert (site / "ran").exists(), "the busy interpreter did not run its sitecustomize"
    compiled = pycs(fresh)
    assert len(compiled) > 20
    assert pycs(busy) == compiled
