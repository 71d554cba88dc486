"""Wire-level machinery shared by every fake service (signing, dispatch, faults, transports)."""
