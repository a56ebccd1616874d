"""Helpers for Rowbook's management commands: one-line messages, exit 2."""

import sys

from django.conf import settings

from rowbook import dbprobe


def fail(message: str, status: int = 2):
    # One write per line: print() writes the text and the newline apart, and
    # unbuffered (as in our images) another stream's line can land between them.
    sys.stderr.write(f"rowbook: error: {message}" + "\n")
    raise SystemExit(status)


def site_url() -> str:
    return f"http://{settings.DOMAIN_NAME}:{settings.ENV['ROWBOOK_PORT']}/"


def internal_hints() -> dbprobe.Hints:
    """What to check when the internal database refuses, for this install and its password file."""
    return dbprobe.internal_hints(settings.ROWBOOK_INSTALL_METHOD,
                                  settings.SECRET_FILE_ENDINGS.get("POSTGRES_PASSWORD", ""))
