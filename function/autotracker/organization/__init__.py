"""The organization: its accounts, the fan-out of member sweeps, one member account's sweep."""
