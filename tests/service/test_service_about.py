"""The About and updates page, against a release feed served by the test on 127.0.0.1."""

from __future__ import annotations

import json
import time
from urllib.parse import urljoin

import pytest
from django.utils.html import escape

import rowbook
from tests.service.rowbook_testkit import FeedServer, free_port, new_client, signed_in

NEWER = "0.2.0"
METHODS = ("image", "compose", "all-in-one", "without-docker", "deb", "helm")
# Each method's upgrade section, as the feed links to it.
LINKS = {"image": "upgrade/#upgrade-a-service-image-install",
         "compose": "upgrade/#upgrade-a-docker-compose-install",
         "all-in-one": "upgrade/#upgrade-an-all-in-one-install",
         "without-docker": "upgrade/#upgrade-an-install-without-docker",
         "deb": "install/debian-package/#upgrade-to-a-new-release",
         "helm": "install/kubernetes/#upgrade-rowbook"}
# The one line the page shows when the feed cannot be used.
PROBLEM = "Could not check for updates: the release feed at "


def feed_json(*versions: str) -> bytes:
    return json.dumps({"format": 1, "latest": versions[0], "releases": [
        {"version": v, "date": "2026-12-01", "summary": f"Summary of {v}.",
         "notes_url": f"releases/#release-{v.replace('.', '-')}",
         "upgrade": {m: LINKS[m] for m in METHODS}}
        for v in versions]}).encode()


@pytest.fixture
def feed(web):
    from django.core.cache import cache
    from django.test import override_settings

    server = FeedServer(feed_json(NEWER, rowbook.__version__), path="/docs/releases.json")
    cache.clear()  # each test starts with no remembered check
    with override_settings(ROWBOOK_RELEASE_FEED_URL=server.url, ROWBOOK_UPDATE_CHECK=True,
                           ROWBOOK_INSTALL_METHOD="without-docker"):
        yield server
    server.close()


@pytest.fixture
def admin(web):
    return signed_in("root", superuser=True)


def about(client) -> str:
    page = client.get("/about/")
    assert page.status_code == 200
    return page.content.decode()


