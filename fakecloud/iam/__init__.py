"""IAM: projects and agencies (state) and KeystoneListProjects (wire)."""
