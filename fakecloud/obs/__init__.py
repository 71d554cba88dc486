"""OBS: buckets (state), the OBS V2 signature and ListBuckets (wire)."""
