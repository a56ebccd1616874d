"""The versioned site (scripts/build-versioned-site.sh, mike): both releases
side by side, `latest` is the newest, and Material's selector switches."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from docs_site.runner_syntax import visible_runner_syntax
from guide_runner import releases
from tests.browser.site_build import ROOT, refuse_other_hosts, serve
from tests.browser.test_browser_contrast import contrast_failures


@pytest.fixture(scope="module")
def versioned_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("versioned") / "site"
    result = subprocess.run([str(ROOT / "scripts" / "build-versioned-site.sh"), str(out)],
                            env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_every_version_is_built_and_latest_is_the_newest(versioned_site):
    versions = json.loads((versioned_site / "versions.json").read_text())
    assert [(v["version"], v["aliases"]) for v in versions] == [("0.1.5", ["latest"]), ("0.1.4", []), ("0.1.3", []), ("0.1.2", []), ("0.1.1", [])]
    assert (versioned_site / "latest").resolve() == (versioned_site / "0.1.5").resolve()
    # 0.1.1 has no Databases page, so its docs have no Switching databases page.
    assert (versioned_site / "0.1.2" / "switching-databases" / "index.html").exists()
    assert not (versioned_site / "0.1.1" / "switching-databases").exists()
    assert (versioned_site / "0.1.1" / "prerequisites" / "index.html").exists()


def _text(page) -> str:
    """A page's text without its tags (code is split into highlighted spans)."""
    return re.sub(r"<[^>]+>", "", page.read_text())


def test_the_older_docs_describe_the_older_release(versioned_site):
    old = versioned_site / "0.1.1"
    # Its commands name its own images, wheel and downloads, and no page but
    # the release list names a later release.
    assert "rowbook/all-in-one:0.1.1" in _text(old / "quickstart" / "index.html")
    assert "rowbook==0.1.1" in _text(old / "install" / "without-docker" / "index.html")
    for version, later_releases in (("0.1.1", ("0.1.2", "0.1.3", "0.1.4", "0.1.5")),
                                     ("0.1.2", ("0.1.3", "0.1.4", "0.1.5")), ("0.1.3", ("0.1.4", "0.1.5")),
                                     ("0.1.4", ("0.1.5",))):
        docs = versioned_site / version
        later = sorted(str(p.relative_to(docs)) for p in docs.rglob("index.html")
                       if any(r in p.read_text() for r in later_releases) and p.parent.name != "releases")
        assert later == [], version
    assert not (old / "upgrade").exists()
    # 0.1.2's Upgrade page is the one that went from 0.1.1 to 0.1.2.
    assert "rowbook/rowbook:0.1.2" in _text(versioned_site / "0.1.2" / "upgrade" / "index.html")
    # Its configuration reference lists the variables of 0.1.1's config.py.
    reference = (old / "configuration" / "index.html").read_text()
    assert 'id="rowbook_user_database_url"' in reference
    assert 'id="rowbook_install_method"' not in reference
    assert 'id="rowbook_install_method"' in (versioned_site / "0.1.2" / "configuration" / "index.html").read_text()
    # Text marked for 0.1.1 only is in its installer page, and not in 0.1.2's.
    assert "0.1.1 browses exactly the one" in (old / "installer" / "index.html").read_text()
    assert "0.1.1 browses exactly the one" not in (versioned_site / "0.1.2" / "installer" / "index.html").read_text()


def test_the_selector_lists_every_version_and_switches(page, versioned_site):
    with serve(versioned_site) as url:
        page.goto(url, wait_until="load")
        page.wait_for_url(url + "latest/")  # the root redirects to the default, latest
        current = page.locator(".md-version__current")
        expect(current).to_have_text("0.1.5")
        page.locator(".md-version").hover()
        links = page.locator(".md-version__list .md-version__link")
        expect(links).to_have_count(5)
        labels = [t.split()[0] for t in links.all_inner_texts()]
        assert labels == ["0.1.5", "0.1.4", "0.1.3", "0.1.2", "0.1.1"]
        links.filter(has_text="0.1.1").click()
        page.wait_for_url(url + "0.1.1/**")
        expect(current).to_have_text("0.1.1")
        expect(page.locator(".md-nav__link", has_text="Switching databases")).to_have_count(0)


def test_no_page_of_any_version_shows_runner_syntax(versioned_site):
    pages = sorted(versioned_site.glob("0.*/**/*.html"))
    assert {p.relative_to(versioned_site).parts[0] for p in pages} == set(releases.versions())
    shown = {str(p.relative_to(versioned_site)): found for p in pages if (found := visible_runner_syntax(p.read_text()))}
    assert shown == {}


def test_an_older_version_says_so_and_links_the_newest(browser, versioned_site):
    with serve(versioned_site) as url:
        for version, banner_shown in (("0.1.1", True), ("0.1.3", True), ("latest", False)):
            # A context each: Material remembers the banner's state per browser session.
            context = browser.new_context()
            try:
                page = context.new_page()
                requests = []
                page.on("request", lambda request: requests.append(request.url))
                page.goto(f"{url}{version}/quickstart/", wait_until="networkidle")
                banner = page.locator("[data-md-component=outdated]")
                if banner_shown:
                    expect(banner).to_be_visible()
                    expect(banner).to_contain_text("older release")
                    banner.get_by_role("link").click()
                    page.wait_for_url(url + "latest/")
                else:
                    expect(banner).to_be_hidden()
                assert all(r.startswith(url) for r in requests), f"{version}: requests to other hosts: {requests}"
            finally:
                context.close()


def test_no_page_of_any_version_asks_another_host(page, versioned_site):
    """Every release's docs are built with the same theme settings: no web
    font, no repository widget. Every page of every version, loaded."""
    with serve(versioned_site) as url:
        asked = refuse_other_hosts(page, url)
        paths = sorted(p.parent.relative_to(versioned_site).as_posix()
                       for p in versioned_site.glob("0.*/**/index.html"))
        assert {path.split("/")[0] for path in paths} == set(releases.versions())
        for path in paths:
            page.goto(f"{url}{path}/", wait_until="load")
    assert not asked, "\n".join(sorted(asked))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_of_the_older_versions_meets_aa_contrast(browser, versioned_site, scheme):
    """The newest build is checked page by page (test_browser_contrast.py);
    an older release's pages hold other text, boxes and tables, in the same theme."""
    context = browser.new_context(color_scheme=scheme)
    found = {}
    try:
        page = context.new_page()
        with serve(versioned_site) as url:
            for path in sorted(p.parent.relative_to(versioned_site).as_posix()
                               for p in versioned_site.glob("0.*/**/index.html")
                               if p.relative_to(versioned_site).parts[0] != releases.newest()):
                page.goto(f"{url}{path}/", wait_until="load")
                if failures := contrast_failures(page):
                    found[path] = failures
    finally:
        context.close()
    assert not found, "\n".join(f"{path}:\n  " + "\n  ".join(f) for path, f in found.items())
