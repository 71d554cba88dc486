"""The demo's local organization: the demo's own account as the management account plus four
members that show each way a member sweep ends (two swept, one suspended and so skipped by the
coordinator, one without the member agency and so `failed` `AgencyUnavailable`).

All accounts sit behind one transport (fakecloud's `FakeOrganization`): a request goes to the
account whose key signed it, so a member's trackers are created only with the credentials STS
issued for its agency, as in the real cloud.
"""

from __future__ import annotations

import secrets
from typing import Dict, NamedTuple, Optional

from fakecloud import FakeCloud, FakeOrganization

AGENCY = "cts_autotracker_member"  # MEMBER_AGENCY_NAME, the deployer's default
TRACE_BUCKET = "trace-{account_id}"  # each account's own transfer bucket, as docs/organization.md advises


class Member(NamedTuple):
    name: str
    domain_id: str
    status: str  # as Organizations lists it
    agency: Optional[str]  # None: the member agency was never created
    buckets: tuple


MEMBERS = (
    Member("alpha", "a1a2a3a4a5a6a7a8a9aaabacadaeaf00", "active", AGENCY, ("alpha-invoices", "alpha-media")),
    Member("team-payments", "b1b2b3b4b5b6b7b8b9babbbcbdbebf00", "active", AGENCY, ("payments-ledger",)),
    Member("gamma", "c1c2c3c4c5c6c7c8c9cacbcccdcecf00", "suspended", AGENCY, ("gamma-old",)),
    Member("delta", "d1d2d3d4d5d6d7d8d9dadbdcdddedf00", "active", None, ("delta-data",)),
)


def organization(management: FakeCloud, region: str, function: str) -> FakeOrganization:
    """`management` (with the function deployed) and the members, each with two projects, its
    transfer bucket and a few data buckets."""
    management.add_bucket(TRACE_BUCKET.format(account_id=management.domain_id), region)
    management.add_function(function)
    org = FakeOrganization(management, organization_id="o-demo0123456789ab")
    for member in MEMBERS:
        cloud = org.add_member(member.name, agency=member.agency, status=member.status, domain_id=member.domain_id)
        cloud.add_project(region)
        cloud.add_project(f"{region}_dev")
        for bucket in (TRACE_BUCKET.format(account_id=cloud.domain_id), *member.buckets):
            cloud.add_bucket(bucket, region)
    return org


def environment(base_url: str) -> Dict[str, str]:
    """The function's variables for organization mode, every endpoint at the local organization."""
    return {
        "ORGANIZATION_SWEEP": "true",
        "MEMBER_AGENCY_NAME": AGENCY,
        "TRACE_BUCKET": TRACE_BUCKET,
        "ORGANIZATIONS_ENDPOINT": base_url,
        "FGS_ENDPOINT": base_url,
    }


def user_data() -> Dict[str, str]:
    """The encrypted user data FunctionGraph hands only to the function (getUserData): a fresh
    FANOUT_KEY per demo run, never an environment variable and never printed."""
    return {"FANOUT_KEY": secrets.token_urlsafe(32)}
