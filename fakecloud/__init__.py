"""A stateful, moto-style HTTP-level fake of the Huawei Cloud APIs this project calls."""

from __future__ import annotations

from fakecloud.cloud import FakeCloud
from fakecloud.core.dispatch import Call
from fakecloud.organization import FakeOrganization

__all__ = ["Call", "FakeCloud", "FakeOrganization"]
