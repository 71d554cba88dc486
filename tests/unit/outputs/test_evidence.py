"""outputs/evidence: the manifest of a run's objects, the chain through its pointer, and verify()."""

from __future__ import annotations

import json
from typing import Dict, Optional

from autotracker.outputs import evidence


class Store:
    """An in-memory bucket: evidence takes plain get/put callables, so no cloud is needed."""

    def __init__(self) -> None:
        self.objects: Dict[str, bytes] = {}

    def get(self, key: str) -> Optional[bytes]:
        return self.objects.get(key)

    def put(self, key: str, body: bytes, content_type: str) -> None:
        assert content_type == evidence.JSON_TYPE
        self.objects[key] = body


def _run(store: Store, stem: str, body: bytes, chain: str = "account-1") -> str:
    written = {f"r/{stem}.json": body, f"r/{stem}.csv": body + b",csv"}
    store.objects.update(written)
    return evidence.seal(store.get, store.put, "r/", chain, evidence.manifest_key(f"r/{stem}.json"), written)


def test_manifest_key_replaces_the_extension() -> None:
    assert evidence.manifest_key("r/2026/run-1.json") == "r/2026/run-1.manifest"
    assert evidence.manifest_key("r/v1.2/run") == "r/v1.2/run.manifest"


def test_pointer_key_keeps_the_chain_name_safe() -> None:
    assert evidence.pointer_key("r/", "account-1") == "r/chains/account-1/latest"
    assert evidence.pointer_key("r/", "../x y") == "r/chains/..-x-y/latest"
    assert evidence.pointer_key("r/", "") == "r/chains/chain/latest"


def test_seal_lists_every_object_with_its_digest_and_starts_a_new_chain() -> None:
    store = Store()
    key = _run(store, "run-1", b"report")
    manifest = json.loads(store.objects[key])
    assert manifest["chain"] == "account-1"
    assert manifest["previous"] is None
    assert manifest["objects"] == [
        {"key": "r/run-1.csv", "sha256": evidence.digest(b"report,csv"), "size": 10},
        {"key": "r/run-1.json", "sha256": evidence.digest(b"report"), "size": 6},
    ]
    pointer = json.loads(store.objects["r/chains/account-1/latest"])
    assert pointer["manifest"] == key
    assert pointer["sha256"] == evidence.digest(store.objects[key])


def test_the_second_run_names_the_first_manifest() -> None:
    store = Store()
    first = _run(store, "run-1", b"one")
    second = _run(store, "run-2", b"two")
    manifest = json.loads(store.objects[second])
    assert manifest["previous"] == {"key": first, "sha256": evidence.digest(store.objects[first])}


def test_a_broken_pointer_starts_the_chain_afresh() -> None:
    store = Store()
    store.objects["r/chains/account-1/latest"] = b"not json"
    assert evidence.previous_of(store.get, "r/", "account-1") is None
    store.objects["r/chains/account-1/latest"] = b'["a list"]'
    assert evidence.previous_of(store.get, "r/", "account-1") is None


def test_an_untouched_chain_verifies() -> None:
    store = Store()
    _run(store, "run-1", b"one")
    _run(store, "run-2", b"two")
    problems, counts = evidence.verify(list(store.objects), store.get, "r/")
    assert problems == []
    assert counts == {"manifests": 2, "objects": 4, "pointers": 1, "forks": 0}


def test_a_changed_object_is_named() -> None:
    store = Store()
    key = _run(store, "run-1", b"one")
    store.objects["r/run-1.json"] = b"ONE"
    problems, _ = evidence.verify(list(store.objects), store.get, "r/")
    assert problems == [f"changed: r/run-1.json (its SHA-256 is not the one {key} lists)"]


def test_a_removed_object_is_named() -> None:
    store = Store()
    key = _run(store, "run-1", b"one")
    del store.objects["r/run-1.csv"]
    problems, _ = evidence.verify(list(store.objects), store.get, "r/")
    assert problems == [f"removed: r/run-1.csv (listed in {key})"]


def test_a_removed_earlier_manifest_breaks_the_chain() -> None:
    store = Store()
    first = _run(store, "run-1", b"one")
    second = _run(store, "run-2", b"two")
    del store.objects[first]
    problems, _ = evidence.verify(list(store.objects), store.get, "r/")
    assert f"removed: {first} (the manifest {second} names)" in problems


def test_a_rewritten_manifest_is_caught_by_the_pointer() -> None:
    store = Store()
    key = _run(store, "run-1", b"one")
    manifest = json.loads(store.objects[key])
    manifest["objects"] = []
    store.objects[key] = json.dumps(manifest).encode()
    problems, _ = evidence.verify(list(store.objects), store.get, "r/")
    assert problems == [f"changed: {key} (its SHA-256 is not the one r/chains/account-1/latest names)"]


def test_a_garbled_manifest_is_reported_not_raised() -> None:
    store = Store()
    key = _run(store, "run-1", b"one")
    store.objects[key] = b"\xff"
    problems, _ = evidence.verify([key], store.get, "r/")
    assert problems == [f"changed: {key} is not a manifest any more"]


def test_two_runs_on_one_previous_count_as_a_fork() -> None:
    store = Store()
    _run(store, "run-1", b"one")
    pointer = store.objects["r/chains/account-1/latest"]
    _run(store, "run-2", b"two")
    store.objects["r/chains/account-1/latest"] = pointer  # the other run read the same pointer
    _run(store, "run-3", b"three")
    problems, counts = evidence.verify(list(store.objects), store.get, "r/")
    assert problems == []
    assert counts["forks"] == 1
