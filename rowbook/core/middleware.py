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
