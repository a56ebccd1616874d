"""A request for a host name other than DOMAIN_NAME: a plain 400 page that names
the configured name and how to allow more, one warning line in the log, no
traceback. Real gunicorn via `rowbook serve`."""

import urllib.error
import urllib.request

from tests.service.test_service_serve import Server

from tests.service.rowbook_testkit import assert_clean, base_env

TEXT = (
    '400 Bad Request: this Rowbook answers to rowbook.example.com, not to "10.0.0.5:{port}".\n'
    "\n"
    "Open http://rowbook.example.com:{port}/ instead. If Rowbook should answer to 10.0.0.5 "
    "too, add it to ROWBOOK_EXTRA_HOSTS (names separated by commas, for example "
    "ROWBOOK_EXTRA_HOSTS=10.0.0.5) and restart Rowbook.\n")
LOG = ('WARNING rowbook.hosts: refused a request for host "10.0.0.5:{port}": it is neither '
       "DOMAIN_NAME (rowbook.example.com) nor in ROWBOOK_EXTRA_HOSTS. To serve it, add it to "
       "ROWBOOK_EXTRA_HOSTS.\n")


def get(port, path, host, **headers):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Host": host, **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def test_unknown_host_gets_a_page_that_says_why(pg, internal_db):
    server = Server(base_env(pg, internal_db))
    host = f"10.0.0.5:{server.port}"
    try:
        status, kind, body = get(server.port, "/login/", host)
        assert (status, kind) == (400, "text/plain; charset=utf-8")
        assert body == TEXT.format(port=server.port)

        status, kind, html = get(server.port, "/login/", host, Accept="text/html,*/*")
        assert (status, kind) == (400, "text/html; charset=utf-8")
        assert "<p>This Rowbook answers to rowbook.example.com, not to &quot;10.0.0.5:" in html
        assert "<code>ROWBOOK_EXTRA_HOSTS=10.0.0.5</code>" in html

        # Not a host name at all: the page does not suggest allowing it.
        status, _, body = get(server.port, "/", "bad_host!")
        assert status == 400
        assert body.startswith('400 Bad Request: this Rowbook answers to rowbook.example.com, '
                               'not to "bad_host!".')
        assert "ROWBOOK_EXTRA_HOSTS" not in body

        assert get(server.port, "/login/", "rowbook.example.com")[0] == 200
    finally:
        log = server.stop()
    assert LOG.format(port=server.port) in log
    assert "DisallowedHost" not in log and "Invalid HTTP_HOST" not in log
    assert_clean(log)


def test_extra_host_is_served(pg, internal_db):
    server = Server(base_env(pg, internal_db, ROWBOOK_EXTRA_HOSTS="10.0.0.5, rowbook.internal"))
    try:
        for host in ("10.0.0.5", f"10.0.0.5:{server.port}", "rowbook.internal",
                     "rowbook.example.com"):
            status, _, body = get(server.port, "/login/", host)
            assert status == 200 and "Sign in to Rowbook" in body, host
        assert get(server.port, "/login/", "10.0.0.6")[0] == 400
    finally:
        log = server.stop()
    assert_clean(log)


def test_bad_extra_host_is_refused_at_start():
    from rowbook import config

    _, problem = config._convert(config.BY_NAME["ROWBOOK_EXTRA_HOSTS"],
                                 "10.0.0.5,https://rowbook.internal")
    assert problem == ('ROWBOOK_EXTRA_HOSTS must be a host name without a scheme (got '
                       '"https://rowbook.internal"). Example: '
                       "ROWBOOK_EXTRA_HOSTS=10.0.0.5,rowbook.internal")
    _, problem = config._convert(config.BY_NAME["ROWBOOK_EXTRA_HOSTS"], "bücher.example")
    assert problem == ('ROWBOOK_EXTRA_HOSTS must be plain ASCII (got "bücher.example"); its '
                       "punycode form works: xn--bcher-kva.example")
