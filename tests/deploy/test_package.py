"""scripts/package.py: the zip holds exactly the function and its runtime dependencies for the
target interpreter, and the handler runs from it in an interpreter with nothing else installed.

Building needs pip to download wheels: when the package index cannot be reached the tests are
skipped, saying so; any other build failure fails them.
"""

from __future__ import annotations

import io
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile
from typing import Callable, Dict, List

import pytest
from helpers.world import PROJECT_ID, REGION, TOPIC_URN, TRACE_BUCKET, bucket_event, make_cloud

from deployer.cli import package_main
from deployer.package import (
    MAX_BYTES,
    WHEELHOUSE,
    PackageError,
    build_package,
    find_interpreter,
    locked_for,
    python_version_of,
)
from deployer.template import RUNTIMES

ROOT = pathlib.Path(__file__).resolve().parents[2]
# one xdist group per runtime, so that runtime's tests share one worker and one build of its zip
EACH_RUNTIME = pytest.mark.parametrize(
    "runtime",
    [
        pytest.param(version, marks=pytest.mark.xdist_group(f"package-{version}"))
        for version in (python_version_of(runtime) for runtime in RUNTIMES)
    ],
)
DEV_ONLY = ("pytest", "_pytest", "responses", "hypothesis", "mypy", "ruff")
RUN = r"""
import json, sys
import index, pydantic_core, huaweicloudsdkcore

class Context:
    def getRemainingTimeInMilliSeconds(self):
        return 60000

    def getRequestID(self):
        return "package-test"

result = index.handler(json.loads(sys.argv[1]), Context())
print(json.dumps({
    "result": result,
    "sys_path": sys.path,
    "loaded_from": [pydantic_core.__file__, huaweicloudsdkcore.__file__, index.__file__],
}))
"""


def build(version: str, output: pathlib.Path, wheelhouse: pathlib.Path) -> pathlib.Path:
    try:
        build_package(version, output, wheelhouse=wheelhouse)
    except PackageError as error:
        if error.network:
            pytest.skip(f"pip cannot download the runtime wheels here: {error}")
        raise
    return output


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """One wheelhouse for the session (shared by the xdist workers): each runtime's wheels are
    downloaded once. `$CTS_AUTOTRACKER_WHEELHOUSE` keeps them from one run to the next."""
    if os.environ.get(WHEELHOUSE):
        return pathlib.Path(os.environ[WHEELHOUSE])
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "wheelhouse"


@pytest.fixture(scope="session")
def package_for(tmp_path_factory: pytest.TempPathFactory, wheelhouse: pathlib.Path) -> Callable[[str], pathlib.Path]:
    """Each runtime's zip, built once per session (per worker: the tests of one runtime share an
    xdist group) for every test that looks at it, with the runtime's interpreter to compile and run."""
    built: Dict[str, pathlib.Path] = {}

    def package(version: str) -> pathlib.Path:
        if find_interpreter(version) is None:
            pytest.skip(f"no Python {version} interpreter on this machine to compile and run the package with")
        if version not in built:
            built[version] = build(version, tmp_path_factory.mktemp(f"py{version}") / f"py{version}.zip", wheelhouse)
        return built[version]

    return package


