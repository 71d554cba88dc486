"""Compile a folder to bytecode whose bytes follow from the source alone.

Run by the target interpreter, so standard library only and Python 3.9 syntax:
`PYTHONHASHSEED=0 pythonX.Y deployer/bytecode.py RUNTIME_DIR FOLDER`.

`compileall` alone is not reproducible. marshal writes an object once and lets later copies
refer back to it, and it marks an object as such a target (FLAG_REF) whenever its reference
count is above one, which depends on whatever else the compiling process happens to hold; and
the compiler may or may not merge equal constants depending on what it compiled before
(python/cpython#78274, #98819, #129724). Either way the same file gives different `.pyc` bytes
from one build to the next. So each `.pyc` is rewritten from a canonical graph: every equal
constant becomes one object, frozensets are rebuilt in a fixed order, and while marshal counts
references only the graph holds any, except that every interned string is held: marshal then
marks exactly the objects used more than once and the interned strings.
"""

import compileall
import marshal
import pathlib
import py_compile
import sys
from types import CodeType
from typing import Any, Dict, Iterator, Tuple

HEADER_BYTES = 16  # magic, flags and the source hash (PEP 552), kept as they are
FLAG_REF = 0x80  # marshal's "may be referred back to" bit on an object's type byte
INTERNED = frozenset(b"tAZ")  # marshal's type bytes for interned strings


def _key(value: Any) -> Tuple[Any, ...]:
    """Equal exactly when marshal would write the same value: same types all the way down,
    0 and False and 0.0 and -0.0 apart, interned and plain strings apart."""
    if type(value) is tuple:
        return ("tuple", tuple(_key(item) for item in value))
    if type(value) is frozenset:
        return ("frozenset", tuple(sorted(_key(item) for item in value)))
    written = marshal.dumps(value)
    return ("value", bytes([written[0] & ~FLAG_REF]) + written[1:])


def _canonical(value: Any, merged: Dict[Tuple[Any, ...], Any]) -> Any:
    if isinstance(value, CodeType):  # every code object stays its own; its constants merge
        return value.replace(co_consts=tuple(_canonical(item, merged) for item in value.co_consts))
    if type(value) is tuple:
        value = tuple(_canonical(item, merged) for item in value)
    elif type(value) is frozenset:
        value = frozenset(sorted((_canonical(item, merged) for item in value), key=_key))
    return merged.setdefault(_key(value), value)


def _names(code: CodeType) -> Iterator[str]:
    """Every name a code object and the code nested in it hold (the compiler interns them)."""
    yield code.co_name
    yield getattr(code, "co_qualname", code.co_name)  # 3.11 on
    yield from (*code.co_names, *code.co_varnames, *code.co_freevars, *code.co_cellvars)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _names(const)


def _interned(value: Any) -> bool:
    return type(value) is str and marshal.dumps(value)[0] & ~FLAG_REF in INTERNED


def canonical_pyc(data: bytes) -> bytes:
    """The same `.pyc` (header untouched) marshalled from the canonical form of its code."""
    merged: Dict[Tuple[Any, ...], Any] = {}
    code = _canonical(marshal.loads(data[HEADER_BYTES:]), merged)
    # Only the graph holds references when marshal counts them, except that interned strings are
    # shared with whatever else this process loaded: those are all held, so all of them are marked.
    held = [value for value in (*merged.values(), *_names(code)) if _interned(value)]
    del merged
    written = marshal.dumps(code)
    del held
    return data[:HEADER_BYTES] + written


def compile_folder(folder: pathlib.Path, runtime_dir: str) -> bool:
    """Unchecked-hash `.pyc` files beside every module, named as if `folder` were `runtime_dir`
    (tracebacks show the runtime's paths, and no build directory ends up in the bytes)."""
    compiled = compileall.compile_dir(
        str(folder),
        quiet=1,
        stripdir=str(folder),
        prependdir=runtime_dir,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    for pyc in sorted(folder.rglob("__pycache__/*.pyc")):
        pyc.write_bytes(canonical_pyc(pyc.read_bytes()))
    return bool(compiled)


if __name__ == "__main__":
    sys.exit(0 if compile_folder(pathlib.Path(sys.argv[2]), sys.argv[1]) else 1)
