"""Unit tests of autotracker.organization, one file per module (test_<module>.py)."""
