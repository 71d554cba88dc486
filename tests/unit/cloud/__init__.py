"""Unit tests of autotracker.cloud, one file per module (test_<module>.py)."""
