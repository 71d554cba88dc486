#!/usr/bin/env python3
"""Check that no report object was changed or removed since its run wrote it. See docs/reports-and-evidence.md.

usage: scripts/verify-evidence.py DIRECTORY [--prefix P]
       scripts/verify-evidence.py --bucket BUCKET [--prefix P] [--region R]

DIRECTORY holds the report bucket's objects as files (key = path under DIRECTORY, e.g. a copy
made with obsutil). With --bucket the objects are read from OBS with the credentials in
CLOUD_SDK_AK / CLOUD_SDK_SK (and CLOUD_SDK_SECURITY_TOKEN), the endpoint in OBS_ENDPOINT if set.
Every run's `.manifest` under the prefix is checked: each object it lists must be there
with its SHA-256, the previous manifest it names (when under the prefix) too, and every chain's
`latest` must name a manifest that is there unchanged. Prints each object changed or
removed; exit status 0 when all hold, 1 when any does not, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
from typing import Callable, List, Optional, Tuple

import _venv

_venv.enter(__doc__ or "")

from autotracker.outputs.evidence import verify  # noqa: E402  (after entering the venv)

Get = Callable[[str], Optional[bytes]]


def local(directory: pathlib.Path, prefix: str) -> Tuple[List[str], Get]:
    root = directory.resolve()
    keys = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    def get(key: str) -> Optional[bytes]:
        path = (root / key).resolve()
        if root not in path.parents or not path.is_file():
            return None
        return path.read_bytes()

    return [key for key in keys if key.startswith(prefix)], get


def in_obs(bucket: str, prefix: str, region: str) -> Tuple[List[str], Get]:
    from autotracker.cloud.credentials import Credentials
    from autotracker.cloud.gateway import Gateway
    from autotracker.cloud.retry import Deadline, RetryPolicy
    from autotracker.settings import load_settings

    ak, sk = os.environ.get("CLOUD_SDK_AK"), os.environ.get("CLOUD_SDK_SK")
    if not (ak and sk):
        raise SystemExit("verify-evidence: set CLOUD_SDK_AK and CLOUD_SDK_SK to read OBS")
    values = {"REGION": region, "TRACE_BUCKET": "verify-evidence"}
    if os.environ.get("OBS_ENDPOINT"):
        values["OBS_ENDPOINT"] = os.environ["OBS_ENDPOINT"]
    credentials = Credentials(ak, sk, os.environ.get("CLOUD_SDK_SECURITY_TOKEN") or None)
    gateway = Gateway(credentials, load_settings(values), Deadline(None), RetryPolicy())
    keys = gateway.list_keys(region, bucket, prefix)
    return keys, lambda key: gateway.get_object(region, bucket, key)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/verify-evidence.py", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("directory", nargs="?", type=pathlib.Path, help="the report objects as files")
    parser.add_argument("--bucket", help="read the objects from this OBS bucket instead")
    parser.add_argument("--prefix", default="", help="check only keys under this prefix (a report prefix)")
    parser.add_argument("--region", default=os.environ.get("REGION", "ap-southeast-1"), help="the bucket's region")
    args = parser.parse_args(argv)
    if (args.directory is None) == (args.bucket is None):
        parser.error("give either DIRECTORY or --bucket")
    if args.directory is not None and not args.directory.is_dir():
        parser.error(f"{args.directory} is not a directory")
    keys, get = local(args.directory, args.prefix) if args.directory else in_obs(args.bucket, args.prefix, args.region)
    problems, counts = verify(keys, get, args.prefix)
    for problem in problems:
        print(problem)
    summary = ", ".join(f"{value} {name}" for name, value in counts.items())
    if problems:
        print(f"NOT INTACT: {len(problems)} problem(s); checked {summary}")
        return 1
    if not counts["manifests"]:
        print(f"NOT INTACT: no manifest under {args.prefix or 'the root'}; nothing could be checked")
        return 1
    print(f"intact: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
