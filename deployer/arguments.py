"""The command lines of scripts/deploy.py and scripts/package.py, in the standard library only.

The scripts' `--help` reads this file before any venv exists (scripts/_venv.py loads it by path),
and deployer/cli.py parses with the same parsers: one definition, so the help on a fresh clone is
the help of the installed deployer. Import nothing here but the standard library.
"""

from __future__ import annotations

import argparse
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATE = ROOT / "template.yaml"
DEFAULT_FAKE_STATE = ROOT / "dist" / "fake-account.pickle"


def package_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/package.py", description="Build the FunctionGraph deployment zip.")
    parser.add_argument("--python-version", help="target interpreter, e.g. 3.10 (default: the template's runtime)")
    parser.add_argument("--output", type=pathlib.Path, help="zip to write (default: dist/<function>-python<X.Y>.zip)")
    parser.add_argument("--template", type=pathlib.Path, default=DEFAULT_TEMPLATE)
    return parser


def deploy_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/deploy.py", description="Create or update the deployment described by template.yaml."
    )
    parser.add_argument("--template", type=pathlib.Path, default=DEFAULT_TEMPLATE)
    parser.add_argument("--plan", action="store_true", help="print what would change and change nothing")
    parser.add_argument(
        "--destroy",
        action="store_true",
        help="delete the deployment (function, triggers, agency, policies, topic, Config rule); "
        "never the trackers or the buckets; with --plan, only show what would go",
    )
    parser.add_argument("--emit-terraform", type=pathlib.Path, metavar="DIR", help="write Terraform files and exit")
    parser.add_argument(
        "--emit-member-terraform",
        type=pathlib.Path,
        metavar="DIR",
        help="write member.tf (the member agency, for organization sweeps) and exit",
    )
    parser.add_argument(
        "--emit-conformance-package",
        type=pathlib.Path,
        metavar="DIR",
        help="write the Config conformance package (*.tf.json) and the Terraform that deploys it, and exit",
    )
    parser.add_argument("--package", type=pathlib.Path, metavar="PATH", help="deploy this zip instead of building one")
    parser.add_argument(
        "--fake",
        action="store_true",
        help="rehearse against a local fake account kept in --fake-state between runs "
        "(no credentials, nothing real touched, no package built)",
    )
    parser.add_argument(
        "--fake-state",
        type=pathlib.Path,
        metavar="FILE",
        default=DEFAULT_FAKE_STATE,
        help="the --fake account's file (default: dist/fake-account.pickle; delete it to start from an empty account)",
    )
    parser.add_argument("--region", help="deploy a copy to this region instead of the template's")
    parser.add_argument("--rotate-secrets", action="store_true", help="re-send encrypted_user_data values")
    return parser
