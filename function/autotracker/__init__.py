"""cts-autotracker: every OBS bucket and every project covered by a CTS tracker."""
