"""Unit tests of autotracker.pipeline, one file per module (test_<module>.py)."""
