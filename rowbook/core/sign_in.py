"""The limit on failed sign-ins, by django-axes: per user name and per client
address, ROWBOOK_SIGN_IN_ATTEMPTS failures within ROWBOOK_SIGN_IN_PAUSE_MINUTES
pause signing in for them (429, the sign-in page saying so), and each failure
and pause is one line in the log.

django-axes counts, stores and expires the failures (in Rowbook's database,
so every worker and replica sees the same count); this module holds the
three pieces it asks the project for: the client's address, how a client is
named in the log, and the page a paused client sees."""

from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.shortcuts import render

# Django's user names are at most 150 characters; a longer one is an attack.
LOGGED_NAME_MAX = 150


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with its user name's length checked: Django sets
    the field's max_length after the field was made, so no validator checks it,
    and a longer name would reach the database (a 500 where django-axes stores
    the failure)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class SignInLimit(AxesStandaloneBackend):
    """django-axes' check before the password is checked. Only a sign-in made
    over the web comes with a request, and only it has a client to count:
    Django's own calls without one (a shell, the test client's login()) go on
    to the password check as before, uncounted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request) -> str:
    """The address failed sign-ins are counted for. Behind the reverse proxy
    (ROWBOOK_TRUST_PROXY) every request comes from the proxy itself, so it is
    the last address in X-Forwarded-For: the one the proxy added. Entries
    before it are whatever the client sent, and never trusted."""
    peer = request.META.get("REMOTE_ADDR", "")
    if settings.ENV["ROWBOOK_TRUST_PROXY"]:
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:  # no header, or not an address: the proxy's own request
            pass
    return peer


def described(username, ip_address, user_agent, path_info, request) -> str:
    """How the log names a client: `user "NAME" from ADDRESS`. The log's
    formatter escapes control characters (rowbook/core/logsafe.py)."""
    name = str(username or "")
    if len(name) > LOGGED_NAME_MAX:
        name = name[:LOGGED_NAME_MAX] + "..."
    return f'user "{name}" from {ip_address}'


def paused(request, original_response=None, credentials=None):
    """The sign-in page again, saying that signing in is paused and for how long."""
    minutes = settings.ENV["ROWBOOK_SIGN_IN_PAUSE_MINUTES"]
    response = render(request, "registration/login.html",
                      {"paused_minutes": minutes, "next": request.POST.get("next", "")}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
