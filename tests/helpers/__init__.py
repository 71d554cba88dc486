"""Shared test helpers (not tests): importable as `helpers.<module>`."""
