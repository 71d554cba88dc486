"""The outputs of an invocation besides its result: the SMN message, the report objects, the log."""
