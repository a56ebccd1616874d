"""The `rowbook` command: validates the environment, then runs a Django
management command (ours in rowbook/core/management/commands, or Django's).

Config mistakes print `rowbook: error: ...` lines and exit with status 2;
see rowbook/config.py for the exact formats.
"""

from __future__ import annotations

import os
import sys

import psycopg

from rowbook import __version__, config, dberrors, dbprobe

USAGE = f"""\
usage: rowbook COMMAND [options]

Rowbook {__version__}: a read-only, spreadsheet-like web view over PostgreSQL.

commands:
  install       set up the internal database and the first admin (interactive;
                --no-input --username NAME --email EMAIL [--password-file PATH],
                or the password in ROWBOOK_ADMIN_PASSWORD)
  serve         run the web server on ROWBOOK_HOST:ROWBOOK_PORT (gunicorn)
  migrate       apply database migrations
  createadmin   create an admin user (same options as install)
  check         check the configuration, both databases and Django's system checks
  rotate-secrets
                re-encrypt the stored database passwords with the current SECRET_KEY
                (after a key change, with the old key in SECRET_KEY_FALLBACKS)
  version       print the version

Any other Django management command (shell, dbshell, ...) is passed through.
Configuration comes from environment variables; see `rowbook check`.
"""

# Commands that need the internal database: probe it first for a clear message.
NEEDS_DATABASE = {"install", "migrate", "createadmin", "createsuperuser", "shell", "dbshell",
                  "changepassword", "rotate_secrets"}
# Django names commands after their modules, which cannot hold a hyphen.
ALIASES = {"rotate-secrets": "rotate_secrets"}


def error(message: str) -> None:
    # One write per line: print() writes the text and the newline apart, and
    # unbuffered (as in our images) another stream's line can land between them.
    sys.stderr.write(f"rowbook: error: {message}" + "\n")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0
    if argv[0] in ("version", "--version"):
        print(f"rowbook {__version__}")
        return 0

    argv[0] = ALIASES.get(argv[0], argv[0])
    result = config.load()
    if result.problems:
        for problem in result.problems:
            error(problem)
        return 2
    for warning in result.warnings:
        sys.stderr.write(f"rowbook: warning: {warning}" + "\n")

    internal = dbprobe.internal_params(result.values)
    hints = dbprobe.internal_hints(result.values["ROWBOOK_INSTALL_METHOD"],
                                   result.file_endings.get("POSTGRES_PASSWORD", ""))
    if argv[0] in NEEDS_DATABASE:
        problem = dbprobe.probe(internal, hints)
        if problem:
            error(problem)
            return 2

    os.environ["DJANGO_SETTINGS_MODULE"] = "rowbook.settings"
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["rowbook", *argv])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except (DatabaseError, psycopg.Error) as exc:
        # One line, no traceback, saying what PostgreSQL refused (see dberrors.py).
        error(dberrors.explain(exc, internal, hints, argv[0]))
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
