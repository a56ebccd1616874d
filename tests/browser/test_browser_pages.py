"""Every page of the built site, loaded in Chromium: no console error, every
image loaded, every internal link leads to a built page (and anchor)."""

from __future__ import annotations

import functools
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from tests.browser.site_build import built_pages, refuse_other_hosts

# No page asks another host for anything (fonts, scripts, the repository's
# stars): a reader's browser talks to the docs site only. The test blocks
# every other request (no network here) and names it.


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id" and value)


@functools.cache  # a page's table of contents links to its own anchors, dozens of times
def anchors_of(html_file) -> frozenset[str]:
    parser = _Ids()
    parser.feed(html_file.read_text())
    return frozenset(parser.ids)


def target_file(site, path: str):
    """The built file a URL path serves, as http.server would; None if missing."""
    target = site / unquote(path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def test_every_page_loads_with_no_request_to_another_host_no_console_error_and_no_broken_link(page, site, site_url):
    host = urlsplit(site_url).netloc
    unexpected_hosts = refuse_other_hosts(page, site_url)
    errors: list[str] = []

    def on_console(message):
        # A blocked external request logs an error; only errors of our own pages count.
        if message.type == "error" and urlsplit(message.location.get("url", "")).netloc in (host, ""):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    pages = built_pages(site)
    assert "prerequisites/" in pages and "switching-databases/" in pages
    broken: list[str] = []
    for path in pages:
        page.goto(site_url + path, wait_until="load")
        for src in page.eval_on_selector_all(
                "img", "imgs => imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"):
            broken.append(f"/{path}: image did not load: {src}")
        for href in set(page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")):
            url = urlsplit(href)
            if url.scheme not in ("http", "https") or url.netloc != host:
                continue  # external links need the network; not checked here
            target = target_file(site, url.path)
            if target is None:
                broken.append(f"/{path}: link to a page that was not built: {href}")
            elif url.fragment and unquote(url.fragment) not in anchors_of(target):
                broken.append(f"/{path}: link to a missing anchor: {href}")
    assert not unexpected_hosts, "requests to other hosts:\n" + "\n".join(sorted(unexpected_hosts))
    assert not errors, "console errors:\n" + "\n".join(errors)
    assert not broken, "\n".join(broken)
