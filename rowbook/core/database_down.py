"""When Rowbook's own database is down, read-only or full: a page that says so.

Every page needs the internal database (sessions, users, stored connections).
When it fails, Django's answer was a bare "Server Error (500)" and a traceback
in the log per request. Instead:

- the error view (urls.handler500, called while the exception is handled)
  answers 503 with a page naming the cause in plain words and what the admin
  can do; other errors keep the plain 500;
- the log gets one line when the database goes away (or its cause changes)
  and one when it is back, per worker process, not a traceback per request
  (DatabaseDownTracebacks drops django.request's copy).

Nothing is lost either way: Django opens a new connection on the next
request, so Rowbook recovers by itself once PostgreSQL answers again.
"""

from __future__ import annotations

import logging
import sys
import time

import psycopg
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

log = logging.getLogger("rowbook.database")

UNREACHABLE, READ_ONLY, FULL = "unreachable", "read-only", "full"
# (title, what happened, what the admin can do) per cause; no request is needed to show them.
PAGES = {
    UNREACHABLE: ("Rowbook cannot reach its database",
                  "PostgreSQL, where Rowbook keeps its users, sign-ins and stored databases, does "
                  "not answer.",
                  "Start PostgreSQL again, or check the POSTGRES_* settings; `rowbook check` says "
                  "what is wrong."),
    READ_ONLY: ("Rowbook's database is read-only",
                "PostgreSQL accepts no changes right now (a read-only server or replica, or "
                "default_transaction_read_only), so no one can sign in.",
                "Point POSTGRES_HOST at the primary server, or make the database writable again."),
    FULL: ("The disk of Rowbook's database is full",
           "PostgreSQL cannot write: the disk that holds its data has no space left.",
           "Free some space on that disk (old backups, logs), or give it more; PostgreSQL goes on "
           "by itself."),
}
RETRY_AFTER = "30"

_down: dict[str, object] = {}  # this process: the cause and since when, while down


def cause_of(error: BaseException | None) -> str | None:
    """UNREACHABLE, READ_ONLY or FULL when `error` is the internal database
    failing; None for any other error. Django wraps every error of its own
    database (django.db.DatabaseError); a user database's errors are psycopg's
    own, and are not this page's business."""
    if not isinstance(error, DatabaseError):
        return None
    driver = error.__cause__
    if isinstance(driver, psycopg.errors.ReadOnlySqlTransaction):
        return READ_ONLY
    if isinstance(driver, psycopg.errors.DiskFull) or "no space left on device" in str(error).lower():
        return FULL
    if isinstance(driver, (psycopg.OperationalError, psycopg.InterfaceError)) \
            and not isinstance(driver, psycopg.errors.QueryCanceled):
        return UNREACHABLE
    return None


# A write PostgreSQL must really make, then undo. A temporary table with a row
# needs a new file and a page in it, so a full disk fails it ("could not extend
# file": disk_full), and so does a read-only server. An UPDATE of one row
# would not do: it fits in the page the row is in, and it succeeded on a full
# disk while every sign-in failed (measured; CONTRIBUTING.md, "The machine").
WRITE_PROBE = "CREATE TEMP TABLE rowbook_write_probe ON COMMIT DROP AS SELECT 1 AS ok"


def cannot_write(connection) -> str | None:
    """READ_ONLY or FULL when Rowbook's database takes no writes; None when it
    does, or when the role may not make temporary tables (then this cannot tell)."""
    from django.db import transaction

    try:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute(WRITE_PROBE)
            transaction.set_rollback(True, using=connection.alias)
    except DatabaseError as error:
        if isinstance(error.__cause__, psycopg.errors.InsufficientPrivilege):
            return None
        cause = cause_of(error)
        if cause in (READ_ONLY, FULL):
            return cause
        raise
    return None


def went_down(cause: str) -> None:
    if _down.get("cause") != cause:
        log.error("internal database %s: answering 503 until it is back (%s)", cause, PAGES[cause][0])
        _down.update(cause=cause, since=time.monotonic())


def came_back() -> None:
    if _down:
        log.warning("internal database is back after %.0f s (it was %s)",
                    time.monotonic() - _down["since"], _down["cause"])
        _down.clear()


def page(cause: str) -> HttpResponse:
    title, what, todo = PAGES[cause]
    html = render_to_string("rowbook/database_down.html", {"title": title, "what": what, "todo": todo})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = RETRY_AFTER
    return response


def server_error(request, *args, **kwargs):
    """urls.handler500: Django calls it while it handles the exception."""
    cause = cause_of(sys.exc_info()[1])
    if cause is None:
        return HttpResponseServerError("<h1>Server Error (500)</h1>", content_type="text/html")
    went_down(cause)
    return page(cause)


class DatabaseBackMiddleware:
    """Logs the one line that says the database is back: the first answer
    after an outage that is not an error, from a request that used the
    database. A page that needs none (the sign-in form, for someone signed
    out) proves nothing: it would log "back" and "unreachable" again per visit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        response = self.get_response(request)
        # Django closes the connection when the response is finished, after this.
        if _down and response.status_code < 500 and connection.connection is not None:
            came_back()
        return response


class DatabaseDownTracebacks(logging.Filter):
    """Drops django.request's traceback of a request that failed because the
    internal database is down: went_down() logged that once already."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and cause_of(record.exc_info[1]))
