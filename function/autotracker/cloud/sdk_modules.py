"""Load the SDK's clients and models one module at a time, not a whole service at once.

Each `huaweicloudsdk<service>.<version>` package's `__init__` imports every model of the service
(CTS 66, SMN 207, IAM and OBS hundreds), and each client loads the `model` package, which does
the same. The function needs a handful. `install()` puts a light stand-in for both packages in
`sys.modules` before anything imports them: the version package keeps its real `__path__`, so
`...cts_client` and `...model.list_trackers_request` import as usual, and the `model` package
answers the client's `getattr(model_package, "ListTrackersResponse")` by importing that one
module (the SDK's layout: class `ListTrackersResponse` in `model/list_trackers_response.py`).

Pinned to the SDK's layout on purpose: `tests/unit/cloud/test_sdk_modules.py` loads every class the gateway
and the SDK's deserializer ask for through these stand-ins, so an SDK that moves a module fails
the suite, not the function.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from typing import Dict, Iterable, Optional

from .services import SERVICES

PACKAGES = tuple((service.package, service.version) for service in SERVICES)  # the clients the gateway builds


class LazyPackage(types.ModuleType):
    """A package whose classes load on first use, one module each; what it lacks, `then` may have
    (a version package's names are its clients' and, through its `model`, every model's)."""

    def __init__(self, name: str, directory: str, then: Optional["LazyPackage"] = None) -> None:
        super().__init__(name)
        self.__path__ = [directory]
        self.__package__ = name
        self._files: Optional[Dict[str, str]] = None
        self._then = then

    def __getattr__(self, attribute: str) -> object:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        if self._files is None:  # class name, lower-cased without underscores -> module name
            self._files = {
                entry[:-3].replace("_", ""): entry[:-3]
                for entry in os.listdir(self.__path__[0])
                if entry.endswith(".py") and entry != "__init__.py"
            }
        module = self._files.get(attribute.lower())
        if module is None:
            if self._then is not None:
                return getattr(self._then, attribute)
            raise AttributeError(f"{self.__name__} has no model {attribute!r}")
        found = getattr(importlib.import_module(f"{self.__name__}.{module}"), attribute, None)
        if found is None:
            raise AttributeError(f"{self.__name__}.{module} defines no {attribute!r}")
        setattr(self, attribute, found)  # the next lookup is a plain attribute
        return found


def install(packages: Iterable[tuple] = PACKAGES) -> None:
    """Stand-ins for each service's version and model packages (installed SDKs only; idempotent,
    and a package already imported whole is left as it is)."""
    for service, version in packages:
        name = f"{service}.{version}"
        if name in sys.modules:
            continue
        try:
            root = importlib.import_module(service)  # the service package's __init__ is empty
        except ImportError:
            continue
        directory = os.path.join(list(root.__path__)[0], version)
        if not os.path.isdir(os.path.join(directory, "model")):
            continue
        models = LazyPackage(f"{name}.model", os.path.join(directory, "model"))
        package = LazyPackage(name, directory, then=models)
        sys.modules[name] = package
        setattr(root, version, package)
        sys.modules[models.__name__] = models
        package.model = models  # type: ignore[attr-defined]


RAW_RESPONSE = "CtsAutotrackerRawResponse"


def raw_response(package: str) -> str:
    """The name of a response type, registered in `package`'s models, that the SDK hands back
    unparsed (as it does a download stream): the caller reads `.content` itself."""
    from huaweicloudsdkcore.sdk_stream_response import SdkStreamResponse

    models = importlib.import_module(f"{package}.model")
    if not hasattr(models, RAW_RESPONSE):

        class RawResponse(SdkStreamResponse):
            @property
            def content(self) -> bytes:
                return bytes(self._stream.content)

        setattr(models, RAW_RESPONSE, RawResponse)
    return RAW_RESPONSE
