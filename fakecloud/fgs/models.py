"""FunctionGraph state and rules: functions per project, their triggers and async-invoke configs.

Only what the deployer calls, validated like the service documents it (names, runtimes, memory
sizes, timeouts, user data limits, zip code, agencies trusting FunctionGraph, trigger event data,
async destinations). Every operation validates fully before it changes anything, under one lock.

Choices where the docs are silent: a missing function is 404 FSS.1051; changing a function's
runtime in place is 400 FSS.1005; an agency must exist and trust `op_svc_cff` (400 FSS.0400);
`encrypted_user_data` is shown with its names and masked values; `digest` is the hex SHA-512 of
the zip; CTS, TIMER, APIG and EVENTGRID triggers are modelled, and EventGrid's delivery of a CTS
trace to the functions subscribed to its type (`deliver_cloudtrace`).
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import io
import json
import re
import threading
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from fakecloud.core.errors import ServiceError
from fakecloud.iam.models import IamBackend
from fakecloud.smn.models import SmnBackend

FUNCTIONGRAPH_TRUST = "op_svc_cff"
RUNTIMES = (
    "Java8",
    "Java11",
    "Java17",
    "Python2.7",
    "Python3.6",
    "Python3.9",
    "Python3.10",
    "Python3.12",
    "Go1.x",
    "Node.js14.18",
    "Node.js16.17",
    "Node.js18.15",
    "Custom",
    "http",
)
MEMORY_SIZES = (128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096)
TIMEOUT_RANGE = (3, 259200)
CODE_TYPES = ("inline", "zip", "obs", "jar", "Custom-Image-Swr")
MAX_CODE_BYTES = 50 * 1024 * 1024
MAX_USER_VARIABLES = 20
MAX_USER_DATA_BYTES = 4096
MASK = "******"
TRIGGER_TYPES = ("TIMER", "APIG", "CTS", "DDS", "DMS", "DIS", "LTS", "OBS", "SMN", "KAFKA", "EVENTGRID")
ASYNC_DESTINATIONS = ("OBS", "SMN", "DIS", "FunctionGraph")

_FUNC_NAME = re.compile(r"^[A-Za-z]([A-Za-z0-9_-]{0,58}[A-Za-z0-9])?$")
_PACKAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,59}$")
_VARIABLE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_URN = re.compile(
    r"^urn:fss:(?P<region>[a-z0-9-]+):(?P<project_id>[A-Za-z0-9]+):function:(?P<package>[^:]+):(?P<name>[^:]+)"
    r"(?::(?P<version>[^:]+))?$"
)
_CTS_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_TIMER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_OPERATION = re.compile(r"^[A-Za-z][A-Za-z0-9]*:[A-Za-z][A-Za-z0-9_]*:[A-Za-z][A-Za-z0-9_]*$")
_EVERY = re.compile(r"^@every (\d+h)?(\d+m)?(\d+s)?$")


def _bad(code: str, msg: str) -> ServiceError:
    return ServiceError(400, code, msg)


def _not_found(msg: str = "Not found the function.") -> ServiceError:
    return ServiceError(404, "FSS.1051", msg)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _user_data(raw: Any, field: str) -> dict[str, str]:
    """A user_data string: a JSON object of name -> text, at most 20 names and 4 KB."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, str):
        raise _bad("FSS.1009", f"Invalid {field}: must be a JSON object as a string.")
    if len(raw.encode("utf-8")) > MAX_USER_DATA_BYTES:
        raise _bad("FSS.1018", f"The total size of {field} exceeds 4 KB.")
    try:
        data = json.loads(raw)
    except ValueError:
        raise _bad("FSS.1009", f"Invalid {field}: not JSON.") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise _bad("FSS.1009", f"Invalid {field}: must map names to strings.")
    bad = [key for key in data if not _VARIABLE.match(key)]
    if bad:
        raise _bad("FSS.1009", f"Invalid {field}: bad variable name {bad[0]!r}.")
    if len(data) > MAX_USER_VARIABLES:
        raise _bad("FSS.1017", "The number of environment variables exceeds the maximum allowed limit (20).")
    return data


