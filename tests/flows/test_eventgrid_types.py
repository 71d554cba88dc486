"""EventGrid delivers bucket creations of every OBS CloudTrace type (issue 20, point 20).

OBS's CTS-derived EventGrid types are ApiCall, ObsSDK, ConsoleAction, SystemAction and Others, and
OBS's own documented createBucket trace has `trace_type: "Others"` with `code: "200"`. The
deployer subscribes to all five by default; the fake delivers a trace only to a subscription of
its type; the function creates the tracker whichever type brought it.
"""

from __future__ import annotations

import io
import pathlib
import zipfile
from typing import Any, Dict, List

import pytest
import yaml
from helpers.world import AK, PROJECT_ID, SK, TOKEN, bucket_event

from deployer.cli import deploy_main
from deployer.template import parse_template
from deployer.terraform import main_tf
from fakecloud import FakeCloud

ROOT = pathlib.Path(__file__).resolve().parents[2]
TYPES = ("ApiCall", "ObsSDK", "ConsoleAction", "SystemAction", "Others")
EVENTGRID = {"type": "EVENTGRID", "name": "eg-new-buckets", "channel_id": "0c4a6e8f-1b2d-4e3f-9a8b-7c6d5e4f3a2b"}


def template(**eventgrid: Any) -> Dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "template.yaml").read_text())
    loaded["triggers"].append({**EVENTGRID, **eventgrid})
    return loaded


def deploy(cloud: FakeCloud, tmp_path: pathlib.Path, **eventgrid: Any) -> List[str]:
    """scripts/deploy.py into the test account, with the template's EventGrid trigger; returns the
    event types the function is subscribed to."""
    path, package = tmp_path / "template.yaml", tmp_path / "pkg.zip"
    path.write_text(yaml.safe_dump(template(**eventgrid)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # a fixed timestamp: the same code, the same zip on every deploy
        entry = zipfile.ZipInfo("index.py", date_time=(2026, 1, 1, 0, 0, 0))
        archive.writestr(entry, "def handler(event, context):\n    return {}\n")
    package.write_bytes(buffer.getvalue())
    environ = {
        "CLOUD_SDK_AK": AK,
        "CLOUD_SDK_SK": SK,
        "CLOUD_SDK_SECURITY_TOKEN": TOKEN,
        "CLOUD_SDK_PROJECT_ID": PROJECT_ID,
        "CLOUD_SDK_DOMAIN_ID": cloud.domain_id,
    }
    out = io.StringIO()
    with cloud.mock():
        code = deploy_main(["--template", str(path), "--package", str(package)], environ=environ, out=out)
    assert code == 0, out.getvalue()
    (subscription,) = [
        t for t in cloud.fgs.triggers(PROJECT_ID, "cts-autotracker") if t["trigger_type_code"] == "EVENTGRID"
    ]
    return list(subscription["event_data"]["event_types"])


def documented_create_bucket(bucket: str, kind: str) -> Dict[str, Any]:
    """OBS's createBucket trace as its docs show it: `trace_type` Others, `code` "200" as a string."""
    trace = bucket_event(bucket)["cts"]
    return {**trace, "trace_type": kind, "code": "200"}


@pytest.mark.parametrize("kind", TYPES)
def test_a_bucket_creation_of_every_obs_cloudtrace_type_reaches_the_function(
    kind: str, cloud: FakeCloud, tmp_path: pathlib.Path, invoke
) -> None:
    assert deploy(cloud, tmp_path) == [f"OBS:CloudTrace:{t}" for t in TYPES]
    (delivery,) = cloud.fgs.deliver_cloudtrace(documented_create_bucket("photos-2026", kind))
    assert delivery.payload["type"] == f"OBS:CloudTrace:{kind}"
    assert cloud.fgs.take_async_invocations() == [delivery]
    result = invoke(delivery.payload)
    (row,) = result["results"]
    assert (row["outcome"], row["target"]["name"]) == ("created", "photos-2026"), row
    (tracker,) = [t for t in cloud.cts.trackers(PROJECT_ID) if t.get("tracker_type") == "data"]
    assert tracker["data_bucket"]["data_bucket_name"] == "photos-2026"


def test_a_subscription_to_the_two_old_types_is_replaced_by_all_five(cloud, tmp_path: pathlib.Path) -> None:
    old = ["OBS:CloudTrace:ApiCall", "OBS:CloudTrace:ConsoleAction"]
    assert deploy(cloud, tmp_path, event_types=old) == old
    assert cloud.fgs.deliver_cloudtrace(documented_create_bucket("photos-2026", "Others")) == []
    cloud.reset_calls()
    assert deploy(cloud, tmp_path) == [f"OBS:CloudTrace:{t}" for t in TYPES]
    writes = [(call.service, call.action) for call in cloud.write_calls()]
    assert writes == [("functiongraph", "DeleteFunctionTrigger"), ("functiongraph", "CreateFunctionTrigger")]


def test_terraform_subscribes_to_all_five_types() -> None:
    text = main_tf(parse_template(template()))
    block = text[text.index('"eventgrid_eg_new_buckets"') :]
    block = block[: block.index("\n}\n")]
    for kind in TYPES:
        assert f'"OBS:CloudTrace:{kind}"' in block
