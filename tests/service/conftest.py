"""Service test fixtures; they live in rowbook_testkit.py (a unique module name,
so test modules can import its helpers next to other test suites' conftest.py)."""

from rowbook_testkit import client, internal_db, pg, web  # noqa: F401  (pytest fixtures)
