"""The gateway: every cloud call the function makes, one class per service (cts.py, obs.py, ...)
over the shared clients (clients.py).

Everything that touches `huaweicloudsdk*` lives in cloud/, so the rest of the code deals in
plain dicts and `CloudError`. A new service is a row in services.py, its module here, and its
class below.
"""

from __future__ import annotations

from .credentials import Credentials
from .cts import Cts
from .functiongraph import FunctionGraph
from .iam import Iam
from .obs import Obs
from .organizations import Organizations
from .rms import Rms
from .smn import Smn
from .sts import Sts


class Gateway(Cts, Obs, Iam, Sts, Organizations, FunctionGraph, Rms, Smn):
    def acting_as(self, credentials: Credentials) -> "Gateway":
        """The same deadline, retries and endpoints with other credentials (a member account's); the
        invocation's other secrets (FANOUT_KEY) are still scrubbed from what those calls answer."""
        for secret in self._credentials.kept:
            credentials = credentials.keeping_secret(secret)
        return Gateway(credentials, self._settings, self._deadline, self._policy, self._reserve)
