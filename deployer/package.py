"""Build the deployable zip: `index.py` at the root, `autotracker/`, and the runtime dependencies
installed for the target interpreter on Linux x86_64.

pydantic-core (and a few others) are compiled, so the wheels must match the runtime's Python,
not the builder's: pip is asked for manylinux2014_x86_64 CPython wheels of that version only,
and for exactly the versions and files `requirements.lock` pins for it (hash-checked). The zip
is reproducible (sorted entries, fixed timestamps and modes), so the same sources and wheels give
the same SHA-512 and a re-deploy uploads nothing.

Bytecode is precompiled when an interpreter of the target version is at hand (the builder's own,
`pythonX.Y` on PATH, or a pyenv install): FunctionGraph's code directory is read-only, so
without `.pyc` files every cold start would compile the SDK's hundreds of modules again.
Unchecked-hash pycs stay valid after unzipping (no mtimes), and `deployer/bytecode.py` makes
their bytes depend on the source alone, so the zip stays reproducible.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple

from packaging.requirements import Requirement

from deployer import FUNCTION_DIR, ROOT

BYTECODE_SCRIPT = pathlib.Path(__file__).with_name("bytecode.py")  # run by the target interpreter
RUNTIME_CODE_DIR = "/opt/function/code"  # where FunctionGraph unpacks the code
MAX_BYTES = 40 * 1024 * 1024  # FunctionGraph console upload limit (the API allows 50 MB)
PLATFORM = "manylinux2014_x86_64"
WHEELHOUSE = "CTS_AUTOTRACKER_WHEELHOUSE"  # a folder to keep downloaded wheels in between builds
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_SKIP_DIRS = {"tests", ".pytest_cache", ".mypy_cache"}
_SKIP_SUFFIXES = (".pyo",)
_NETWORK_TROUBLE = re.compile(
    r"NewConnectionError|ConnectionError|Max retries exceeded|Temporary failure in name resolution|"
    r"Network is unreachable|Connection refused|ReadTimeout"
)


class PackageError(Exception):
    """The package could not be built (pip failed, or the zip is too large)."""

    def __init__(self, message: str, network: bool = False):
        super().__init__(message)
        self.network = network  # pip could not reach the package index


@dataclass(frozen=True)
class Package:
    path: pathlib.Path
    size: int
    files: int
    python_version: str
    precompiled: bool = False

    def describe(self) -> str:
        bytecode = "bytecode precompiled" if self.precompiled else "no bytecode: no Python interpreter of that version"
        return (
            f"{self.path} ({self.size / 1024 / 1024:.1f} MB, {self.files} files, "
            f"for Python {self.python_version}, {bytecode})"
        )


def python_version_of(runtime: str) -> str:
    """'Python3.10' -> '3.10'."""
    found = re.fullmatch(r"Python(\d+\.\d+)", runtime)
    if not found:
        raise ValueError(f"not a Python runtime: {runtime!r}")
    return found.group(1)


def _pip(*arguments: str) -> None:
    command = [sys.executable, "-m", "pip", *arguments, "--quiet", "--disable-pip-version-check", "--no-input"]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if done.returncode != 0:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip() and "WARNING" not in line]
        tail = " | ".join(lines[-3:]) or f"exit {done.returncode}"
        raise PackageError(
            f"pip could not install the runtime dependencies: {tail}", bool(_NETWORK_TROUBLE.search(done.stderr))
        )


def locked_for(python_version: str, lock: pathlib.Path) -> str:
    """The lock's pins (with their hashes) that apply to the target Python, markers dropped.

    The lock is universal (one file for 3.9 on, markers such as `python_full_version < '3.10'`),
    and pip judges markers by the Python it runs on, not by `--python-version`: a 3.11 builder
    would pick dnspython 2.9.2, which needs 3.11, for a 3.9 runtime. So the markers are judged
    here, against the runtime's Linux x86_64 CPython.
    """
    environment = {
        "python_version": python_version,
        "python_full_version": f"{python_version}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "os_name": "posix",
    }
    chosen = []
    for entry in re.sub(r"\\\n", " ", lock.read_text()).splitlines():
        entry = entry.split("#", 1)[0].strip()
        if not entry:
            continue
        requirement, _, hashes = entry.partition(" --hash=")
        pinned = Requirement(requirement)
        if pinned.marker is None or pinned.marker.evaluate(environment):
            chosen.append(f"{pinned.name}{pinned.specifier} --hash={hashes}")
    return "\n".join(chosen) + "\n"


def install_dependencies(
    python_version: str, target: pathlib.Path, lock: pathlib.Path, wheelhouse: Optional[pathlib.Path] = None
) -> None:
    """Install the locked runtime dependencies into `target`, as wheels for the target interpreter.

    Exactly the lock's versions and files (`--require-hashes`), so two builds of the same commit
    cannot differ because an index answered differently or published a release in between.
    Two steps on purpose: `pip download` checks the target's Requires-Python, while
    `pip install --target --python-version` ignores it; the install then takes exactly the
    downloaded wheels. With a `wheelhouse` (or `$CTS_AUTOTRACKER_WHEELHOUSE`) the downloaded
    wheels are kept there and later builds of the same pins take them without asking the index.
    """
    wheel_for = ["--platform", PLATFORM, "--implementation", "cp", "--python-version", python_version]
    wheel_for += ["--only-binary=:all:", "--no-deps"]
    pins = locked_for(python_version, lock)
    kept = wheelhouse or (pathlib.Path(os.environ[WHEELHOUSE]) if os.environ.get(WHEELHOUSE) else None)
    with tempfile.TemporaryDirectory(prefix="cts-autotracker-wheels-") as tmp:
        wheels = fetch_wheels(python_version, pins, kept or pathlib.Path(tmp), wheel_for)
        _pip("install", "--no-index", "--no-compile", "--target", str(target), *wheel_for, *wheels)


def fetch_wheels(python_version: str, pins: str, wheelhouse: pathlib.Path, wheel_for: Sequence[str]) -> List[str]:
    """The wheels for `pins`, one per pin, from the wheelhouse when an earlier build left them there
    (checked again against the pins' hashes), else downloaded into it.

    Each set of pins has its own folder (named for the target Python and a digest of the pins), filled
    once: pip downloads into a scratch folder beside it, which is then renamed into place, so a build
    never takes a half-filled folder, and two builds filling it at once both end up with the same files.
    """
    folder = wheel_folder(python_version, pins, wheelhouse)
    if folder.is_dir():
        return _checked(folder, pins)
    wheelhouse.mkdir(parents=True, exist_ok=True)
    scratch = pathlib.Path(tempfile.mkdtemp(prefix=f"{folder.name}.partial-", dir=wheelhouse))
    try:
        requirements = scratch / "requirements.txt"
        requirements.write_text(pins)
        _pip("download", "--dest", str(scratch), *wheel_for, "--require-hashes", "-r", str(requirements))
        requirements.unlink()
        try:
            scratch.rename(folder)
        except OSError:  # another build filled it first
            if not folder.is_dir():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return _checked(folder, pins)


def wheel_folder(python_version: str, pins: str, wheelhouse: pathlib.Path) -> pathlib.Path:
    """Where the wheelhouse keeps the wheels of these pins for this Python."""
    digest = hashlib.sha256(f"{PLATFORM} cp{python_version}\n{pins}".encode()).hexdigest()[:16]
    return wheelhouse / f"cp{python_version.replace('.', '')}-{digest}"


def _checked(folder: pathlib.Path, pins: str) -> List[str]:
    """The folder's wheels, if each pin has exactly one among them whose SHA-256 it lists and there
    is nothing else; PackageError otherwise (a wheelhouse is a cache, never trusted as it stands)."""
    wanted = [set(re.findall(r"--hash=sha256:([0-9a-f]{64})", line)) for line in pins.splitlines() if line.strip()]
    wheels = {hashlib.sha256(path.read_bytes()).hexdigest(): path for path in sorted(folder.glob("*.whl"))}
    matched = [[digest for digest in wheels if digest in hashes] for hashes in wanted]
    if len(wheels) != len(wanted) or any(len(found) != 1 for found in matched):
        raise PackageError(f"{folder} does not hold exactly the locked wheels; delete it to download them again")
    return sorted(str(path) for path in wheels.values())


def find_interpreter(python_version: str) -> Optional[str]:
    """An interpreter of exactly `python_version`, to compile bytecode the runtime will accept."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == python_version:
        return sys.executable
    pyenv = os.path.expanduser(f"~/.pyenv/versions/{python_version}.*/bin/python{python_version}")
    candidates = [shutil.which(f"python{python_version}"), *sorted(glob.glob(pyenv))]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
        )
        if probe.returncode == 0 and probe.stdout.strip() == python_version:
            return candidate
    return None