def _zip_code(body: dict[str, Any], handler: str) -> bytes:
    """The zip sent in func_code.file (base64), checked to hold the handler's module at its root."""
    if body.get("code_type") != "zip":
        if body.get("code_type") not in CODE_TYPES:
            raise _bad("FSS.1006", "Invalid function code entry mode.")
        raise _bad("FSS.1006", "fakecloud models only code_type 'zip'.")
    code = body.get("func_code")
    encoded = code.get("file") if isinstance(code, dict) else None
    if not isinstance(encoded, str) or not encoded:
        raise _bad("FSS.1012", "The function code must be configured.")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _bad("FSS.1011", "Invalid function code: not base64.") from None
    if len(raw) > MAX_CODE_BYTES:
        raise ServiceError(413, "FSS.0413", "The request body is too large.")
    try:
        names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
    except zipfile.BadZipFile:
        raise _bad("FSS.1011", "Invalid function code: not a zip file.") from None
    module = handler.rsplit(".", 1)[0] + ".py"
    if module not in names:
        raise _bad("FSS.1011", f"Invalid function code: {module} is not at the root of the zip.")
    return raw


def _check_event_data(type_code: str, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _bad("FSS.0400", "Invalid parameter: event_data must be an object.")
    name = data.get("name")
    if type_code == "CTS":
        if not isinstance(name, str) or not _CTS_NAME.match(name):
            raise _bad("FSS.0400", "Invalid parameter: CTS trigger name must be 1-64 letters, digits or '_'.")
        operations = data.get("operations")
        if not isinstance(operations, list) or not operations or len(operations) > 100:
            raise _bad("FSS.0400", "Invalid parameter: operations must list 1 to 100 operations.")
        if not all(isinstance(op, str) and _OPERATION.match(op) for op in operations):
            raise _bad("FSS.0400", "Invalid parameter: an operation is not Service:resource_type:trace_name.")
        return {"name": name, "operations": list(operations)}
    if type_code == "TIMER":
        if not isinstance(name, str) or not _TIMER_NAME.match(name):
            raise _bad("FSS.0400", "Invalid parameter: timer name must start with a letter (1-64 characters).")
        schedule_type, schedule = data.get("schedule_type"), data.get("schedule")
        if schedule_type not in ("Rate", "Cron"):
            raise _bad("FSS.0400", "Invalid parameter: schedule_type must be Rate or Cron.")
        if not isinstance(schedule, str) or not schedule:
            raise _bad("FSS.0400", "Invalid parameter: schedule is required.")
        if schedule_type == "Cron" and not _EVERY.match(schedule) and len(schedule.split()) != 6:
            raise _bad("FSS.0400", "Invalid parameter: a cron schedule has 6 fields.")
        user_event = data.get("user_event", "")
        if not isinstance(user_event, str):
            raise _bad("FSS.0400", "Invalid parameter: user_event must be a string.")
        return {"name": name, "schedule_type": schedule_type, "schedule": schedule, "user_event": user_event}
    if type_code == "APIG":
        missing = [key for key in _APIG_REQUIRED if data.get(key) in (None, "")]
        if missing:
            raise _bad("FSS.0400", "Invalid parameter: an APIG trigger needs " + ", ".join(missing) + ".")
        if data["auth"] not in ("IAM", "APP", "NONE"):
            raise _bad("FSS.0400", "Invalid parameter: auth must be IAM, APP or NONE.")
        if data["type"] not in (1, 2) or data["match_mode"] not in ("SWA", "NORMAL"):
            raise _bad("FSS.0400", "Invalid parameter: type is 1 or 2, match_mode SWA or NORMAL.")
        if not str(data["path"]).startswith("/"):
            raise _bad("FSS.0400", "Invalid parameter: path must start with '/'.")
        return {key: data[key] for key in data if key in (*_APIG_REQUIRED, "name", "instance_id")}
    if type_code == "EVENTGRID":
        missing = [key for key in _EG_REQUIRED if data.get(key) in (None, "", [])]
        if missing:
            raise _bad("FSS.0400", "Invalid parameter: an EVENTGRID trigger needs " + ", ".join(missing) + ".")
        if not isinstance(data["event_types"], list) or not all(isinstance(t, str) for t in data["event_types"]):
            raise _bad("FSS.0400", "Invalid parameter: event_types must be a list of event types.")
        return {key: data[key] for key in data if key in (*_EG_REQUIRED, "name", "agency")}
    raise _bad("FSS.0400", f"fakecloud models CTS, TIMER, APIG and EVENTGRID triggers, not {type_code}.")


# the SDK's TriggerEventDataRequestBody marks these "required for an APIG trigger" / EVENTGRID parameters
_APIG_REQUIRED = ("type", "path", "protocol", "req_method", "group_id", "match_mode", "env_name", "env_id", "auth")
_EG_REQUIRED = ("channel_id", "channel_name", "source_name", "trigger_name", "event_types")


MAX_ASYNC_PAYLOAD = 256 * 1024  # FunctionGraph's async request payload limit


@dataclass(frozen=True)
class AsyncInvocation:
    """One queued AsyncInvokeFunction: what FunctionGraph would run later."""

    function_urn: str
    payload: dict[str, Any]
    request_id: str


class FgsBackend:
    """Functions keyed by project id then (package, name), and the async invocation queue; thread-safe."""

    def __init__(self, iam: IamBackend, smn: SmnBackend, domain_id: str) -> None:
        self._iam = iam
        self._smn = smn
        self.domain_id = domain_id
        self._lock = threading.RLock()
        self._functions: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
        self._queue: list[AsyncInvocation] = []
        self._disabled: set[str] = set()  # function URNs (unversioned)

    # ----- inspection and seeding (tests) -------------------------------------------------
    def function(self, project_id: str, name: str, package: str = "default") -> dict[str, Any] | None:
        """The stored record (real encrypted values, code bytes under `code`), or None."""
        with self._lock:
            found = self._functions.get(project_id, {}).get((package, name))
            return copy.deepcopy(found) if found else None

    def disable_function(self, project_id: str, name: str, package: str = "default", disabled: bool = True) -> None:
        """A function disabled (by its owner or the platform): invoking it is answered 429 FSS.0429
        "Function Disabled", the code FunctionGraph's docs also give throttling."""
        with self._lock:
            record = self._functions.get(project_id, {}).get((package, name))
            if record is None:
                raise KeyError(f"no function {name!r} in project {project_id!r}")
            (self._disabled.add if disabled else self._disabled.discard)(record["func_urn"])

    def set_function_fields(self, project_id: str, name: str, package: str = "default", **fields: Any) -> None:
        """Overwrite config fields to simulate drift made by hand, e.g. memory_size=512."""
        with self._lock:
            record = self._functions.get(project_id, {}).get((package, name))
            if record is None:
                raise KeyError(f"no function {name!r} in project {project_id!r}")
            record.update(copy.deepcopy(fields))

    def triggers(self, project_id: str, name: str, package: str = "default") -> list[dict[str, Any]]:
        with self._lock:
            record = self._functions.get(project_id, {}).get((package, name))
            return copy.deepcopy(list(record["triggers"].values())) if record else []

    def add_function(self, project_id: str, region: str, name: str, package: str = "default") -> str:
        """A deployed function, as far as invoking it goes (no code, default config); returns its URN."""
        urn = f"urn:fss:{region}:{project_id}:function:{package}:{name}:latest"
        with self._lock:
            self._functions.setdefault(project_id, {})[(package, name)] = {
                "func_urn": urn,
                "func_name": name,
                "package": package,
                "project_name": region,
                "version": "latest",
                "triggers": {},
                "async_config": None,
                "encrypted_user_data": "",
            }
        return urn

    def take_async_invocations(self) -> list[AsyncInvocation]:
        """The queued invocations, oldest first; the queue is left empty (FunctionGraph ran them)."""
        with self._lock:
            taken, self._queue = self._queue, []
            return taken

    # ----- EventGrid delivery -------------------------------------------------------------
    def deliver_cloudtrace(self, trace: dict[str, Any]) -> list[AsyncInvocation]:
        """EventGrid's delivery of one CTS trace of a cloud service: a CloudEvent from source
        `HC.{service_type}` of type `{service_type}:CloudTrace:{trace_type}` with the trace as its
        data, queued as an async invocation of every function whose ACTIVE EVENTGRID trigger names
        that source and type; `take_async_invocations()` hands the queue to the test. Read-only
        operations are not delivered (cloud-service sources deliver write events only). Returns
        what was queued (nothing when no trigger subscribes to the type)."""
        service, kind = trace.get("service_type"), trace.get("trace_type")
        if not isinstance(service, str) or not isinstance(kind, str):
            raise ValueError("a trace names its service_type and trace_type")
        if trace.get("read_only") is True:
            return []
        source, event_type = f"HC.{service}", f"{service}:CloudTrace:{kind}"
        event = {
            "specversion": "1.0",
            "id": uuid.uuid4().hex,
            "source": source,
            "type": event_type,
            "subject": trace.get("trace_name") or "",
            "time": _now(),
            "datacontenttype": "application/json",
            "data": copy.deepcopy(trace),
        }
        queued = []
        with self._lock:
            for functions in self._functions.values():
                for record in functions.values():
                    for trigger in record["triggers"].values():
                        data = trigger["event_data"]
                        if (
                            trigger["trigger_type_code"] == "EVENTGRID"
                            and trigger["trigger_status"] == "ACTIVE"
                            and data["source_name"] == source
                            and event_type in data["event_types"]
                        ):
                            queued.append(AsyncInvocation(record["func_urn"], copy.deepcopy(event), uuid.uuid4().hex))
            self._queue.extend(queued)
        return queued

    # ----- invocation ----------------------------------------------------------------------
    def invoke_async(self, project_id: str, urn: str, body: bytes) -> str:
        """AsyncInvokeFunction: the body is the event, a JSON object of at most 256 KB."""
        if len(body) > MAX_ASYNC_PAYLOAD:
            raise ServiceError(413, "FSS.0413", "The request body is larger than 256 KB.")
        try:
            payload = json.loads(body.decode("utf-8")) if body else None
        except (ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict):
            raise _bad("FSS.0406", "Not acceptable: the event must be a JSON object.")
        with self._lock:
            record = self._find(project_id, urn)
            if record["func_urn"] in self._disabled:
                raise ServiceError(429, "FSS.0429", "Function Disabled")
            invocation = AsyncInvocation(record["func_urn"], payload, uuid.uuid4().hex)
            self._queue.append(invocation)
        return invocation.request_id

    # ----- functions ---------------------------------------------------------------------
    def create_function(self, project_id: str, region: str, body: Any) -> dict[str, Any]:
        with self._lock:
            if not isinstance(body, dict):
                raise _bad("FSS.0406", "Not acceptable: the body must be a JSON object.")
            name, package = body.get("func_name"), body.get("package")
            if not isinstance(name, str) or not _FUNC_NAME.match(name):
                raise _bad("FSS.1002", "Invalid function name.")
            if not isinstance(package, str) or not _PACKAGE.match(package):
                raise _bad("FSS.1004", "Invalid Package (function app).")
            config = self._check_config(body, runtime=None)
            code = _zip_code(body, config["handler"])
            if (package, name) in self._functions.get(project_id, {}):
                raise ServiceError(409, "FSS.0409", f"The function {name} already exists.")
            urn = f"urn:fss:{region}:{project_id}:function:{package}:{name}:latest"
            record: dict[str, Any] = {
                "func_id": uuid.uuid4().hex,
                "resource_id": uuid.uuid4().hex,
                "func_urn": urn,
                "func_name": name,
                "domain_id": self.domain_id,
                "namespace": project_id,
                "project_name": region,
                "package": package,
                "version": "latest",
                "type": "v2",
                "code_type": "zip",
                "code_url": "",
                "code_filename": body.get("code_filename") or "index.zip",
                "triggers": {},
                "async_config": None,
                **config,
            }
            self._store_code(record, code)
            self._functions.setdefault(project_id, {})[(package, name)] = record
            return self._view(record)

    def delete_function(self, project_id: str, urn: str) -> None:
        """The function goes with its triggers and async configuration."""
        with self._lock:
            record = self._find(project_id, urn)
            del self._functions[project_id][(record["package"], record["func_name"])]

    def show_config(self, project_id: str, urn: str) -> dict[str, Any]:
        with self._lock:
            return self._view(self._find(project_id, urn))

    def update_config(self, project_id: str, urn: str, body: Any) -> dict[str, Any]:
        with self._lock:
            record = self._find(project_id, urn)
            if not isinstance(body, dict):
                raise _bad("FSS.0406", "Not acceptable: the body must be a JSON object.")
            if body.get("func_name") != record["func_name"]:
                raise _bad("FSS.1002", "Invalid function name: func_name must name this function.")
            config = self._check_config(body, runtime=record["runtime"])
            record.update(config)
            return self._view(record)

    def update_code(self, project_id: str, urn: str, body: Any) -> dict[str, Any]:
        with self._lock:
            record = self._find(project_id, urn)
            if not isinstance(body, dict):
                raise _bad("FSS.0406", "Not acceptable: the body must be a JSON object.")
            code = _zip_code(body, record["handler"])
            record["code_filename"] = body.get("code_filename") or record["code_filename"]
            self._store_code(record, code)
            keys = ("func_urn", "func_name", "domain_id", "runtime", "code_type", "code_url", "code_filename")
            view = {key: record[key] for key in keys}
            return {**view, "code_size": record["code_size"], "digest": record["digest"], "last_modified": _now()}

    # ----- triggers ----------------------------------------------------------------------
    def create_trigger(self, project_id: str, urn: str, body: Any) -> dict[str, Any]:
        with self._lock:
            record = self._find(project_id, urn)
            if not isinstance(body, dict):
                raise _bad("FSS.0406", "Not acceptable: the body must be a JSON object.")
            type_code = body.get("trigger_type_code")
            if type_code not in TRIGGER_TYPES:
                raise _bad("FSS.0400", "Invalid parameter: trigger_type_code.")
            status = body.get("trigger_status") or "ACTIVE"
            if status not in ("ACTIVE", "DISABLED"):
                raise _bad("FSS.0400", "Invalid parameter: trigger_status must be ACTIVE or DISABLED.")
            event_data = _check_event_data(type_code, body.get("event_data"))
            for existing in record["triggers"].values():
                if existing["trigger_type_code"] == type_code and existing["event_data"]["name"] == event_data["name"]:
                    raise ServiceError(409, "FSS.0409", f"The trigger {event_data['name']} already exists.")
            now = _now()
            trigger = {
                "trigger_id": uuid.uuid4().hex,
                "trigger_type_code": type_code,
                "trigger_status": status,
                "event_data": event_data,
                "created_time": now,
                "last_updated_time": now,
            }
            record["triggers"][trigger["trigger_id"]] = trigger
            return copy.deepcopy(trigger)

    def list_triggers(self, project_id: str, urn: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._find(project_id, urn)["triggers"].values()))

    def delete_trigger(self, project_id: str, urn: str, type_code: str, trigger_id: str) -> None:
        with self._lock:
            record = self._find(project_id, urn)
            trigger = record["triggers"].get(trigger_id)
            if trigger is None or trigger["trigger_type_code"] != type_code:
                raise ServiceError(404, "FSS.0404", "The specified resource was not found.")
            del record["triggers"][trigger_id]

    # ----- async invoke ------------------------------------------------------------------
    def put_async_config(self, project_id: str, urn: str, body: Any) -> dict[str, Any]:
        with self._lock:
            record = self._find(project_id, urn)
            if not isinstance(body, dict):
                raise _bad("FSS.0406", "Not acceptable: the body must be a JSON object.")
            age = body.get("max_async_event_age_in_seconds", 3600)
            attempts = body.get("max_async_retry_attempts", 1)
            if not isinstance(age, int) or isinstance(age, bool) or not 1 <= age <= 86400:
                raise _bad("FSS.0400", "Invalid parameter: max_async_event_age_in_seconds must be 1-86400.")
            if not isinstance(attempts, int) or isinstance(attempts, bool) or not 0 <= attempts <= 3:
                raise _bad("FSS.0400", "Invalid parameter: max_async_retry_attempts must be 0-3.")
            destinations = body.get("destination_config") or {}
            if not isinstance(destinations, dict):
                raise _bad("FSS.0400", "Invalid parameter: destination_config must be an object.")
            checked: dict[str, Any] = {}
            for key in ("on_success", "on_failure"):
                if destinations.get(key) is not None:
                    checked[key] = self._check_destination(project_id, key, destinations[key])
            now = _now()
            previous = record["async_config"] or {"created_time": now}
            record["async_config"] = {
                "func_urn": record["func_urn"],
                "max_async_event_age_in_seconds": age,
                "max_async_retry_attempts": attempts,
                "destination_config": checked,
                "created_time": previous["created_time"],
                "last_modified": now,
                "enable_async_status_log": bool(body.get("enable_async_status_log", False)),
            }
            return copy.deepcopy(record["async_config"])

    def show_async_config(self, project_id: str, urn: str) -> dict[str, Any]:
        with self._lock:
            config = self._find(project_id, urn)["async_config"]
            if config is None:
                raise ServiceError(404, "FSS.0404", "The async invocation configuration does not exist.")
            return copy.deepcopy(config)

    # ----- helpers -----------------------------------------------------------------------
    def _check_destination(self, project_id: str, key: str, value: Any) -> dict[str, str]:
        if not isinstance(value, dict) or value.get("destination") not in ASYNC_DESTINATIONS:
            raise _bad(
                "FSS.0400", f"Invalid parameter: {key}.destination must be one of {', '.join(ASYNC_DESTINATIONS)}."
            )
        param = value.get("param")
        try:
            parsed = json.loads(param) if isinstance(param, str) else None
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise _bad("FSS.0400", f"Invalid parameter: {key}.param must be a JSON object as a string.")
        if value["destination"] == "SMN":
            urn = parsed.get("topic_urn")
            if not any(t["topic_urn"] == urn and t["project_id"] == project_id for t in self._smn.topics):
                raise _bad("FSS.0400", f"Invalid parameter: {key} SMN topic does not exist in this project.")
        return {"destination": value["destination"], "param": param}

    def _check_config(self, body: dict[str, Any], runtime: str | None) -> dict[str, Any]:
        sent_runtime, handler = body.get("runtime"), body.get("handler")
        if sent_runtime not in RUNTIMES:
            raise _bad("FSS.1005", "Invalid runtime.")
        if runtime is not None and sent_runtime != runtime:
            raise _bad("FSS.1005", f"Invalid runtime: the runtime of a function cannot change ({runtime}).")
        if not isinstance(handler, str) or "." not in handler.strip("."):
            raise _bad("FSS.1003", "Invalid function handler.")
        memory, timeout = body.get("memory_size"), body.get("timeout")
        if memory not in MEMORY_SIZES or isinstance(memory, bool):
            raise _bad("FSS.1007", "Invalid function memory.")
        if (
            not isinstance(timeout, int)
            or isinstance(timeout, bool)
            or not TIMEOUT_RANGE[0] <= timeout <= TIMEOUT_RANGE[1]
        ):
            raise _bad("FSS.1008", "Invalid function timeout.")
        plain = _user_data(body.get("user_data"), "user_data")
        secret = _user_data(body.get("encrypted_user_data"), "encrypted_user_data")
        if len(plain) + len(secret) > MAX_USER_VARIABLES:
            raise _bad("FSS.1017", "The number of environment variables exceeds the maximum allowed limit (20).")
        xrole = body.get("xrole") or ""
        if xrole:
            agency = next((a for a in self._iam.agencies if a["name"] == xrole), None)
            if agency is None or agency.get("trust_domain_name") != FUNCTIONGRAPH_TRUST:
                raise _bad(
                    "FSS.0400", f"Invalid parameter: agency {xrole} does not exist or does not trust FunctionGraph."
                )
        description = body.get("description") or ""
        if not isinstance(description, str) or len(description) > 512:
            raise _bad("FSS.0400", "Invalid parameter: description.")
        return {
            "runtime": sent_runtime,
            "handler": handler,
            "memory_size": memory,
            "cpu": memory // 128 * 100,
            "timeout": timeout,
            "user_data": json.dumps(plain) if plain else "",
            "encrypted_user_data": json.dumps(secret) if secret else "",
            "xrole": xrole,
            "app_xrole": body.get("app_xrole") or xrole,
            "description": description,
            "last_modified": _now(),
        }

    @staticmethod
    def _store_code(record: dict[str, Any], code: bytes) -> None:
        record["code"] = code
        record["code_size"] = len(code)
        record["digest"] = hashlib.sha512(code).hexdigest()
        record["last_modified"] = _now()

    def _find(self, project_id: str, urn: str) -> dict[str, Any]:
        found = _URN.match(urn)
        if found is None:
            raise _bad("FSS.0400", "Invalid parameter: function_urn.")
        if found["project_id"] != project_id or found["version"] not in (None, "latest"):
            raise _not_found()
        record = self._functions.get(project_id, {}).get((found["package"], found["name"]))
        if record is None or record["project_name"] != found["region"]:
            raise _not_found()
        return record

    @staticmethod
    def _view(record: dict[str, Any]) -> dict[str, Any]:
        """What the API shows: no triggers, no code bytes, encrypted values masked."""
        hidden = ("triggers", "async_config", "code")
        view = {key: copy.deepcopy(value) for key, value in record.items() if key not in hidden}
        if record["encrypted_user_data"]:
            view["encrypted_user_data"] = json.dumps({k: MASK for k in json.loads(record["encrypted_user_data"])})
        return view
