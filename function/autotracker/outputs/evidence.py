"""Evidence that shows tampering: every run's manifest of the objects it wrote, chained.

A run that writes report objects then writes `<stem>.manifest` (JSON):

    {"chain": "account-<id>" | "organization", "time": ..., "objects": [{"key", "sha256", "size"}],
     "previous": {"key", "sha256"} | null}

`previous` is the chain's manifest before this one, found through a small pointer object,
`REPORT_PREFIX` + `chains/<chain>/latest` (`{"manifest", "sha256"}`), read before and
rewritten after the manifest is written (one GET and two PUTs per run). Changing or removing any
object changes or breaks a digest that another object names; `verify()` (and
scripts/verify-evidence.py) names it. Two runs of one chain at once both name the same previous
manifest: the chain forks, each branch still verifies on its own, and the pointer names the one
written last; nothing is lost, and `verify()` counts the forks.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Tuple

MANIFEST_SUFFIX = ".manifest"  # JSON; not `.json`, so a reader taking a run's `.json` gets its report
POINTER_NAME = "latest"  # JSON; not `.json`, as MANIFEST_SUFFIX
JSON_TYPE = "application/json"

Get = Callable[[str], Optional[bytes]]  # an object's bytes, or None when it is not there
Put = Callable[[str, bytes, str], None]


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def pointer_key(prefix: str, chain: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in chain)[:128] or "chain"
    return f"{prefix}chains/{safe}/{POINTER_NAME}"


def manifest_key(stem_key: str) -> str:
    """`<prefix>.../<run>.json` -> `<prefix>.../<run>.manifest` (any written key's stem)."""
    stem = stem_key.rsplit(".", 1)[0] if "/" not in stem_key.rsplit(".", 1)[-1] else stem_key
    return stem + MANIFEST_SUFFIX


def previous_of(get: Get, prefix: str, chain: str) -> Optional[Dict[str, str]]:
    """The chain's latest manifest as its pointer names it; None for a new chain (or a pointer
    that is not one: the manifest then starts afresh, and says so with `previous: null`)."""
    raw = get(pointer_key(prefix, chain))
    if raw is None:
        return None
    try:
        pointer = json.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    if not isinstance(pointer, dict) or not isinstance(pointer.get("manifest"), str):
        return None
    return {"key": pointer["manifest"], "sha256": str(pointer.get("sha256") or "")}


def seal(get: Get, put: Put, prefix: str, chain: str, key: str, written: Mapping[str, bytes]) -> str:
    """Write the manifest of `written` (key -> bytes) at `key`, chained to the chain's previous
    manifest, then move the chain's pointer to it. Raises what `get`/`put` raise."""
    previous = previous_of(get, prefix, chain)
    manifest = {
        "chain": chain,
        "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "objects": [{"key": k, "sha256": digest(b), "size": len(b)} for k, b in sorted(written.items())],
        "previous": previous,
    }
    body = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
    put(key, body, JSON_TYPE)
    pointer = json.dumps({"chain": chain, "manifest": key, "sha256": digest(body)}, sort_keys=True)
    put(pointer_key(prefix, chain), pointer.encode("utf-8"), JSON_TYPE)
    return key


def verify(keys: Iterable[str], get: Get, prefix: str = "") -> Tuple[List[str], Dict[str, int]]:
    """Problems found under `prefix` (each naming the object changed or removed), and counts.

    Every manifest's objects must be there with their digests; a manifest's previous manifest,
    when it lies under `prefix`, must be there with its digest; every chain pointer must name a
    manifest that is there with its digest. An object under `prefix` that no manifest names is
    not evidence of this tool and is not judged."""
    problems: List[str] = []
    manifests: Dict[str, bytes] = {}
    pointers: List[str] = []
    for key in keys:
        if key.endswith(MANIFEST_SUFFIX):
            body = get(key)
            if body is not None:
                manifests[key] = body
        elif key.endswith("/" + POINTER_NAME) and "chains/" in key:
            pointers.append(key)
    objects = 0
    children: Dict[str, int] = {}
    for key, body in sorted(manifests.items()):
        try:
            manifest = json.loads(body.decode("utf-8"))
            listed = [(str(o["key"]), str(o["sha256"])) for o in manifest["objects"]]
            previous = manifest.get("previous")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            problems.append(f"changed: {key} is not a manifest any more")
            continue
        for name, expected in listed:
            objects += 1
            found = get(name)
            if found is None:
                problems.append(f"removed: {name} (listed in {key})")
            elif digest(found) != expected:
                problems.append(f"changed: {name} (its SHA-256 is not the one {key} lists)")
        if isinstance(previous, dict) and isinstance(previous.get("key"), str):
            before = previous["key"]
            children[before] = children.get(before, 0) + 1
            if before.startswith(prefix):
                problems += _named(before, str(previous.get("sha256") or ""), manifests, get, key)
    for key in pointers:
        try:
            pointer = json.loads((get(key) or b"").decode("utf-8"))
            problems += _named(str(pointer["manifest"]), str(pointer["sha256"]), manifests, get, key)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            problems.append(f"changed: {key} is not a chain pointer any more")
    forks = sum(1 for count in children.values() if count > 1)
    return problems, {"manifests": len(manifests), "objects": objects, "pointers": len(pointers), "forks": forks}


def _named(key: str, expected: str, manifests: Mapping[str, bytes], get: Get, named_by: str) -> List[str]:
    body = manifests.get(key)
    if body is None:
        body = get(key)
    if body is None:
        return [f"removed: {key} (the manifest {named_by} names)"]
    if digest(body) != expected:
        return [f"changed: {key} (its SHA-256 is not the one {named_by} names)"]
    return []
