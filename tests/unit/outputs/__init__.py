"""Unit tests of autotracker.outputs, one file per module (test_<module>.py)."""
