"""The versioned site (scripts/build-versioned-site.sh, mike): both releases
side by side, `latest` is the newest, and Material's selector switches."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.site_build import ROOT, serve


@pytest.fixture(scope="module")
def versioned_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("versioned") / "site"
    result = subprocess.run([str(ROOT / "scripts" / "build-versioned-site.sh"), str(out)],
                            env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_both_versions_are_built_and_latest_is_the_newest(versioned_site):
    versions = json.loads((versioned_site / "versions.json").read_text())
    assert [(v["version"], v["aliases"]) for v in versions] == [("0.1.2", ["latest"]), ("0.1.1", [])]
    assert (versioned_site / "latest").resolve() == (versioned_site / "0.1.2").resolve()
    # 0.1.1 has no Databases page, so its docs have no Switching databases page.
    assert (versioned_site / "0.1.2" / "switching-databases" / "index.html").exists()
    assert not (versioned_site / "0.1.1" / "switching-databases").exists()
    assert (versioned_site / "0.1.1" / "prerequisites" / "index.html").exists()


def test_the_selector_lists_both_versions_and_switches(page, versioned_site):
    with serve(versioned_site) as url:
        page.goto(url, wait_until="load")
        page.wait_for_url(url + "latest/")  # the root redirects to the default, latest
        current = page.locator(".md-version__current")
        expect(current).to_have_text("0.1.2")
        page.locator(".md-version").hover()
        links = page.locator(".md-version__list .md-version__link")
        expect(links).to_have_count(2)
        labels = [t.split()[0] for t in links.all_inner_texts()]
        assert labels == ["0.1.2", "0.1.1"]
        links.filter(has_text="0.1.1").click()
        page.wait_for_url(url + "0.1.1/**")
        expect(current).to_have_text("0.1.1")
        expect(page.locator(".md-nav__link", has_text="Switching databases")).to_have_count(0)
