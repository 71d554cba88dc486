"""The cloud layer: the gateway to each service, its clients, errors, retries and credentials."""
