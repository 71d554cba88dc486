"""The SDK loads one model module at a time (autotracker/cloud/sdk_modules.py), and still finds every
class the gateway and the SDK's deserializer ask for. An SDK upgrade that moves a module fails
here, loudly, rather than in the function."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]

# A fresh interpreter: every path of the function, through the fake, with the stand-ins in place.
PROBE = r"""
import json, sys
sys.path.insert(0, "tests")
import index
from helpers.world import FakeContext, base_env, bucket_event, make_cloud, project_event
import os
os.environ.update(base_env())
cloud = make_cloud()
cloud.obs.listing_omits_location = True  # HEAD bucket too
with cloud.mock():
    answers = [index.handler(e, FakeContext()) for e in (bucket_event("photos-2026"), project_event(),
               {"action": "backfill", "all": True}, bucket_event("photos-2026"))]
loaded = {}
for name in sys.modules:
    for package in ("huaweicloudsdkcts.v3.model", "huaweicloudsdksmn.v2.model", "huaweicloudsdkiam.v3.model",
                    "huaweicloudsdkobs.v1.model"):
        if name.startswith(package + "."):
            loaded[package] = loaded.get(package, 0) + 1
print(json.dumps({"ok": [a["ok"] for a in answers], "summaries": [a["summary"] for a in answers], "loaded": loaded,
                  "stand_in": type(sys.modules["huaweicloudsdkcts.v3"]).__name__}))
"""


def test_every_path_works_and_loads_a_handful_of_models() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUD_SDK")}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["stand_in"] == "LazyPackage"
    assert report["ok"] == [True, True, True, True], report
    assert report["summaries"][2] == {"created": 2, "already_tracked": 2, "skipped": 1}
    import importlib

    for package, count in report["loaded"].items():
        service, version, _ = package.split(".")
        directory = pathlib.Path(list(importlib.import_module(service).__path__)[0]) / version / "model"
        available = len(list(directory.glob("*.py")))
        assert count <= 12 and count < available / 4, (package, count, available)  # a handful, of dozens or hundreds


def test_a_model_the_sdk_does_not_have_is_a_clear_attribute_error() -> None:
    import pytest

    from autotracker.cloud import sdk_modules

    sdk_modules.install()
    models = sys.modules["huaweicloudsdkcts.v3.model"]
    assert models.ListTrackersResponse.__name__ == "ListTrackersResponse"
    with pytest.raises(AttributeError, match="has no model 'NoSuchModel'"):
        models.NoSuchModel  # noqa: B018
    assert not hasattr(models, "NoSuchModel")  # the SDK's own hasattr() checks see it missing


def _client(monkeypatch, **environ: str):
    from autotracker.cloud import clients, gateway
    from autotracker.cloud.credentials import Credentials
    from autotracker.cloud.retry import Deadline, RetryPolicy
    from autotracker.settings import load_settings

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NETRC", "REQUESTS_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(clients, "CLIENTS", clients.ClientCache())  # built afresh for this environment
    settings = load_settings({"REGION": "ap-southeast-1", "ENABLE_LTS": "true"})
    credentials = Credentials("SDKMODULESTESTAK0001", "sdk-modules-test-secret-key", None, "p" * 32)
    return gateway.Gateway(credentials, settings, Deadline(30_000), RetryPolicy(1, 0.0))._cts(
        "ap-southeast-1", "p" * 32
    )


def test_requests_reads_the_environment_once_not_on_every_call(monkeypatch, tmp_path) -> None:
    """No proxy or netrc in the environment: the session does not scan it per call, and a CA
    bundle from REQUESTS_CA_BUNDLE is given to the SDK once (SDK internals pinned here)."""
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    plain = _client(monkeypatch, CURL_CA_BUNDLE=str(bundle))
    assert plain.get_http_client()._session.trust_env is False
    assert plain.get_http_client()._verify == str(bundle)
    proxied = _client(monkeypatch, HTTPS_PROXY="http://proxy.example:3128")
    assert proxied.get_http_client()._session.trust_env is True  # requests keeps honouring the proxy
