"""Serve a seeded fake organization on localhost from its own process.

    python -m benchmarks.org_server --accounts N --regions R --buckets B [--latency SECONDS]

The management account (the benchmark's AK/SK) holds the function and the report topic; each
member has R regional projects, its own transfer bucket and B buckets per region, and trusts the
management account with the member agency. The first `TWINS` members also get their own key and
topic, so a single-account sweep of an identical account can be measured as the floor.
Prints the base URL on the first line of stdout, then serves until stdin closes.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.common import AK, PROJECT_ID, REGION, SK, member_id, member_project, org_regions, twin_key
from fakecloud import FakeCloud, FakeOrganization

TWINS = 8


def seeded(accounts: int, regions: int, buckets: int) -> FakeOrganization:
    management = FakeCloud(default_region=REGION, domain_id="f" * 32, domain_name="bench-management")
    management.add_credentials(AK, SK)
    for index, region in enumerate(org_regions(regions)):
        management.add_project(region, project_id=PROJECT_ID if region == REGION else f"{index:032x}")
    management.add_topic("reports", region=REGION, project_id=PROJECT_ID)
    management.add_function("cts-autotracker")
    organization = FakeOrganization(management)
    for number in range(accounts):
        account_id = member_id(number)
        member = organization.add_member(f"member-{number:05d}", domain_id=account_id)
        for region_index, region in enumerate(org_regions(regions)):
            member.add_project(region, project_id=member_project(number, region_index))
            for index in range(buckets):
                member.add_bucket(f"b{number:05d}-{region}-{index:03d}", region)
        member.add_bucket(f"trace-{account_id}", REGION)
        if number < TWINS:
            member.add_credentials(*twin_key(number))
            member.add_topic("reports", region=REGION)
    return organization


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--regions", type=int, default=3)
    parser.add_argument("--buckets", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    organization = seeded(args.accounts, args.regions, args.buckets)
    if args.latency:
        for cloud in organization.accounts.values():
            cloud.faults.latency(args.latency)  # every call of every service
    with organization.serve() as base_url:
        print(base_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
