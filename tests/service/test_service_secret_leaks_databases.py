"""Property (#38): no 4-character fragment of a stored connection's password
shows up on the Databases page or in Rowbook's log, whatever the password.

The configuration messages have the same property (test_service_secret_leaks.py);
this extends it to the paths a signed-in user reaches: adding and editing a
database whose password is wrong, whose host is not allowed, whose database
does not exist, on the real PostgreSQL cluster. Fragments Rowbook shows for any
password (the page's own wording) are collected first, with placeholder
passwords, as there.
"""

from __future__ import annotations

import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings

from tests.service.test_service_connections import form, version_of
from tests.service.test_service_secret_leaks import PLACEHOLDER, fragments, leaks, secrets_text

# Each example connects to the real cluster a few times: fewer than the config property's 200.
PAGE_SETTINGS = settings(max_examples=40, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


class Paths:
    """Every way a password typed on the Databases page comes back: the page and the log."""

    def __init__(self, client, pg, stored):
        self.client, self.pg, self.stored = client, pg, stored

    def pages(self, password: str):
        yield self.client.post("/databases/add/", form(self.pg, "Leak check", password=password))  # wrong password
        yield self.client.post("/databases/add/", form(self.pg, "Leak check", dbname="no_such_database",
                                                        password=password))
        yield self.client.post("/databases/add/", form(self.pg, "Leak check", host="203.0.113.10",
                                                        password=password))  # not an allowed server
        yield self.client.post("/databases/add/", form(self.pg, "Leak check", port="99999", password=password))
        yield self.client.post(f"/databases/{self.stored.pk}/edit/",
                               form(self.pg, self.stored.name, password=password, version=version_of(self.stored)))

    def run(self, password: str, caplog) -> list[str]:
        from rowbook.connections.models import Connection

        caplog.clear()
        shown = []
        for answer in self.pages(password):
            assert answer.status_code == 200, answer.status_code  # refused with a message: no 500, nothing saved
            shown.append(answer.content.decode())
        assert not Connection.objects.filter(name="Leak check").exists()
        shown.append("\n".join(record.getMessage() for record in caplog.records))
        return shown


@pytest.fixture
def paths(client, web):
    from tests.service.test_service_connections import add

    stored = add(client, web, "Stored for the leak check")
    yield Paths(client, web, stored)
    stored.delete()


@pytest.fixture
def vocabulary(paths, caplog):
    caplog.set_level(logging.DEBUG)
    words = set()
    for placeholder in [PLACEHOLDER * n for n in (1, 4, 8, 16, 40)] + [PLACEHOLDER + c + PLACEHOLDER * 3 for c in "@/?# %\n"]:
        for output in paths.run(placeholder, caplog):
            words |= fragments(output)
    return words


@PAGE_SETTINGS
@given(password=secrets_text)
def test_no_fragment_of_a_typed_password_on_the_databases_page_or_in_the_log(paths, vocabulary, caplog, password):
    caplog.set_level(logging.DEBUG)
    for output in paths.run(password, caplog):
        assert not leaks(password, output, vocabulary), output


class DebugPages:
    """Django's error page with ROWBOOK_DEBUG on, when Rowbook crashes while a
    password is in hand: typed in the Databases form, and the active stored
    database's while browsing. The crash is in dbprobe.connect, where the
    password sits in the frame's params."""

    def __init__(self, client, pg, stored):
        self.client, self.pg, self.stored = client, pg, stored

    def masked(self, html: str) -> str:
        """The page less what differs from one request to the next: the
        client's cookie values, object addresses, the server's clock."""
        for cookie in self.client.cookies.values():
            if cookie.value:
                html = html.replace(cookie.value, "<cookie>")
        html = re.sub(r" at 0x[0-9a-f]{6,}", " at <address>", html)
        html = re.sub(r"\b(c|pre|post|v)\d{9,}\b", r"\1<frame>", html)  # the page's ids of frames
        return re.sub(r"\d\d:\d\d:\d\d", "<time>", html)

    def run(self, password: str) -> list[str]:
        from django.test import override_settings

        self.stored.set_password(password)
        self.stored.save()
        with override_settings(DEBUG=True):
            pages = [self.client.post("/databases/add/", form(self.pg, "Leak check", password=password)),
                     self.client.get("/tables/")]
        shown = []
        for page in pages:
            html = page.content.decode()
            assert page.status_code == 500 and "a bug in Rowbook" in html and "Local vars" in html
            shown.append(self.masked(html))
        return shown


@pytest.fixture
def debug_pages(web, monkeypatch):
    from rowbook import dbprobe
    from tests.service.rowbook_testkit import ADMIN_PASSWORD, new_client
    from tests.service.test_service_connections import add

    c = new_client(raise_request_exception=False)
    assert c.login(username="alice", password=ADMIN_PASSWORD)
    stored = add(c, web, "Stored for the debug page")
    c.post(f"/databases/{stored.pk}/activate/")

    def crash(*args, **kwargs):
        raise RuntimeError("a bug in Rowbook")

    monkeypatch.setattr(dbprobe, "_root_certificate", crash)
    yield DebugPages(c, web, stored)
    stored.delete()


@pytest.fixture
def debug_vocabulary(debug_pages):
    words = set()
    for placeholder in [PLACEHOLDER * n for n in (1, 4, 8, 16, 40)] + [PLACEHOLDER + c + PLACEHOLDER * 3 for c in "@/?# %\n"]:
        for output in debug_pages.run(placeholder):
            words |= fragments(output)
    return words


# Each example renders two error pages of about 100 KB.
DEBUG_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_the_debug_page_changes_only_where_masked(debug_pages):
    # Else a fragment the vocabulary did not see could be the page's own, and the property flaky.
    assert debug_pages.run("same password") == debug_pages.run("same password")


@DEBUG_SETTINGS
@given(password=secrets_text)
def test_no_fragment_of_a_password_on_the_debug_error_page(debug_pages, debug_vocabulary, password):
    for output in debug_pages.run(password):
        assert not leaks(password, output, debug_vocabulary), output
