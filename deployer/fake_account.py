"""The account behind `scripts/deploy.py --fake`, kept in a file between runs.

A rehearsal is several runs (plan, apply, plan again, destroy --plan, destroy): each run starts
the fake from this file and saves it back, so the second plan finds what the first apply made.
The file is the fake's backends pickled (locks and the backends' links to each other by name);
it is written and read by this deployer only, under `dist/` (ignored by git). Delete it to start
from an empty account again.
"""

from __future__ import annotations

import io
import pathlib
import pickle
import threading
from typing import Any, Dict, Optional

from fakecloud import FakeCloud

FORMAT = "cts-autotracker fake account v1"
AK, SK, PROJECT_ID = "FAKEDEPLOYKEY0000001", "fake-deploy-secret-not-real", "0" * 31 + "1"
DOMAIN_ID = "fa4edeb10700000000000000000000d0"  # fixed, so a saved account and a new one agree
BACKENDS = ("iam", "obs", "cts", "smn", "fgs", "rms")  # what the deployer reads and writes (not STS)
_LOCKS = {type(threading.Lock()): "lock", type(threading.RLock()): "rlock"}


class FakeAccountError(Exception):
    """The state file exists but cannot be used (another format, or damaged)."""


def new_account(region: str, iam_trace_region: str) -> FakeCloud:
    """An empty account: one key, the region's project (and IAM's trace region's)."""
    cloud = FakeCloud(default_region=region, domain_id=DOMAIN_ID)
    cloud.add_credentials(AK, SK)
    cloud.add_project(region, project_id=PROJECT_ID)
    if iam_trace_region != region:
        cloud.add_project(iam_trace_region)
    return cloud


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, cloud: FakeCloud) -> None:
        super().__init__(file)
        self._names = {id(getattr(cloud, name)): name for name in BACKENDS}
        self._names[id(cloud)] = "cloud"

    def persistent_id(self, obj: Any) -> Optional[str]:
        if type(obj) in _LOCKS:
            return _LOCKS[type(obj)]
        return self._names.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, cloud: FakeCloud) -> None:
        super().__init__(file)
        self._cloud = cloud

    def persistent_load(self, pid: Any) -> Any:
        if pid == "lock":
            return threading.Lock()
        if pid == "rlock":
            return threading.RLock()
        if pid == "cloud":
            return self._cloud
        if pid in BACKENDS:
            return getattr(self._cloud, pid)
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def save(cloud: FakeCloud, path: pathlib.Path) -> None:
    """Write every backend's state (not the call log, faults or transports)."""
    buffer = io.BytesIO()
    _Pickler(buffer, cloud).dump(
        {"format": FORMAT, "backends": {name: vars(getattr(cloud, name)) for name in BACKENDS}}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(path)  # a run cut short never leaves half a file


def load(path: pathlib.Path, region: str, iam_trace_region: str) -> FakeCloud:
    """The saved account, or a new empty one when there is no file yet."""
    cloud = new_account(region, iam_trace_region)
    if not path.exists():
        return cloud
    try:
        data: Dict[str, Any] = _Unpickler(io.BytesIO(path.read_bytes()), cloud).load()
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise FakeAccountError("another format")
        for name in BACKENDS:
            vars(getattr(cloud, name)).update(data["backends"][name])
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError, FakeAccountError) as error:
        raise FakeAccountError(f"cannot use the fake account in {path} ({error}): delete it to start over") from None
    for name in (region, iam_trace_region):  # a later run may deploy to another region (--region)
        if cloud.iam.project_by_name(name) is None:
            cloud.add_project(name)
    return cloud