def names(path: pathlib.Path) -> List[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


@pytest.mark.slow
@EACH_RUNTIME
def test_the_zip_holds_the_function_and_runtime_dependencies_only(
    runtime: str, package_for: Callable[[str], pathlib.Path]
) -> None:
    package = package_for(runtime)
    entries = names(package)
    assert "index.py" in entries and "autotracker/handler.py" in entries
    assert (ROOT / "function" / "index.py").read_bytes() == zipfile.ZipFile(package).read("index.py")
    tops = {entry.split("/", 1)[0] for entry in entries}
    for dependency in (
        "pydantic",
        "pydantic_core",
        "tenacity",
        "huaweicloudsdkcore",
        "huaweicloudsdkcts",
        "huaweicloudsdksmn",
        "huaweicloudsdkorganizations",  # organization sweeps
        "huaweicloudsdksts",
        "huaweicloudsdkfunctiongraph",
    ):
        assert dependency in tops, dependency
    assert not tops & set(DEV_ONLY)
    assert not tops & {"tests", "fakecloud", "deployer", "benchmarks", "bin"}
    assert not [e for e in entries if e.endswith((".pyo", "/RECORD"))]
    # bytecode for the target interpreter ships with the code: the code directory is read-only
    tag = f"cpython-{runtime.replace('.', '')}"
    for source in [e for e in entries if e.startswith("autotracker/") and e.endswith(".py")]:
        folder, _, module = source.rpartition("/")
        assert f"{folder}/__pycache__/{module[:-3]}.{tag}.pyc" in entries, source
    assert any(e.startswith("pydantic_core/") and f"{tag}-x86_64-linux-gnu.so" in e for e in entries)
    assert package.stat().st_size < MAX_BYTES


def differences(first: pathlib.Path, second: pathlib.Path) -> List[str]:
    """The entries two zips do not share byte for byte, by name: a readable failure, not two
    megabytes of bytes."""
    with zipfile.ZipFile(first) as one, zipfile.ZipFile(second) as other:
        a = {info.filename: (info.CRC, info.file_size, info.date_time) for info in one.infolist()}
        b = {info.filename: (info.CRC, info.file_size, info.date_time) for info in other.infolist()}
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def assert_identical(first: pathlib.Path, second: pathlib.Path) -> None:
    assert differences(first, second) == []
    assert first.read_bytes() == second.read_bytes(), "same entries, but the archives differ"


@pytest.mark.slow
@EACH_RUNTIME
def test_packages_for_the_function_runtimes_are_reproducible(
    runtime: str, package_for: Callable[[str], pathlib.Path], wheelhouse: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """Every runtime the template allows: two builds are byte-identical (bytecode included, so a
    plan right after an apply shows no code change). The second build takes the first one's wheels
    (the lock pins their hashes, so they are the same files either way) from a copy of the
    wheelhouse elsewhere, so a build path that leaked into the zip would still show."""
    first = package_for(runtime)
    elsewhere = tmp_path / "wheelhouse"
    shutil.copytree(wheelhouse, elsewhere, ignore=shutil.ignore_patterns("*.partial-*"))
    second = build(runtime, tmp_path / f"py{runtime}-again.zip", elsewhere)
    assert any(name.endswith(".pyc") for name in names(first))
    assert_identical(first, second)


@pytest.mark.slow
@EACH_RUNTIME
def test_the_handler_runs_from_the_unzipped_package_alone_in_its_runtime(
    runtime: str, package_for: Callable[[str], pathlib.Path], tmp_path: pathlib.Path
) -> None:
    """The wheels suit the runtime's Python (Requires-Python, compiled extensions), not the builder's."""
    package = package_for(runtime)
    interpreter = find_interpreter(runtime)
    assert interpreter is not None
    run_unzipped(package, interpreter, tmp_path)


def run_unzipped(package: pathlib.Path, interpreter: str, tmp_path: pathlib.Path) -> None:
    unpacked = tmp_path / "code"
    zipfile.ZipFile(package).extractall(unpacked)
    cloud = make_cloud()
    ak, sk = "PACKAGETESTAK0000001", "package-test-secret-key"
    cloud.add_credentials(ak, sk)
    event = bucket_event("photos-2026")
    with cloud.serve() as url:
        env = {
            "PYTHONPATH": str(unpacked),  # the code root, as FunctionGraph sets it up; -S: no site-packages
            "CLOUD_SDK_AK": ak,
            "CLOUD_SDK_SK": sk,
            "CLOUD_SDK_PROJECT_ID": PROJECT_ID,
            "REGION": REGION,
            "TRACE_BUCKET": TRACE_BUCKET,
            "SMN_TOPIC_URN": TOPIC_URN,
            "RETRY_BASE_DELAY_MS": "1",
            **{f"{service}_ENDPOINT": url for service in ("CTS", "SMN", "IAM", "OBS")},
        }
        done = subprocess.run(
            [interpreter, "-S", "-s", "-c", RUN, json.dumps(event)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert not [entry for entry in report["sys_path"] if "site-packages" in entry]
    assert all(path.startswith(str(unpacked)) for path in report["loaded_from"]), report["loaded_from"]
    result = report["result"]
    assert result["ok"] is True and result["summary"] == {"created": 1}, result
    [tracker] = [t for t in cloud.cts.trackers(PROJECT_ID) if t["tracker_type"] == "data"]
    assert tracker["data_bucket"]["data_bucket_name"] == "photos-2026"
    assert tracker["id"] == result["results"][0]["tracker"]["id"]
    assert cloud.smn.messages and cloud.smn.messages[0]["topic_urn"] == TOPIC_URN


@pytest.mark.slow
def test_the_cli_targets_the_template_runtime_and_prints_the_size(
    tmp_path: pathlib.Path, wheelhouse: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WHEELHOUSE, str(wheelhouse))
    output = tmp_path / "default.zip"
    out = io.StringIO()
    code = package_main(["--output", str(output)], out=out)
    if code != 0 and "pip could not" in out.getvalue():
        try:
            build_package("3.10", tmp_path / "probe.zip")
        except PackageError as error:
            if error.network:
                pytest.skip(f"pip cannot download the runtime wheels here: {error}")
    assert code == 0, out.getvalue()
    [line] = out.getvalue().splitlines()
    assert (
        line.startswith(f"wrote {output} (")
        and " MB, " in line
        and "files, for Python 3.10, bytecode precompiled)" in line
    )
    so = [e for e in names(output) if e.startswith("pydantic_core/") and e.endswith(".so")]
    assert so and all("cpython-310-x86_64-linux-gnu" in e for e in so)


def test_a_bad_version_is_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(PackageError, match="--python-version must look like 3.10"):
        build_package("python3", tmp_path / "x.zip")
    out = io.StringIO()
    assert package_main(["--python-version", "3", "--output", str(tmp_path / "x.zip")], out=out) == 1
    assert out.getvalue().startswith("error: --python-version must look like 3.10")
    assert not (tmp_path / "x.zip").exists()


def test_scripts_package_py_runs_as_a_script(tmp_path: pathlib.Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "package.py"), "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "--python-version" in done.stdout


@pytest.mark.parametrize("runtime", [python_version_of(runtime) for runtime in RUNTIMES])
def test_the_package_takes_the_locks_pins_for_the_runtimes_python(runtime: str) -> None:
    """pip would judge the lock's markers by the builder's Python; the build judges them by the
    runtime's, and keeps every pin's hashes."""
    pins = locked_for(runtime, ROOT / "requirements.lock").splitlines()
    names = [pin.split("==", 1)[0] for pin in pins]
    assert len(names) == len(set(names))  # one version of each, never both sides of a marker
    assert all(
        re.fullmatch(r"[a-z0-9-]+==\S+ --hash=sha256:[0-9a-f]{64}( +--hash=sha256:[0-9a-f]{64})*", p) for p in pins
    )
    assert {"huaweicloudsdkcts", "pydantic", "pydantic-core", "urllib3"} <= set(names)
    urllib3 = next(pin for pin in pins if pin.startswith("urllib3=="))
    assert urllib3.startswith("urllib3==2.6.") if runtime == "3.9" else urllib3.startswith("urllib3==2.8.")


def test_a_lock_marker_is_judged_for_the_target_not_the_builder(tmp_path: pathlib.Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text(
        "# generated\n"
        f"dnspython==2.7.0 ; python_full_version < '3.10' \\\n    --hash=sha256:{'a' * 64}\n"
        f"dnspython==2.9.2 ; python_full_version >= '3.11' \\\n    --hash=sha256:{'b' * 64} \\\n"
        f"    --hash=sha256:{'c' * 64}\n    # via pymongo\n"
        f"six==1.17.0 \\\n    --hash=sha256:{'d' * 64}\n"
    )
    assert locked_for("3.9", lock).split() == [
        "dnspython==2.7.0",
        f"--hash=sha256:{'a' * 64}",
        "six==1.17.0",
        f"--hash=sha256:{'d' * 64}",
    ]
    assert locked_for("3.12", lock).split()[:3] == [
        "dnspython==2.9.2",
        f"--hash=sha256:{'b' * 64}",
        f"--hash=sha256:{'c' * 64}",
    ]
    assert [pin.split()[0] for pin in locked_for("3.10", lock).splitlines()] == ["six==1.17.0"]
