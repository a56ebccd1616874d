"""Mark session, CSRF and messages cookies Secure whenever the request came over https.

With ROWBOOK_TRUST_PROXY on, Django trusts X-Forwarded-Proto, so a request
through a TLS-terminating proxy counts as https. Setting SESSION_COOKIE_SECURE
globally would break plain-http installs; this does it per request instead.
It must come before the session, CSRF and messages middlewares in MIDDLEWARE,
so that it sees the cookies they set on the way out.
"""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage


class SecureCookiesOnHttpsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, CookieStorage.cookie_name):
                if name in response.cookies:
                    response.cookies[name]["secure"] = True
        return response


# Rowbook's pages load their one stylesheet and nothing else: no script, no
# inline style, no frame, no other host. A page an attacker manages to inject
# text into still cannot run or load anything.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django's own debug page (ROWBOOK_DEBUG, never on a public server) is all inline.
        if not (settings.DEBUG and response.status_code >= 500):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
