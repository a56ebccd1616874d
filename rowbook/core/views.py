"""Unauthenticated endpoints for monitoring."""

import logging

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

import rowbook
from rowbook.core import database_down

log = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """200 only when the internal database answers and takes writes; 503 otherwise,
    naming a database that is read-only or whose disk is full."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        cause = database_down.cannot_write(connection)
    except Exception as exc:  # any failure means "not healthy"
        log.warning("healthz: internal database unavailable: %s", exc.__class__.__name__)
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    if cause:
        database_down.went_down(cause)  # logged once per change, as for a page
        return HttpResponse(f"{cause}: {database_down.PAGES[cause][0]}\n", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def version(request):
    return JsonResponse({"version": rowbook.__version__})
