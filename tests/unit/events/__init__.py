"""Unit tests of autotracker.events, one file per module (test_<module>.py)."""
