"""Unit tests of autotracker.jobs, one file per module (test_<module>.py)."""
