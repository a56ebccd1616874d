"""Schemas, tables and rows of the active user database."""

import logging
import math

import psycopg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from rowbook import dbprobe
from rowbook.browser import catalog
from rowbook.connections.active import get_active

log = logging.getLogger(__name__)


def _open(request):
    """(active, connection, problem) for the user's active database."""
    active = get_active(request)
    if active is None:
        return None, None, ""
    if active.params is None:
        return active, None, active.problem
    hints = dbprobe.for_install_method(dbprobe.FORM, settings.ROWBOOK_INSTALL_METHOD)
    try:
        conn = dbprobe.connect_user_database(active.params, dbprobe.internal_params(settings.ENV), hints,
                                             settings.ENV["ROWBOOK_DATABASE_HOSTS"])
    except dbprobe.Refused as refused:  # e.g. a socket host stored before 0.1.4
        log.warning("refused to open user database %r: %s", active.name, refused.sentence)
        return active, None, refused.sentence
    except psycopg.Error as exc:
        problem = dbprobe.describe(exc, active.params, hints)
        log.warning("cannot open user database %r: %s", active.name, problem)
        return active, None, problem
    return active, conn, ""


@login_required
def tables(request):
    active, conn, problem = _open(request)
    context = {"active": active, "problem": problem, "schemas": []}
    if conn is not None:
        with conn:
            try:
                found = catalog.list_tables(conn)
            except psycopg.Error as exc:
                why = dbprobe.primary_message(exc)
                context["problem"] = f"Cannot list the tables: {why}."
                log.warning("cannot list the tables of user database %r: %s", active.name, why)
                found = []
        schemas: dict[str, list] = {}
        for table in found:
            schemas.setdefault(table.schema, []).append(table)
        context["schemas"] = sorted(schemas.items())
    return render(request, "rowbook/tables.html", context)


# Rowbook pages through the first COUNT_LIMIT rows: a page number in the URL
# is bounded, so no OFFSET runs past what was counted.
MAX_PAGE = catalog.COUNT_LIMIT // catalog.PAGE_SIZE


def _page_number(text: str) -> int:
    try:
        return min(max(1, int(text)), MAX_PAGE)
    except ValueError:
        return 1


@login_required
def rows(request, schema, table):
    active, conn, problem = _open(request)
    context = {"active": active, "problem": problem, "schema": schema, "table": table}
    if conn is not None:
        with conn:
            if not catalog.table_exists(conn, schema, table):
                raise Http404("No such table")
            catalog.shown_as_text(conn)
            try:
                count = catalog.count_rows(conn, schema, table)
                pages = max(1, math.ceil(count.rows / catalog.PAGE_SIZE)) if count.rows is not None else MAX_PAGE
                page = min(_page_number(request.GET.get("page", "")), pages)
                columns, data, characters = catalog.fetch_page(conn, schema, table, page)
            except psycopg.Error as exc:
                # e.g. no SELECT privilege, a view that fails or takes too long: say so, as PostgreSQL does.
                why = dbprobe.primary_message(exc)
                context["problem"] = f"Cannot read {schema}.{table}: {why}."
                log.warning("cannot read %s.%s in user database %r: %s", schema, table, active.name, why)
                return render(request, "rowbook/rows.html", context)
        context.update(
            columns=columns, data=data, page=page, count=count, count_limit=f"{catalog.COUNT_LIMIT:,}",
            first_row=(page - 1) * catalog.PAGE_SIZE + 1 if data else 0,
            last_row=(page - 1) * catalog.PAGE_SIZE + len(data),
            # Not counted (too slow): a next page while this one is full.
            has_next=page < pages and (count.rows is not None or len(data) == catalog.PAGE_SIZE),
            last_page=pages if count.rows is not None else None,
            characters=characters,
            shortened=any(cell is not None and cell.shortened for row in data for cell in row),
        )
    return render(request, "rowbook/rows.html", context)