def assert_rest_of_ui_works(client):
    for url in ("/tables/", "/databases/", "/healthz"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("method", METHODS)
def test_newer_release_shows_the_steps_for_the_install_method(admin, feed, method):
    from django.test import override_settings

    from rowbook import upgrade_steps

    with override_settings(ROWBOOK_INSTALL_METHOD=method):
        html = about(admin)
    assert f"Rowbook {rowbook.__version__}" in html
    assert f"ROWBOOK_INSTALL_METHOD={method}" in html
    assert f"Rowbook {NEWER} is available." in html
    assert "Rowbook is up to date" not in html
    assert "Back up Rowbook&#x27;s internal database" in html and "pg_dump" in html
    for step in upgrade_steps.steps(method, NEWER):
        assert escape(step.say) in html and escape(step.run) in html
    expected = {
        "image": ["docker pull rowbook/rowbook:0.2.0", "docker run -d --name rowbook"],
        "compose": ["cp .env .env.before-0.2.0", "v0.2.0/docker/compose.yml", "ROWBOOK_VERSION=0.2.0",
                    "docker compose pull", "docker compose up -d --wait"],
        "all-in-one": ["docker pull rowbook/all-in-one:0.2.0", "-v rowbook-data:/data"],
        "without-docker": ["sudo -u postgres pg_dump", "rowbook.env.before-0.2.0", "pip install rowbook==0.2.0",
                           "rowbook migrate", "systemctl restart rowbook"],
        "deb": ["sudo -u postgres pg_dump", "sudo cp -p /etc/rowbook/rowbook.env rowbook.env.before-0.2.0",
                "sudo apt-get update", "sudo apt-get upgrade -y"],
        "helm": ["--file=rowbook-before-0.2.0.dump", "NEW_VERSION=0.2.0", "helm repo update rowbook",
                 "helm upgrade rowbook rowbook/rowbook"],
    }[method]
    for command in expected:
        assert command in html, command
    docs = urljoin(feed.url, LINKS[method])
    assert f'href="{docs}"' in html
    assert f'href="{urljoin(feed.url, "releases/#release-0-2-0")}"' in html


def test_same_version_is_up_to_date(admin, feed):
    feed.body = feed_json(rowbook.__version__, "0.1.1")
    html = about(admin)
    assert "Rowbook is up to date." in html
    assert f"Newest release: <strong>Rowbook {rowbook.__version__}</strong>" in html
    assert "is available" not in html and "pg_dump" not in html


def test_unreachable_feed_says_so_in_one_line(admin, feed):
    from django.test import override_settings

    url = f"http://127.0.0.1:{free_port()}/releases.json"  # nothing listens there
    with override_settings(ROWBOOK_RELEASE_FEED_URL=url):
        html = about(admin)
    assert f"{PROBLEM}{url} cannot be reached (connection refused).</p>" in html
    assert f"Rowbook {rowbook.__version__}" in html
    assert_rest_of_ui_works(admin)


def test_slow_feed_gives_up_after_two_seconds(admin, feed):
    feed.delay = 4
    started = time.monotonic()
    html = about(admin)
    elapsed = time.monotonic() - started
    assert elapsed < 3.5, f"the About page took {elapsed:.1f} s"
    assert f"{PROBLEM}{feed.url} did not answer within 2 seconds.</p>" in html
    assert f"Rowbook {rowbook.__version__}" in html
    assert_rest_of_ui_works(admin)


@pytest.mark.parametrize("body, reason", [
    (b"<html>not json</html>", "is not valid JSON."),
    (b'{"releases": []}', 'is not in the expected format: there is no list of '
                          '&quot;releases&quot;.'),
    (json.dumps({"releases": [{"version": "next", "date": "x", "summary": "x"}]}).encode(),
     "is not in the expected format: a version is not like 1.2.3"),
    (json.dumps({"releases": [{"version": "9.9.9", "date": "d", "summary": "s",
                               "notes_url": "javascript:alert(1)", "upgrade": {}}]}).encode(),
     "is not in the expected format: the notes link of &quot;9.9.9&quot; is not an http(s) link."),
], ids=["not JSON", "no releases", "bad version", "javascript link"])
def test_malformed_feed_says_so_in_one_line(admin, feed, body, reason):
    feed.body = body
    html = about(admin)
    assert f"{PROBLEM}{feed.url} {reason}" in html
    assert html.count(PROBLEM) == 1
    assert "javascript:" not in html
    assert f"Rowbook {rowbook.__version__}" in html
    assert_rest_of_ui_works(admin)


def test_update_check_off_sends_no_request(admin, feed):
    from django.test import override_settings

    with override_settings(ROWBOOK_UPDATE_CHECK=False):
        html = about(admin)
    assert "Update checks are off (ROWBOOK_UPDATE_CHECK=false)" in html
    assert NEWER not in html
    assert feed.requests == 0


def test_two_page_views_make_one_request(admin, feed):
    assert f"Rowbook {NEWER} is available." in about(admin)
    assert f"Rowbook {NEWER} is available." in about(admin)
    assert feed.requests == 1


def test_a_failed_check_is_remembered_too(admin, feed):
    feed.body = b"not json"
    assert PROBLEM in about(admin)
    assert PROBLEM in about(admin)
    assert feed.requests == 1


def test_other_pages_never_contact_the_feed(admin, feed):
    assert_rest_of_ui_works(admin)
    assert new_client().get("/login/").status_code == 200
    assert feed.requests == 0


def test_non_admin_gets_no_page_and_no_link(client, feed):
    assert client.get("/about/").status_code == 404
    assert "/about/" not in client.get("/tables/").content.decode()
    assert feed.requests == 0


def test_signed_out_visitor_is_sent_to_sign_in(web, feed):
    page = new_client().get("/about/")
    assert page.status_code == 302 and page.url.startswith("/login/")
    assert feed.requests == 0


def test_admin_sees_the_link_in_the_nav(admin, feed):
    assert 'href="/about/">About and updates</a>' in admin.get("/tables/").content.decode()
    assert feed.requests == 0
