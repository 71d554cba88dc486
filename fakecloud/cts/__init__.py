"""Cloud Trace Service v3: trackers and quotas."""