def precompile(interpreter: str, *folders: pathlib.Path) -> None:
    """Compile as if the files sat in FunctionGraph's code directory, with bytes that depend on the
    source alone (`deployer/bytecode.py` says why `compileall` by itself does not)."""
    for folder in folders:
        command = [interpreter, str(BYTECODE_SCRIPT), RUNTIME_CODE_DIR, str(folder)]
        # set and frozenset constants are stored in hash order, so the hash seed is fixed too
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        if done.returncode != 0:
            raise PackageError(f"compiling bytecode failed: {(done.stdout + done.stderr).strip()[-300:]}")


def stage_function(function_dir: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    """A clean copy of the function's code (no caches), to compile without touching the sources."""
    target.mkdir(parents=True)
    shutil.copy2(function_dir / "index.py", target / "index.py")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "tests")
    shutil.copytree(function_dir / "autotracker", target / "autotracker", ignore=ignore)
    return target


def _walk(base: pathlib.Path, prefix: str = "") -> Iterator[Tuple[str, pathlib.Path]]:
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base)
        if path.is_dir() or any(part in _SKIP_DIRS for part in relative.parts):
            continue
        if path.suffix in _SKIP_SUFFIXES:
            continue
        yield prefix + relative.as_posix(), path


def _entries(deps: pathlib.Path, function_dir: pathlib.Path) -> List[Tuple[str, pathlib.Path]]:
    entries = {}
    for name, path in _walk(deps):
        top = name.split("/", 1)[0]
        if top == "bin" or (top.endswith(".dist-info") and name.endswith(("/RECORD", "/direct_url.json"))):
            continue  # console scripts, and install records only pip reads (they name the build's paths)
        entries[name] = path
    entries["index.py"] = function_dir / "index.py"
    for name, path in _walk(function_dir / "autotracker", "autotracker/"):
        entries[name] = path
    return sorted(entries.items())


