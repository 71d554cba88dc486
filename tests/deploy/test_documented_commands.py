"""Every command and flag the project tells a person to run exists: held against the scripts'
real `--help`.

Where commands are named: the messages of the function and the deployer (their string
literals, docstrings left out), the README files, docs/**/*.md and template.yaml. A `scripts/NAME` mention must
name a script that exists; the flags after it (up to the next mention or the end of the message,
line or code span) must be in that script's `--help`. A flag named alone (`--plan` in a sentence,
or a code span made of flags and placeholders only) must be a flag of one of the scripts. A code
span or message that names another program (`pip download --require-hashes`) and argv items
(`"--no-deps"`) are not ours to check.
"""

from __future__ import annotations

import pytest
from helpers.commands import CODE_SPAN, LONG_FLAG, _in_text, named, problems


def test_every_named_command_and_flag_is_in_the_scripts_help() -> None:
    found = named()
    assert problems(found) == []
    # what was held: the known mentions are among them, so a scan that finds nothing cannot pass
    hint = [item for item in found if item.where.startswith("function/autotracker/organization/member.py:")]
    assert ("deploy.py", "--emit-member-terraform") in [(item.script, item.flag) for item in hint]
    assert {item.script for item in found if item.script} >= {
        "deploy.py",
        "deploy.sh",
        "package.py",
        "demo.sh",
        "bench.sh",
    }
    assert {item.flag for item in found if item.script == "deploy.py"} >= {"--emit-terraform", "--fake", "--plan"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(scripts/deploy.py --member-agency writes it as Terraform)", "scripts/deploy.py has no --member-agency"),
        ("run `scripts/deploy.sh --plans` first", "scripts/deploy.sh has no --plans"),
        ("`./scripts/deploy-member.sh` in each account", "scripts/deploy-member.sh does not exist"),
        ("run again with --rotate-secret", "--rotate-secret is no script's flag"),
        ("`deploy.py --member-agency`", "scripts/deploy.py has no --member-agency"),
    ],
)
def test_a_stale_command_or_flag_is_found(text: str, expected: str) -> None:
    wrong = problems(list(_in_text(CODE_SPAN.sub(lambda m: m.group(1), text), "x", LONG_FLAG)))
    assert len(wrong) == 1 and expected in wrong[0], wrong


@pytest.mark.parametrize(
    "text",
    [
        "the value -1 and a well-known name",
        "scripts/test.sh -q -k organization",  # test.sh passes its arguments to pytest, as its help says
        "scripts/deploy.sh --emit-member-terraform DIR",  # deploy.sh runs deploy.py with its arguments
    ],
)
def test_what_is_not_a_stale_flag(text: str) -> None:
    wrong = problems(list(_in_text(text, "x", LONG_FLAG)))
    assert wrong == [], wrong
