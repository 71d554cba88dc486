"""FakeCloud: one stateful fake account (IAM, OBS, CTS, SMN, FunctionGraph, STS, Organizations, Config)
reachable in-process or by socket. `FakeOrganization` puts several under one organization."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fakecloud.core import mock as _mock
from fakecloud.core import server as _server
from fakecloud.core.auth import CredentialStore
from fakecloud.core.dispatch import Call, Dispatcher, Router
from fakecloud.core.faults import Faults
from fakecloud.cts import urls as cts_urls
from fakecloud.cts.models import CtsBackend
from fakecloud.fgs import urls as fgs_urls
from fakecloud.fgs.models import FgsBackend
from fakecloud.iam import urls as iam_urls
from fakecloud.iam.models import IamBackend
from fakecloud.obs import urls as obs_urls
from fakecloud.obs.models import ObsBackend
from fakecloud.organizations import urls as organizations_urls
from fakecloud.organizations.models import OrganizationsBackend
from fakecloud.rms import urls as rms_urls
from fakecloud.rms.models import RmsBackend
from fakecloud.smn import urls as smn_urls
from fakecloud.smn.models import SmnBackend
from fakecloud.sts import urls as sts_urls
from fakecloud.sts.models import StsBackend

_MUTATING_PREFIXES = ("Create", "Update", "Delete")


class FakeCloud:
    """Facade over the backends, the dispatcher and the two transports."""

    def __init__(
        self, default_region: str = "ap-southeast-1", domain_id: str | None = None, domain_name: str | None = None
    ) -> None:
        self.default_region = default_region
        self.domain_id = domain_id or uuid.uuid4().hex
        self.domain_name = domain_name or f"account-{self.domain_id[:8]}"
        self.iam = IamBackend(self.domain_id)
        self.obs = ObsBackend()
        self.cts = CtsBackend(self.iam, self.obs, self.domain_id)
        self.smn = SmnBackend()
        self.fgs = FgsBackend(self.iam, self.smn, self.domain_id)
        self.sts = StsBackend(self)
        self.rms = RmsBackend(self.domain_id)
        self.organization: OrganizationsBackend | None = None  # set when the account joins one
        self.faults = Faults()
        self._credentials = CredentialStore()
        router = Router()
        cts_urls.register(router, self.cts)
        smn_urls.register(router, self.smn, self.iam.region_of)
        fgs_urls.register(router, self.fgs, self.iam)
        iam_urls.register(router, self.iam)
        obs_urls.register(router, self.obs, self.domain_id)
        sts_urls.register(router, self.sts)
        rms_urls.register(router, self.rms)
        organizations_urls.register(router, self.domain_id, lambda: self.organization)
        self.dispatcher = Dispatcher(
            router,
            self._credentials,
            self.iam.region_of,
            self.faults,
            project_exists=self.iam.has_project,
            domain_id=self.domain_id,
        )

    # ----- seeding -------------------------------------------------------------------------
    def add_credentials(self, ak: str, sk: str, security_token: str | None = None) -> None:
        """Accept this key; with a token, requests must send it (X-Security-Token, or
        x-obs-security-token for OBS), and without one they must not."""
        self._credentials.add(ak, sk, security_token)

    def add_project(self, name: str, project_id: str | None = None) -> str:
        """`{region}`, `{region}_{suffix}` or `MOS` (no region); returns the id (32 hex chars
        if generated)."""
        return self.iam.add_project(name, project_id)

    def add_bucket(self, name: str, region: str, creation_date: str | None = None) -> None:
        """`creation_date` as OBS shows it (`2026-01-01T00:00:00.000Z`); default: now."""
        self.obs.add_bucket(name, region, creation_date)

    def add_agency(self, name: str, trust_domain: str = "op_svc_cts") -> None:
        """An IAM agency; `trust_domain` is the trusted account's name (or a service's)."""
        self.iam.add_agency(name, trust_domain)

    def agency(self, name: str) -> dict[str, Any] | None:
        return next((agency for agency in self.iam.agencies if agency["name"] == name), None)

    def has_credentials(self, ak: str) -> bool:
        return self._credentials.get(ak) is not None

    def add_function(self, name: str, package: str = "default", region: str | None = None) -> str:
        """A deployed function in the region's main project, to be invoked; returns its URN."""
        region = region or self.default_region
        project = self.iam.project_by_name(region)
        if project is None:
            raise ValueError(f"no project named {region!r}: call add_project first")
        return self.fgs.add_function(str(project["id"]), region, name, package)

    def add_topic(self, name: str, region: str | None = None, project_id: str | None = None) -> str:
        """Returns `urn:smn:{region}:{project_id}:{name}`; defaults to the region's main project."""
        if project_id is None:
            region = region or self.default_region
            project = self.iam.project_by_name(region)
            if project is None:
                raise ValueError(f"no project named {region!r}: call add_project first")
            project_id = str(project["id"])
        else:
            project_region = self.iam.region_of(project_id)
            if project_region is None:
                raise ValueError(f"unknown project {project_id!r}: call add_project first")
            if region not in (None, project_region):
                raise ValueError(f"project {project_id!r} is in {project_region}, not {region}")
            region = project_region
        return self.smn.add_topic(name, region, project_id)

    # ----- call log ----------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        """Every request received, in completion order (a snapshot)."""
        return self.dispatcher.calls

    def calls_of(self, action: str) -> list[Call]:
        return [call for call in self.calls if call.action == action]

    def mutating_calls(self) -> list[Call]:
        """CTS Create*/Update*/Delete* attempts, whatever their status."""
        return [call for call in self.calls if call.service == "cts" and call.action.startswith(_MUTATING_PREFIXES)]

    def write_calls(self, service: str | None = None) -> list[Call]:
        """Every request of any service (or of `service`) other than GET and HEAD, whatever its
        status: what a read-only caller must never send."""
        return [call for call in self.calls if call.method not in ("GET", "HEAD") and service in (None, call.service)]

    def reset_calls(self) -> None:
        self.dispatcher.clear_calls()

    # ----- transports --------------------------------------------------------------------
    @contextmanager
    def mock(self) -> Iterator[None]:
        """Route every `requests` call in this process to the fake."""
        with _mock.activate(self.dispatcher):
            yield None

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve the fake on 127.0.0.1; yields the base URL."""
        with _server.serve(self.dispatcher) as base_url:
            yield base_url

    def endpoint(self, service: str, region: str | None = None) -> str:
        """The SDK's real default endpoint form, `https://{service}.{region}.myhuaweicloud.com`."""
        return f"https://{service}.{region or self.default_region}.myhuaweicloud.com"
