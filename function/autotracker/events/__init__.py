"""Event models (one per source) and envelopes (delivery formats)."""
