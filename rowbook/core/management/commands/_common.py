"""Helpers for Rowbook's management commands: one-line messages, exit 2."""

import sys

from django.conf import settings


def fail(message: str, status: int = 2):
    print(f"rowbook: error: {message}", file=sys.stderr)
    raise SystemExit(status)


def site_url() -> str:
    return f"http://{settings.DOMAIN_NAME}:{settings.ENV['ROWBOOK_PORT']}/"
