"""The function's version: in every result and log line, so a report says which code wrote it."""

__version__ = "0.10.0"
