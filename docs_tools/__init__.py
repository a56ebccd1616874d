"""The docs editor's tools: the checks of scripts/check-docs.sh and the testers' checklists."""
