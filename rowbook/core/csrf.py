"""The page a person sees when a form fails Django's CSRF check (403).

Django's own page says "CSRF verification failed. Request aborted.", which
tells a person signing in nothing they can act on. This one says, in plain
words, why their browser's form was refused and what to do: reload the page,
allow the cookie, or (for the admin) which setting names the address people
use. It never repeats what the request sent (the Origin or Referer are the
sender's text). Django logs the reason once, as before.
"""

from __future__ import annotations

from django.middleware import csrf as django_csrf
from django.shortcuts import render

COOKIE, OUT_OF_DATE, ADDRESS = "cookie", "out-of-date", "address"

# (what happened, what to do) per cause.
TEXTS = {
    COOKIE: ("Your browser did not send Rowbook's cookie with this form, so Rowbook cannot tell the form "
             "is yours.",
             "Allow cookies for this site in your browser, reload the page and send the form again."),
    OUT_OF_DATE: ("The page with this form is out of date: you signed in or out in another tab, or the page "
                  "was open for a long time.",
                  "Reload the page and send the form again."),
    ADDRESS: ("The form came from an address that Rowbook does not answer to as this page, or over plain "
              "http to a page served over https.",
              "Open Rowbook at the address your admin gave you, reload the page and send the form again."),
}
ADMIN = ("If you run this Rowbook: the address people type must be DOMAIN_NAME or one of ROWBOOK_EXTRA_HOSTS; "
         "behind a reverse proxy that serves https, set ROWBOOK_TRUST_PROXY=true and let the proxy send "
         "X-Forwarded-Proto.")


def cause_of(reason: str) -> str:
    if reason == django_csrf.REASON_NO_CSRF_COOKIE:
        return COOKIE
    if reason.startswith(("Origin checking failed", "Referer checking failed")):
        return ADDRESS
    return OUT_OF_DATE  # the token is missing, of the wrong length or not the cookie's


def failure(request, reason: str = ""):
    """settings.CSRF_FAILURE_VIEW."""
    cause = cause_of(reason)
    what, todo = TEXTS[cause]
    return render(request, "rowbook/csrf_failure.html",
                  {"what": what, "todo": todo, "admin": ADMIN if cause == ADDRESS else ""}, status=403)
