"""The framework mapping is data (issue 22 item 3): outputs/frameworks.json, shipped in the
package, maps every check the function emits to controls of ISO/IEC 27001:2022, GB/T 22239-2019
(MLPS 2.0) level 3, NIST SP 800-53 Rev. 5 AU, and says there is no CIS benchmark for Huawei
Cloud; each framework names its public source. It is read lazily: never on a bucket event."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers.world import ROOT, bucket_event

from autotracker.contract import Kind
from autotracker.outputs import frameworks

REQUIRED = {"ISO/IEC 27001:2022", "GB/T 22239-2019 (MLPS 2.0) level 3", "NIST SP 800-53 Rev. 5", "CIS benchmark"}


def test_the_file_has_its_shape_and_every_framework_its_public_source() -> None:
    data = json.loads(frameworks.MAPPING_FILE.read_text(encoding="utf-8"))
    assert set(data) == {"about", "frameworks", "checks"}
    assert set(data["frameworks"]) == REQUIRED
    for name, framework in data["frameworks"].items():
        assert "https://" in framework["source"], name
    assert "no benchmark for Huawei Cloud" in data["frameworks"]["CIS benchmark"]["note"]
    for check, entry in data["checks"].items():
        assert entry["title"] and entry["kind"] in set(Kind), check
        assert entry["controls"], check
        for control in entry["controls"]:
            assert set(control) == {"framework", "control", "title"}, (check, control)
            assert control["framework"] in data["frameworks"], (check, control)
        named = {c["framework"] for c in entry["controls"]}
        assert named >= REQUIRED - {"CIS benchmark"}, check


def test_every_check_the_function_emits_is_mapped() -> None:
    data = frameworks.mapping()
    assert {frameworks.check_of(kind) for kind in Kind} == set(data["checks"])
    for kind in Kind:
        assert data["checks"][frameworks.check_of(kind)]["kind"] == kind
    controls = {c["control"] for c in frameworks.controls(frameworks.check_of(Kind.BUCKET))}
    assert {"A.8.15", "8.1.4.3 a)", "AU-2", "AU-12"} <= controls


def test_the_mapping_ships_in_the_package() -> None:
    from deployer.package import _walk

    shipped = {name for name, _ in _walk(ROOT / "function" / "autotracker", "autotracker/")}
    assert "autotracker/outputs/frameworks.json" in shipped


def test_a_bucket_event_never_reads_the_mapping(invoke, cloud) -> None:
    frameworks.mapping.cache_clear()
    result = invoke(bucket_event("photos-2026"))
    assert result["ok"] is True
    assert frameworks.mapping.cache_info().misses == 0


def test_importing_the_handler_loads_neither_the_page_nor_the_findings_nor_the_mapping() -> None:
    code = (
        "import sys, index; print(sorted(m for m in sys.modules if m.split('.')[-1] in ('page', 'ocsf', 'frameworks')))"
    )
    found = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "function", capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"
