"""Unit tests of autotracker, one file per module (test_<module>.py)."""
