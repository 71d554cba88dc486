"""deployer/package.py's wheelhouse: a later build takes the wheels an earlier one downloaded, but
only when they are exactly the lock's files (each checked against its pin's hashes again)."""

from __future__ import annotations

import hashlib
import pathlib

import pytest

from deployer.package import PackageError, fetch_wheels, wheel_folder

WHEEL = "six-1.17.0-py2.py3-none-any.whl"


def kept(tmp_path: pathlib.Path, content: bytes, pinned: bytes) -> str:
    """Pins for one wheel whose hash is that of `pinned`, and a wheelhouse holding `content` for them."""
    pins = f"six==1.17.0 --hash=sha256:{hashlib.sha256(pinned).hexdigest()}\n"
    folder = wheel_folder("3.10", pins, tmp_path / "wheelhouse")
    folder.mkdir(parents=True)
    (folder / WHEEL).write_bytes(content)
    return pins


def test_a_later_build_takes_the_kept_wheels_without_pip(tmp_path: pathlib.Path) -> None:
    pins = kept(tmp_path, b"the wheel", pinned=b"the wheel")
    # pip would fail on these arguments: the wheels come from the wheelhouse alone
    wheels = fetch_wheels("3.10", pins, tmp_path / "wheelhouse", ["--no-such-pip-option"])
    assert [pathlib.Path(wheel).name for wheel in wheels] == [WHEEL]


def test_a_kept_wheel_that_is_not_the_locked_file_is_refused(tmp_path: pathlib.Path) -> None:
    pins = kept(tmp_path, b"a tampered wheel", pinned=b"the wheel")
    with pytest.raises(PackageError, match="does not hold exactly the locked wheels"):
        fetch_wheels("3.10", pins, tmp_path / "wheelhouse", ["--no-such-pip-option"])


def test_each_python_and_set_of_pins_has_its_own_folder(tmp_path: pathlib.Path) -> None:
    pins = f"six==1.17.0 --hash=sha256:{'a' * 64}\n"
    folders = {
        wheel_folder("3.10", pins, tmp_path),
        wheel_folder("3.12", pins, tmp_path),
        wheel_folder("3.10", pins.replace("a", "b"), tmp_path),
    }
    assert len(folders) == 3 and all(folder.parent == tmp_path for folder in folders)