def write_zip(entries: Sequence[Tuple[str, pathlib.Path]], output: pathlib.Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, path in entries:
            info = zipfile.ZipInfo(name, ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    partial.replace(output)


def build_package(
    python_version: str,
    output: pathlib.Path,
    lock: Optional[pathlib.Path] = None,
    function_dir: pathlib.Path = FUNCTION_DIR,
    wheelhouse: Optional[pathlib.Path] = None,
) -> Package:
    """Build the zip at `output`; PackageError if pip fails or it reaches MAX_BYTES. `wheelhouse`:
    where to keep the downloaded wheels for the next build (`install_dependencies`)."""
    if not re.fullmatch(r"3\.\d+", python_version):
        raise PackageError(f"--python-version must look like 3.10, not {python_version!r}")
    with tempfile.TemporaryDirectory(prefix="cts-autotracker-pkg-") as tmp:
        deps = pathlib.Path(tmp) / "deps"
        install_dependencies(python_version, deps, lock or ROOT / "requirements.lock", wheelhouse)
        code = stage_function(function_dir, pathlib.Path(tmp) / "code")
        interpreter = find_interpreter(python_version)
        if interpreter:
            precompile(interpreter, deps, code)
        entries = _entries(deps, code)
        write_zip(entries, output)
    size = output.stat().st_size
    if size >= MAX_BYTES:
        output.unlink()
        raise PackageError(f"the package is {size / 1024 / 1024:.1f} MB; FunctionGraph takes less than 40 MB")
    return Package(output, size, len(entries), python_version, precompiled=interpreter is not None)
