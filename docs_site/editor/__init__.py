"""The docs editor's checks: scripts/check-docs.sh."""
