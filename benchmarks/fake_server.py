"""Serve a seeded fake account on localhost from its own process, so measured processes share nothing with it.

    python -m benchmarks.fake_server --buckets N [--latency SECONDS]
Prints the base URL on the first line of stdout, then serves until stdin closes.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.common import AK, ASSIGNMENT_ID, DOMAIN_ID, PROJECT_ID, REGION, SK, TRACE_BUCKET, bench_project
from fakecloud import FakeCloud


def seeded(buckets: int, projects: int = 0) -> FakeCloud:
    cloud = FakeCloud(default_region=REGION, domain_id=DOMAIN_ID)
    cloud.add_credentials(AK, SK)
    cloud.add_project(REGION, project_id=PROJECT_ID)
    cloud.add_agency("cts_admin_trust")
    cloud.add_bucket(TRACE_BUCKET, REGION)
    for index in range(buckets):
        cloud.add_bucket(f"bench-{index:06d}", REGION)
    for index in range(projects):  # extra projects, each with its own data-tracker quota
        cloud.add_project(f"{REGION}_bench{index}", project_id=bench_project(index))
    cloud.add_topic("reports", region=REGION, project_id=PROJECT_ID)
    urn = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:cts-autotracker:latest"
    cloud.rms.add_assignment("cts-coverage-buckets", urn, assignment_id=ASSIGNMENT_ID)
    return cloud


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buckets", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--projects", type=int, default=0)
    args = parser.parse_args()
    cloud = seeded(args.buckets, args.projects)
    if args.latency:
        for service in ("cts", "obs", "iam", "rms"):  # the report's publish is outside the floors
            cloud.faults.latency(args.latency, service=service)
    with cloud.serve() as base_url:
        print(base_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
