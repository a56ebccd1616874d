"""Say what a database error in the middle of a command means, by its SQLSTATE.

A connection failure keeps dbprobe's sentences. Anything PostgreSQL refused
once connected (two migrates at once, a missing privilege, a full disk) is
reported as what it is: blaming the connection settings for it sends people
to check settings that are fine.
"""

from __future__ import annotations

import re

import psycopg

from rowbook import dbprobe

# Two migrates creating the same tables or rows: the loser of the race gets one of these.
RACE = {"23505", "40P01", "40001"}  # unique_violation, deadlock, serialization failure
# What migrate was about to create exists: a race, or another program's tables.
ALREADY_THERE = {"42P07", "42710", "42P06", "42701"}
INSUFFICIENT_PRIVILEGE = "42501"
# The server went away or is shutting down (admin_shutdown, crash_shutdown, ...).
CONNECTION_LOST_CLASSES = ("08", "57P")


def psycopg_error(exc: BaseException | None) -> psycopg.Error | None:
    """The psycopg error behind Django's wrappers (DatabaseError, MigrationSchemaMissing)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, psycopg.Error):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _identifier(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


def explain(exc: BaseException, params: dict, hints: dbprobe.Hints, command: str) -> str:
    """One sentence for a database error raised while `rowbook <command>` ran."""
    sentence = _explain(exc, params, hints, command)
    password = params.get("password")
    return sentence.replace(password, "***") if password else sentence


def _explain(exc, params, hints, command):
    error = psycopg_error(exc)
    code = getattr(error, "sqlstate", None)
    if error is None or code is None or code[:2] in ("28", "3D"):
        # No SQLSTATE: libpq failed to connect (or lost the connection).
        return dbprobe.describe(error or exc, params, hints)
    where = f"{params['host']}:{params['port']}"
    database, user = params["dbname"], params["user"]
    primary = dbprobe.primary_message(error)
    if code.startswith(CONNECTION_LOST_CLASSES):
        return (f"lost the connection to PostgreSQL at {where} during `rowbook {command}` "
                f"({primary}). Check that PostgreSQL is running, then run `rowbook {command}` "
                "again.")
    if command in ("migrate", "install") and code in RACE:
        return (f'another `rowbook migrate` changed database "{database}" at the same time '
                f"({primary}). Run `rowbook {command}` again.")
    if command in ("migrate", "install") and code in ALREADY_THERE:
        return (f'database "{database}" already has what `rowbook {command}` was about to '
                f"create ({primary}). If another `rowbook migrate` ran at the same time, run "
                f"`rowbook {command}` again; if not, POSTGRES_DB names a database that holds "
                "another program's tables: set POSTGRES_DB to a database of Rowbook's own.")
    if code == INSUFFICIENT_PRIVILEGE:
        return (f'POSTGRES_USER "{user}" may not change database "{database}" ({primary}). '
                "Make it the owner of the database: as a PostgreSQL superuser, run "
                f"ALTER DATABASE {_identifier(database)} OWNER TO {_identifier(user)};")
    return (f'PostgreSQL refused a statement of `rowbook {command}` on database "{database}": '
            f"{primary} (SQLSTATE {code}). This is not a connection problem: fix what "
            f"PostgreSQL names, then run `rowbook {command}` again.")
