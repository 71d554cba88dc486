"""IAM state (projects, agencies); wire handlers can be added beside it later."""
