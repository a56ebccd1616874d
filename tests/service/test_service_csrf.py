"""A form refused by Django's CSRF check gets a 403 page in plain words
(rowbook/core/csrf.py): why, and what the person (or the admin) can do; it
never repeats what the request sent, and nothing changes. On 0.1.3 the page
was Django's "CSRF verification failed. Request aborted."."""

from __future__ import annotations

import pytest

from tests.service.rowbook_testkit import ADMIN_PASSWORD, assert_clean, new_client

HOSTILE_ORIGIN = "https://evil.example"


def strict_client(**kw):
    return new_client(enforce_csrf_checks=True, **kw)


def sign_in(client, **extra):
    return client.post("/login/", {"username": "alice", "password": ADMIN_PASSWORD}, **extra)


def assert_refused(answer, *says: str) -> str:
    html = answer.content.decode()
    assert answer.status_code == 403, html
    assert "This form was not sent" in html and "Nothing was changed." in html
    assert "CSRF verification failed" not in html
    for text in says:
        assert text in html, html
    assert_clean(html)
    return html


def test_no_cookie_says_to_allow_it(web):
    client = strict_client()
    html = assert_refused(sign_in(client), "did not send Rowbook&#x27;s cookie", "Allow cookies for this site")
    assert "ROWBOOK_TRUST_PROXY" not in html  # nothing for the admin to change
    assert "_auth_user_id" not in client.session  # not signed in


@pytest.mark.parametrize("token", ["", "x" * 64, "not-a-token", "\x1b[31m<script>"])
def test_a_missing_or_wrong_token_says_the_page_is_out_of_date(web, token):
    client = strict_client()
    client.get("/login/")  # the cookie, as a browser has it
    answer = client.post("/login/", {"username": "alice", "password": ADMIN_PASSWORD, "csrfmiddlewaretoken": token})
    html = assert_refused(answer, "The page with this form is out of date", "Reload the page")
    assert "<script>" not in html


def test_another_origin_names_the_settings_and_not_the_origin(web):
    client = strict_client()
    client.get("/login/", secure=True)
    token = client.cookies["csrftoken"].value
    answer = client.post("/login/", {"username": "alice", "password": ADMIN_PASSWORD, "csrfmiddlewaretoken": token},
                         secure=True, HTTP_ORIGIN=HOSTILE_ORIGIN + "/<b>x</b>")
    html = assert_refused(answer, "does not answer to", "ROWBOOK_EXTRA_HOSTS", "ROWBOOK_TRUST_PROXY=true")
    assert "evil.example" not in html and "<b>" not in html


def test_a_good_form_still_signs_in(web):
    client = strict_client()
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    answer = client.post("/login/", {"username": "alice", "password": ADMIN_PASSWORD, "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
