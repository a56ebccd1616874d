"""The testers' checklists, generated from the guides."""
