"""A request for a host name Rowbook does not answer to (not DOMAIN_NAME, not in
ROWBOOK_EXTRA_HOSTS): a plain 400 page saying which name it answers to and how
to allow more, and one warning line in the log.

Without this, Django raises DisallowedHost: a bare "Bad Request (400)" page and
a traceback in the log. This middleware comes first, so nothing before it
asks for the host.
"""

import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.template.loader import render_to_string

from rowbook.hostnames import quoted

log = logging.getLogger("rowbook.hosts")


def _printable(text: str) -> str:
    # The Host header comes from anyone: keep control characters out of logs and pages.
    return "".join(c if c.isprintable() else "?" for c in text)


class UnknownHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.get_host()
        except DisallowedHost:
            return refuse(request)
        return self.get_response(request)


def refuse(request) -> HttpResponse:
    sent = _printable(request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", ""))
    name, port = split_domain_port(sent)
    domain = settings.DOMAIN_NAME
    context = {
        "domain": domain,
        "sent": quoted(sent),
        "name": name,  # "" when the header is not a host name at all
        "url": f"{request.scheme}://{domain}{':' + port if port else ''}/",
    }
    log.warning("refused a request for host %s: it is neither DOMAIN_NAME (%s) nor in "
                "ROWBOOK_EXTRA_HOSTS. To serve it, add it to ROWBOOK_EXTRA_HOSTS.",
                context["sent"], domain)
    wants_html = "text/html" in request.META.get("HTTP_ACCEPT", "")
    template = "rowbook/unknown_host." + ("html" if wants_html else "txt")
    return HttpResponse(render_to_string(template, context), status=400,
                        content_type=("text/html" if wants_html else "text/plain") +
                        "; charset=utf-8")
