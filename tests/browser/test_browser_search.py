"""The site search works in the browser with no network: Material's search
runs client-side on search/search_index.json, so every hit comes from the build."""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import pytest


@pytest.fixture
def offline_page(browser, site_url):
    """A page whose every request to another host is refused."""
    context = browser.new_context()
    host = urlsplit(site_url).netloc
    context.route(lambda url: urlsplit(url).netloc != host, lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(site_url, wait_until="load")
    yield page
    context.close()


def search(page, query: str) -> list[str]:
    """Enter `query` in the site search; return the result pages (no ?h=, no #)."""
    box = page.locator("input[data-md-component='search-query']")
    meta = page.locator(".md-search-result__meta")
    box.click()
    # Material reads the box on a key's release (and again once its search
    # worker has loaded the index), so the query goes in at once and one key
    # makes it search: one search per query, not one per letter typed.
    # Cleared first, so the previous query's results are never read as these.
    box.fill("")
    box.press("End")
    meta.filter(has_text="Type to start").wait_for(timeout=30_000)  # a busy machine loads the index slowly
    box.fill(query)
    box.press("End")
    meta.filter(has_not_text="Type to start").wait_for(timeout=30_000)
    # Results are rendered while the worker answers: read them until they settle.
    hits, previous, steady = [], None, 0
    for _ in range(50):
        hits = page.eval_on_selector_all(".md-search-result__link", "as => as.map(a => a.href)")
        steady = steady + 1 if hits == previous and hits else 0
        if steady >= 2:
            break
        previous = hits
        page.wait_for_timeout(200)
    page.keyboard.press("Escape")
    return [urlunsplit(urlsplit(hit)._replace(query="", fragment="")) for hit in hits]


def test_search_finds_docker_compose(offline_page, site_url):
    hits = search(offline_page, "docker compose")
    assert site_url + "prerequisites/" in hits, hits
    assert site_url + "install/docker-compose/" in hits, hits


def test_search_finds_secret_key(offline_page, site_url):
    # The reference describes it, and comes first; the pages that change it follow.
    hits = search(offline_page, "SECRET_KEY")
    assert hits and hits[0] == site_url + "configuration/", hits
    assert site_url + "secret-key/" in hits, hits


def test_every_page_is_found_by_its_title(offline_page, site, site_url):
    """Titles come from the built search index, so the test follows the pages."""
    index = json.loads((site / "search" / "search_index.json").read_text())
    pages = {d["location"]: d["title"] for d in index["docs"] if "#" not in d["location"]}
    missing = []
    for location, title in pages.items():
        hits = search(offline_page, title)
        if site_url + location not in hits:
            missing.append(f"{title!r} -> /{location} not among {hits[:5]}")
    assert not missing, "\n".join(missing)
