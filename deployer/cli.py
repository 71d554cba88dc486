"""Command lines behind scripts/deploy.py and scripts/package.py (kept thin: parse, call, report).

Exit codes: 0 done (or nothing to do), 1 a failure reported on one line, 2 a bad template or
bad arguments. Nothing secret is ever printed: credentials and encrypted variables are masked
in every message.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
from typing import Callable, List, Mapping, Optional, TextIO

from deployer import ROOT
from deployer.actual import Actual, read_actual
from deployer.apply import apply, destroy
from deployer.arguments import deploy_parser, package_parser
from deployer.clients import Clients, DeployError, account_from_env, redact
from deployer.conformance import emit_conformance_package
from deployer.desired import Code, Desired, build_desired
from deployer.package import PackageError, build_package, python_version_of
from deployer.plan import Plan, destroy_plan, make_plan
from deployer.template import Template, TemplateError, load_template
from deployer.terraform import emit_member_terraform, emit_terraform


def _say(out: TextIO) -> Callable[[str], None]:
    def say(line: str) -> None:
        print(line, file=out, flush=True)

    return say


def _default_package_path(name: str, python_version: str) -> pathlib.Path:
    return ROOT / "dist" / f"{name}-python{python_version}.zip"


def _refuse(error: TemplateError, err: Optional[TextIO]) -> int:
    """A bad template: every problem on stderr, one line each naming the file, before any call."""
    for problem in error.problems:
        print(f"{error.source}: {problem}", file=err or sys.stderr, flush=True)
    return 2


def package_main(argv: Optional[List[str]] = None, out: TextIO = sys.stdout, err: Optional[TextIO] = None) -> int:
    args = package_parser().parse_args(argv)
    say = _say(out)
    try:
        template = load_template(args.template)
    except TemplateError as error:
        return _refuse(error, err)
    version = args.python_version or python_version_of(template.function.runtime)
    output = args.output or _default_package_path(template.function.name, version)
    try:
        package = build_package(version, output)
    except PackageError as error:
        say(f"error: {error}")
        return 1
    say(f"wrote {package.describe()}")
    return 0


def deploy_main(
    argv: Optional[List[str]] = None,
    environ: Optional[Mapping[str, str]] = None,
    out: TextIO = sys.stdout,
    err: Optional[TextIO] = None,
) -> int:
    args = deploy_parser().parse_args(argv)
    environ = os.environ if environ is None else environ
    say = _say(out)
    try:
        template = load_template(args.template)
        if args.region:
            template = template.for_region(args.region)
    except TemplateError as error:
        return _refuse(error, err)
    secrets = [environ.get(name, "") for name in template.function.encrypted_user_data]
    # Writing Terraform calls no cloud: the same files with or without --fake, nothing applied.
    if args.emit_terraform:
        return _emit(template, args.emit_terraform, args.package, say)
    if args.emit_member_terraform:
        directory = args.emit_member_terraform
        for path in emit_member_terraform(template, directory):
            say(f"wrote {path}")
        say(
            f"next: in each member account, in {directory}: terraform init && terraform apply "
            "-var account_id=<member id> -var management_account_name=<management account name>"
        )
        return 0
    if args.emit_conformance_package:
        for path in emit_conformance_package(template, args.emit_conformance_package):
            say(f"wrote {path}")
        say(
            "next: upload the .tf.json in Config's console (Conformance Packages > Create > Upload template), "
            "or in account/ (organization/ from the management account): terraform init && terraform apply"
        )
        return 0
    if args.fake:
        return _against_fake(template, args, environ, say)
    try:
        return _deploy(template, args, environ, say)
    except DeployError as error:
        say(redact(f"error: {error}", secrets))
        return 1


def _emit(
    template: Template, directory: pathlib.Path, package: Optional[pathlib.Path], say: Callable[[str], None]
) -> int:
    version = python_version_of(template.function.runtime)
    zip_path = (package or _default_package_path(template.function.name, version)).resolve()
    # Terraform reads files relative to where it runs: the directory it is given.
    relative = os.path.relpath(zip_path, directory.resolve())
    written = emit_terraform(template, directory, pathlib.Path(relative).as_posix())
    for path in written:
        say(f"wrote {path}")
    say(f"next: scripts/package.py --output {zip_path}")
    buckets = directory / "buckets"
    if buckets / "main.tf" in written:
        say(f"next: once, in {buckets}: terraform init && terraform apply (the buckets, with a state of their own)")
    say(f"next: in {directory}: terraform init && terraform plan, then terraform apply")
    return 0


def _deploy(
    template: Template, args: argparse.Namespace, environ: Mapping[str, str], say: Callable[[str], None]
) -> int:
    account = account_from_env(environ)
    code = None if args.destroy else _code(template, args.package, say)  # nothing to upload on a destroy
    desired = build_desired(template, account.project_id, account.domain_id, code, environ)
    clients = Clients(account, template.region, environ, extra_secrets=desired.secrets.values())
    actual = read_actual(clients, desired)
    if args.destroy:
        return _destroy(destroy_plan(desired, actual), desired, actual, clients, args.plan, say)
    plan = make_plan(desired, actual, rotate_secrets=args.rotate_secrets)
    say(plan.render())
    if plan.blocked:
        names = ", ".join(f"{change.resource} {change.name}" for change in plan.blocked)
        say(f"error: the plan is blocked ({names}): fix the template or the account; nothing was changed")
        return 1
    if args.plan:
        say("(--plan: nothing was changed)")
        return 0
    if not plan.pending:
        say("Nothing to change.")
        return 0
    say("Applying:")
    apply(plan, desired, actual, clients, lambda line: say(f"  {line}"))
    say(f"Done: {len(plan.pending)} change(s) applied in {template.region}.")
    return 0


def _against_fake(
    template: Template, args: argparse.Namespace, environ: Mapping[str, str], say: Callable[[str], None]
) -> int:
    """The same plan and apply against a local fake account, with stand-in credentials and a
    stand-in package. The account is kept in a file, so a rehearsal can be walked run by run:
    plan, apply, plan (no changes), destroy --plan, destroy."""
    import io
    import tempfile
    import zipfile

    from deployer import fake_account

    state: pathlib.Path = args.fake_state
    try:
        cloud = fake_account.load(state, template.region, template.iam_trace_region)
    except fake_account.FakeAccountError as error:
        say(f"error: {error}")
        return 1
    fake_env = {
        **{name: environ[name] for name in template.function.encrypted_user_data if name in environ},
        "CLOUD_SDK_AK": fake_account.AK,
        "CLOUD_SDK_SK": fake_account.SK,
        "CLOUD_SDK_PROJECT_ID": str(cloud.iam.project_by_name(template.region)["id"]),  # type: ignore[index]
        "CLOUD_SDK_DOMAIN_ID": cloud.domain_id,
    }
    where = os.path.relpath(state) if state.is_absolute() and state.is_relative_to(pathlib.Path.cwd()) else state
    kept = "kept in" if state.exists() else "new, to be kept in"
    say(f"--fake: a local fake account ({kept} {where}; delete it to start over); nothing real is touched")
    with tempfile.TemporaryDirectory() as tmp:
        if args.package is None:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                # a fixed timestamp: the same stand-in every run, so a second plan finds no change
                entry = zipfile.ZipInfo("index.py", date_time=(2026, 1, 1, 0, 0, 0))
                archive.writestr(entry, "def handler(event, context):\n    return {}\n")
            args.package = pathlib.Path(tmp) / "stand-in.zip"
            args.package.write_bytes(buffer.getvalue())
        with cloud.mock():
            try:
                return _deploy(template, args, fake_env, say)
            except DeployError as error:
                say(f"error: {error}")
                return 1
            finally:
                if not args.plan:  # a plan changes nothing, so it saves nothing
                    fake_account.save(cloud, state)


def _destroy(
    plan: Plan, desired: Desired, actual: Actual, clients: Clients, plan_only: bool, say: Callable[[str], None]
) -> int:
    say(plan.render().replace("Plan for region", "Destroy plan for region", 1))
    say(_destroy_sentence(plan))
    if plan_only:
        say("(--plan: nothing was changed)")
        return 0
    if not plan.pending:
        say("Nothing to delete.")
        return 0
    say("Deleting:")
    destroy(plan, desired, actual, clients, lambda line: say(f"  {line}"))
    say(f"Done: {len(plan.pending)} resource(s) deleted in {desired.region}; the trackers and buckets are kept.")
    return 0


def _destroy_sentence(plan: Plan) -> str:
    """The destroy plan in one sentence: what would go, and that the audit trail stays."""
    going = [f"{change.resource} {change.name}" for change in plan.pending]
    if not going:
        return f"Destroying would delete nothing in {plan.region}: none of the deployment's resources exist."
    return (
        f"Destroying would delete {len(going)} resource(s) in {plan.region} ({', '.join(going)}) "
        "and keep the CTS trackers and the buckets."
    )


def _code(template: Template, package: Optional[pathlib.Path], say: Callable[[str], None]) -> Code:
    if package is not None:
        try:
            return Code(package.read_bytes(), package.name)
        except OSError as error:
            raise DeployError(f"cannot read --package {package}: {error.strerror}") from None
    version = python_version_of(template.function.runtime)
    say(f"Building the package for {template.function.runtime} (pass --package to reuse one)...")
    try:
        built = build_package(version, _default_package_path(template.function.name, version))
    except PackageError as error:
        raise DeployError(str(error)) from None
    say(f"wrote {built.describe()}")
    return Code(built.path.read_bytes(), built.path.name)
