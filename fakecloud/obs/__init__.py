"""OBS state (buckets); wire handlers can be added beside it later."""
