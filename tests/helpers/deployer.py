"""One deployment's account and the deployer's CLI run against it: the ids and credentials the
deployer signs with, the template and a package, `Deployer` (runs `deploy_main` and keeps what it
printed), and `lines_with`. The `deployer` fixture is tests/deploy/conftest.py's."""

from __future__ import annotations

import io
import pathlib
import zipfile
from typing import Any, Dict, List, Tuple

import yaml

from deployer.cli import deploy_main
from fakecloud import FakeCloud

ROOT = pathlib.Path(__file__).resolve().parents[2]
REGION = "ap-southeast-1"
OTHER_REGION = "eu-west-101"
PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
OTHER_PROJECT_ID = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
DOMAIN_ID = "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"
AK = "DEPLOYERACCESSKEY001"
SK = "deployer-secret-key-Zm9vYmFy-very-secret"
TOKEN = "deployer-security-token-c2VjcmV0-very-secret"
KMS_SECRET = "kms-key-id-that-must-never-be-printed-5c1d"
FUNCTION = "cts-autotracker"
URN = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:{FUNCTION}:latest"
READS = {"GET", "HEAD"}


def base_template() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "template.yaml").read_text())


def make_zip(text: str = "def handler(event, context):\n    return {}\n") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", text)
    return buffer.getvalue()


class Deployer:
    """Runs the CLI against one fake account and keeps what it printed."""

    def __init__(self, cloud: FakeCloud, tmp: pathlib.Path) -> None:
        self.cloud = cloud
        self.tmp = tmp
        self.template = base_template()
        self.package = tmp / "pkg.zip"
        self.package.write_bytes(make_zip())
        self.environ: Dict[str, str] = {
            "CLOUD_SDK_AK": AK,
            "CLOUD_SDK_SK": SK,
            "CLOUD_SDK_SECURITY_TOKEN": TOKEN,
            "CLOUD_SDK_PROJECT_ID": PROJECT_ID,
            "CLOUD_SDK_DOMAIN_ID": DOMAIN_ID,
        }
        self.output = ""

    def run(self, *args: str) -> int:
        path = self.tmp / "template.yaml"
        path.write_text(yaml.safe_dump(self.template))
        out = io.StringIO()
        argv = ["--template", str(path), "--package", str(self.package), *args]
        with self.cloud.mock():
            code = deploy_main(argv, environ=self.environ, out=out, err=out)
        self.output = out.getvalue()
        return code

    def writes(self) -> List[Tuple[str, str]]:
        return [(call.service, call.action) for call in self.cloud.calls if call.method not in READS]


def make_cloud() -> FakeCloud:
    """One fake account with the deployment's and another region's projects."""
    fake = FakeCloud(default_region=REGION, domain_id=DOMAIN_ID)
    fake.add_credentials(AK, SK, security_token=TOKEN)
    fake.add_project(REGION, project_id=PROJECT_ID)
    fake.add_project(OTHER_REGION, project_id=OTHER_PROJECT_ID)
    return fake


def lines_with(output: str, *words: str) -> List[str]:
    return [line for line in output.splitlines() if all(word in line for word in words)]
