"""Failed sign-ins are limited per user name and per client address
(rowbook/core/sign_in.py, django-axes), on a real `rowbook serve`: the limit
and the pause come from their settings, each failure and each pause is one
line in the log, the paused page says what happened, and a hostile user name,
user agent or X-Forwarded-For header gets the same treatment, never a 500.
On 0.1.3 every test here fails: it has no limit (the 200th guess was still
checked, the right password still accepted after 199 failures)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import psycopg
import pytest

from tests.service.rowbook_testkit import (
    ADMIN_PASSWORD, INTERNAL_PASSWORD, INTERNAL_USER, assert_clean, base_env, run_rowbook)
from tests.service.test_service_serve import Server

ATTEMPTS, PAUSE_MINUTES = 3, 2
PAUSED = "Too many failed sign-ins for this user name or from this address."
WRONG = "Your user name and password didn't match."


class Browser:
    """One browser: its own cookies, a user agent and, behind the proxy, the
    X-Forwarded-For header the proxy sends for it."""

    def __init__(self, port: int, address: str = "127.0.0.1", **headers):
        self.url = f"http://{address}:{port}"
        self.headers = {"Host": "rowbook.example.com", **headers}
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body, headers=self.headers)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def submit(self, path: str, fields: dict) -> tuple[int, str, dict]:
        """Sends the form of the page at `path`, with its CSRF token, as the page does."""
        _, form, _ = self.open(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        return self.open(path, {"csrfmiddlewaretoken": token, **fields})

    def sign_in(self, username: str, password: str) -> tuple[int, str, dict]:
        return self.submit("/login/", {"username": username, "password": password, "next": "/databases/"})


def signed_in(answer) -> bool:
    status, page, _ = answer
    return status == 200 and "Sign out" in page


def paused(answer) -> bool:
    status, page, headers = answer
    return status == 429 and PAUSED in page and headers.get("Retry-After") == str(PAUSE_MINUTES * 60)


@pytest.fixture
def served(pg, internal_db):
    """`rowbook serve` with the limit at ATTEMPTS and the pause at PAUSE_MINUTES,
    an admin "boss" and a user "carol"; trust_proxy(True) serves behind a proxy."""
    servers = []

    def serve(trust_proxy: bool) -> Server:
        env = base_env(pg, internal_db, ROWBOOK_SIGN_IN_ATTEMPTS=str(ATTEMPTS),
                       ROWBOOK_SIGN_IN_PAUSE_MINUTES=str(PAUSE_MINUTES),
                       ROWBOOK_TRUST_PROXY="true" if trust_proxy else "false",
                       ROWBOOK_ADMIN_PASSWORD=ADMIN_PASSWORD)
        for command, user in (("install", "boss"), ("createadmin", "carol")):
            made = run_rowbook([command, "--no-input", "--username", user, "--email", f"{user}@example.com"], env)
            assert made.returncode == 0, made.stdout + made.stderr
        servers.append(Server(env))
        return servers[-1]

    yield serve
    for server in servers:
        if server.proc.poll() is None:
            server.stop()


def failures_stored(pg, internal_db) -> list[tuple]:
    with psycopg.connect(host=pg.host, port=pg.port, dbname=internal_db, user=INTERNAL_USER,
                         password=INTERNAL_PASSWORD) as conn:
        return conn.execute("SELECT username, ip_address, failures_since_start, post_data, user_agent "
                            "FROM axes_accessattempt").fetchall()


def test_failures_for_one_user_name_pause_it_from_every_address(served, pg, internal_db):
    server = served(trust_proxy=True)
    for n in range(1, ATTEMPTS):
        answer = Browser(server.port, **{"X-Forwarded-For": f"203.0.113.{n}"}).sign_in("boss", f"guess-{n}")
        assert answer[0] == 200 and WRONG in answer[1], answer[1][:400]
    assert paused(Browser(server.port, **{"X-Forwarded-For": "203.0.113.50"}).sign_in("boss", "guess-last"))
    # Paused: the right password, from an address with no failures, is not even checked.
    assert paused(Browser(server.port, **{"X-Forwarded-For": "203.0.113.60"}).sign_in("boss", ADMIN_PASSWORD))
    # Other user names are not paused, from any address.
    assert signed_in(Browser(server.port, **{"X-Forwarded-For": "203.0.113.50"}).sign_in("carol", ADMIN_PASSWORD))

    # After the pause, the right password works again: the failures are
    # PAUSE_MINUTES old (set back in the database rather than waited for).
    with psycopg.connect(host=pg.host, port=pg.port, dbname=internal_db, user=INTERNAL_USER,
                         password=INTERNAL_PASSWORD) as conn:
        conn.execute("UPDATE axes_accessattempt SET attempt_time = attempt_time - %s * interval '1 minute'",
                     (PAUSE_MINUTES + 1,))
    assert signed_in(Browser(server.port, **{"X-Forwarded-For": "203.0.113.60"}).sign_in("boss", ADMIN_PASSWORD))

    log = server.stop()
    # One line per failure and one for the pause, naming the user and the address.
    assert log.count('login failure by user "boss" from 203.0.113.') == ATTEMPTS, log
    assert 'Locking out user "boss" from 203.0.113.50' in log, log
    assert_clean(log)


def test_failures_from_one_address_pause_it_for_every_user_name(served):
    server = served(trust_proxy=True)
    # Behind the proxy, the address is the last one of X-Forwarded-For, the
    # proxy's own: whatever a client puts before it does not count.
    for n in range(ATTEMPTS - 1):
        answer = Browser(server.port, **{"X-Forwarded-For": f"10.9.9.{n}, 198.51.100.7"}).sign_in(f"user{n}", "x")
        assert answer[0] == 200 and WRONG in answer[1]
    assert paused(Browser(server.port, **{"X-Forwarded-For": "198.51.100.7"}).sign_in("nobody", "x"))
    assert paused(Browser(server.port, **{"X-Forwarded-For": "1.2.3.4, 198.51.100.7"}).sign_in("carol", ADMIN_PASSWORD))
    # Another address, even one the paused client claimed, signs in.
    assert signed_in(Browser(server.port, **{"X-Forwarded-For": "198.51.100.8"}).sign_in("carol", ADMIN_PASSWORD))
    assert signed_in(Browser(server.port, **{"X-Forwarded-For": "10.9.9.0"}).sign_in("boss", ADMIN_PASSWORD))


def test_without_the_proxy_a_client_cannot_pick_its_address(served):
    server = served(trust_proxy=False)
    for n in range(ATTEMPTS):
        Browser(server.port, **{"X-Forwarded-For": f"192.0.2.{n}"}).sign_in(f"user{n}", "x")
    # Every one came from 127.0.0.1, whatever the header said.
    assert paused(Browser(server.port, **{"X-Forwarded-For": "192.0.2.200"}).sign_in("carol", ADMIN_PASSWORD))


@pytest.mark.parametrize("headers, username", [
    ({"User-Agent": "A" * 8000}, "boss"),  # gunicorn refuses longer header lines with a 400
    ({"X-Forwarded-For": "not-an-address"}, "boss"),
    ({"X-Forwarded-For": "999.1.1.1, ::1%eth0, " + "9" * 5000}, "boss"),
    ({}, "boss\n2026-12-06 10:00:00 WARNING axes: Successful login by user \"boss\"\x1b[2J"),
    ({}, "x" * 10_000),
    ({}, "nul\x00byte"),
    ({}, "\u202egnp.exe"),
], ids=["long-user-agent", "not-an-address", "bad-addresses", "forged-log-line", "long-name", "nul", "bidi"])
def test_hostile_sign_ins_are_counted_and_logged_safely(served, pg, internal_db, headers, username):
    server = served(trust_proxy=True)
    answers = [Browser(server.port, **headers).sign_in(username, f"{ADMIN_PASSWORD}-wrong") for _ in range(ATTEMPTS)]
    for status, page, _ in answers:
        assert status in (200, 429), page[:400]
        assert "Traceback" not in page and "Server Error" not in page
    log = server.stop()
    assert "Traceback" not in log and "\x1b" not in log and "\u202e" not in log, log[-3000:]
    # Each log record is one line: the forged line stays inside its own.
    assert not re.search(r"^2026-12-06 10:00:00", log, re.MULTILINE), log
    assert_clean(log)
    for row in failures_stored(pg, internal_db):
        assert ADMIN_PASSWORD not in repr(row)  # the password is never stored, not even a wrong one
