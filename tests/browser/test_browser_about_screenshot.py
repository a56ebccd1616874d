"""Screenshot of Rowbook's "About and updates" page for docs/upgrade.md, taken
from a real Rowbook on every run, so the page always shows the current UI.

Rowbook runs as a Docker Compose install (ROWBOOK_INSTALL_METHOD=compose) and
reads a release feed served by this test on 127.0.0.1. The feed is the one the
docs build writes (docs_site/hooks/releases_feed.py, from releases.toml), plus one
release newer than the running Rowbook, so the page offers an upgrade.
The test asserts what docs/upgrade.md says the page shows, then writes
docs/images/upgrade/about-and-updates.png."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

import rowbook
from docs_site.hooks.releases_feed import feed, load_releases
from rowbook import upgrade_steps
from tests.browser.rowbook_server import ADMIN, rowbook_server
from tests.browser.site_build import ROOT

from tests.service.rowbook_testkit import ADMIN_PASSWORD, FeedServer, pg  # noqa: F401  (fixture)

IMAGE = ROOT / "docs" / "images" / "upgrade" / "about-and-updates.png"
NEWER = "0.1.4"
# Shown in the picture in place of the test's feed server, whose port is random.
SHOWN_DOCS_SITE = "https://docs.rowbook.example/"


@pytest.fixture
def feed_server():
    newer = {"version": NEWER, "date": "2026-12-15",
             "summary": "Fixes and small improvements to the Databases page."}
    document = feed([newer, *load_releases()])
    assert document["latest"] == NEWER  # newest first, as the docs build writes it
    server = FeedServer(json.dumps(document, indent=2).encode())
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def rowbook_url(pg, feed_server):  # noqa: F811
    with rowbook_server(pg, pg.create_db("rowbook_about_screenshot"),
                        ROWBOOK_INSTALL_METHOD="compose", ROWBOOK_UPDATE_CHECK="true",
                        ROWBOOK_RELEASE_FEED_URL=feed_server.url) as url:
        yield url


SHOW_DOCS_SITE = """([real, shown]) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    walker.currentNode.nodeValue = walker.currentNode.nodeValue.replaceAll(real, shown);
  }
}"""


def test_about_and_updates_screenshot(browser, rowbook_url, feed_server):
    context = browser.new_context(viewport={"width": 1000, "height": 600}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(rowbook_url + "/login/")
    page.fill("#id_username", ADMIN)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="No database to browse yet")).to_be_visible()

    # "open About and updates in the top bar"
    page.get_by_role("link", name="About and updates").click()
    expect(page).to_have_url(rowbook_url + "/about/")
    expect(page.get_by_role("heading", name="About and updates")).to_be_visible()

    # The version you run and how Rowbook was installed.
    cards = page.locator("section.card")
    expect(cards.first).to_contain_text(f"Running version: Rowbook {rowbook.__version__}")
    expect(cards.first).to_contain_text("Installed with: Docker Compose")
    expect(cards.first).to_contain_text("ROWBOOK_INSTALL_METHOD=compose")

    # The newest release, from the feed.
    updates = page.locator("section.updates")
    expect(updates).to_contain_text(f"Newest release: Rowbook {NEWER}, 2026-12-15.")
    expect(updates.get_by_role("link", name="Release notes")).to_have_attribute(
        "href", feed_server.site + "releases/#release-" + NEWER.replace(".", "-"))
    expect(page.locator(".update-problem")).to_have_count(0)
    expect(page.locator(".update-available")).to_have_text(
        f"Rowbook {NEWER} is available. To upgrade this Docker Compose install:")

    # Its upgrade steps for a Compose install, backup first, as rowbook/upgrade_steps.py has them.
    steps = upgrade_steps.steps("compose", NEWER)
    items = page.locator("ol.steps > li")
    expect(items).to_have_count(len(steps))
    for item, step in zip(items.all(), steps):
        expect(item).to_contain_text(step.say)
        assert item.locator("pre").inner_text() == step.run
    expect(items.first.locator("pre")).to_contain_text(f"> rowbook-before-{NEWER}.dump")
    expect(items.nth(1).locator("pre")).to_contain_text(f"ROWBOOK_VERSION={NEWER}")
    expect(items.nth(2).locator("pre")).to_contain_text("docker compose pull")

    # The link to the matching section of the Upgrade page.
    link = page.locator("a.docs-link")
    expect(link).to_have_text(f"Upgrade a Docker Compose install to {NEWER}")
    expect(link).to_have_attribute("href",
                                   feed_server.site + "upgrade/#upgrade-a-docker-compose-install")
    expect(updates).to_contain_text(f"Releases are read from {feed_server.url}, at most once an hour.")
    assert feed_server.requests >= 1

    # The feed's address has a random port; the picture shows the docs site's.
    page.evaluate(SHOW_DOCS_SITE, [feed_server.site, SHOWN_DOCS_SITE])
    expect(updates).to_contain_text(f"Releases are read from {SHOWN_DOCS_SITE}releases.json")
    IMAGE.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMAGE, full_page=True)
    context.close()
