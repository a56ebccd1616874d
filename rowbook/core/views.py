"""Unauthenticated endpoints for monitoring."""

import logging

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

import rowbook

log = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """200 only when the internal database answers; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not healthy"
        log.warning("healthz: internal database unavailable: %s", exc.__class__.__name__)
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def version(request):
    return JsonResponse({"version": rowbook.__version__})
