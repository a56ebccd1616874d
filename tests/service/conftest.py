"""Service test fixtures; they live in rowbook_testkit.py, which the browser
tests import too."""

from tests.service.rowbook_testkit import (client, internal_db, no_failed_connection_tests,  # noqa: F401
                                           pg, web)
