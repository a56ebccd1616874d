"""The docs build publishes releases.json: every release of releases.toml, never edited by hand."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from urllib.parse import urljoin

import pytest
from markdown.extensions.toc import slugify

from rowbook import config, install_methods
from rowbook.core import release_feed  # Django-free at import time apart from the cache
from docs_site.paths import ROOT
from guide_runner.site_config import mkdocs_yml



@pytest.fixture
def site(built_site) -> Path:
    return built_site  # tests/conftest.py builds the site once per run


def toml_releases() -> list[dict]:
    return tomllib.loads((ROOT / "releases.toml").read_text())["release"]


def test_releases_json_matches_releases_toml(site):
    feed = json.loads((site / "releases.json").read_text())
    expected = sorted(toml_releases(), key=lambda r: release_feed.version_key(r["version"]),
                      reverse=True)
    assert feed["format"] == 1
    assert feed["latest"] == expected[0]["version"]
    assert [r["version"] for r in feed["releases"]] == [r["version"] for r in expected]
    for got, want in zip(feed["releases"], expected):
        assert got["date"] == want["date"]
        assert got["summary"] == want["summary"]
        assert got.get("notes", "") == want.get("notes", "").strip()
        assert got["notes_url"] == f"releases/#release-{want['version'].replace('.', '-')}"
        assert got["upgrade"] == {
            "image": "upgrade/#upgrade-a-service-image-install",
            "compose": "upgrade/#upgrade-a-docker-compose-install",
            "all-in-one": "upgrade/#upgrade-an-all-in-one-install",
            "without-docker": "upgrade/#upgrade-an-install-without-docker",
            "deb": "install/debian-package/#upgrade-to-a-new-release",
            "helm": "install/kubernetes/#upgrade-rowbook",
        }


def test_rowbook_reads_the_published_feed(site):
    url = config.DOCS_SITE_URL + "releases.json"
    releases = release_feed.parse((site / "releases.json").read_bytes(), url)
    newest = max(releases, key=lambda r: release_feed.version_key(r.version))
    assert newest.version == max((r["version"] for r in toml_releases()),
                                 key=release_feed.version_key)
    assert newest.upgrade_urls["compose"] == urljoin(url, "upgrade/#upgrade-a-docker-compose-install")


def test_every_release_has_its_notes_section(site):
    html = (site / "releases" / "index.html").read_text()
    for entry in toml_releases():
        assert f'id="release-{entry["version"].replace(".", "-")}"' in html
        assert entry["summary"] in html


def test_default_feed_url_is_the_docs_site():
    site_url = mkdocs_yml()["site_url"]
    assert config.DOCS_SITE_URL == site_url, "keep DOCS_SITE_URL in rowbook/config.py = site_url"
    assert config.BY_NAME["ROWBOOK_RELEASE_FEED_URL"].default == urljoin(site_url, "releases.json")


def test_anchors_are_the_slugs_of_the_upgrade_headings():
    for method in install_methods.METHODS:
        assert method.anchor == slugify(method.heading, "-"), method.name


def test_each_page_the_feed_links_to_has_its_section(site):
    feed = json.loads((site / "releases.json").read_text())
    links = feed["releases"][0]["upgrade"]
    assert set(links) == set(install_methods.NAMES), "every install method has its upgrade link"
    for method in install_methods.METHODS:
        page, anchor = links[method.name].split("#")
        html = (site / page / "index.html").read_text()
        assert f'id="{anchor}"' in html, f"docs/{method.page}: no heading {method.heading!r}"


def test_pre_releases_are_ordered_by_pep_440_and_kept_apart_for_older_installs():
    from docs_site.hooks.releases_feed import feed
    entries = [{"version": v, "date": "2026-11-24", "summary": "s"} for v in ("0.2.0rc1", "0.1.10", "0.1.2")]
    document = feed(sorted(entries, key=lambda e: release_feed.version_key(e["version"]), reverse=True))
    assert [r["version"] for r in document["releases"]] == ["0.1.10", "0.1.2"]
    assert [r["version"] for r in document["prereleases"]] == ["0.2.0rc1"]
    assert document["latest"] == "0.1.10"
    # Installs of 0.1.1 and 0.1.2 accept only final versions in "releases" (r"^\d+(\.\d+)*$").
    assert all(re.fullmatch(r"\d+(\.\d+)*", r["version"]) for r in document["releases"])
    releases = release_feed.parse(json.dumps(document).encode(), config.DOCS_SITE_URL + "releases.json")
    offered_to_stable = [r.version for r in releases if release_feed.offered(r, running="0.1.2")]
    offered_to_beta = [r.version for r in releases if release_feed.offered(r, running="0.2.0b1")]
    assert "0.2.0rc1" not in offered_to_stable and "0.2.0rc1" in offered_to_beta
    assert release_feed.is_newer("0.2.0rc1", running="0.2.0b1") and release_feed.is_newer("0.1.10", running="0.1.9")


def test_older_docs_link_only_to_the_upgrade_pages_they_have(tmp_path):
    # An older release's docs are built without the pages that came later.
    from docs_site.hooks.releases_feed import feed, methods_documented, releases_markdown
    (tmp_path / "upgrade.md").write_text("# Upgrade\n")
    methods = methods_documented(tmp_path)
    assert [m.name for m in methods] == ["image", "compose", "all-in-one", "without-docker"]
    # Two releases: the first one has no upgrade section, nothing to upgrade from.
    entries = [{"version": "0.1.2", "date": "2026-11-24", "summary": "s"},
               {"version": "0.1.1", "date": "2026-11-24", "summary": "s"}]
    assert set(feed(entries, methods)["releases"][0]["upgrade"]) == {m.name for m in methods}
    assert "debian-package" not in releases_markdown(entries, methods)
    (tmp_path / "install").mkdir()
    (tmp_path / "install" / "debian-package.md").write_text("# Install from the Debian package\n")
    assert "install/debian-package.md#upgrade-to-a-new-release" in releases_markdown(
        entries, methods_documented(tmp_path))


def upgrading_section(site: Path, version: str) -> str:
    page = (site / "releases" / "index.html").read_text()
    anchor = f'id="upgrading-to-{version.replace(".", "-")}"'
    assert anchor in page, f"no Upgrading to {version} section on the Releases page"
    return page.split(anchor, 1)[1].split("<h2", 1)[0]


def test_each_release_says_what_upgrading_to_it_changes_in_the_settings(site):
    # Read from each release's rowbook/config.py, compared with the release before it.
    section = upgrading_section(site, "0.1.4")
    assert 'href="../configuration/#rowbook_database_hosts"' in section
    assert "ROWBOOK_SIGN_IN_ATTEMPTS" in section and "ROWBOOK_USER_DATABASE_URL" not in section
    section = upgrading_section(site, "0.1.2")
    assert "ROWBOOK_USER_DATABASE_URL</code></a> is deprecated: since 0.1.2" in section
    # Every section ends with each documented method's upgrade steps.
    assert "#upgrade-a-docker-compose-install" in section
    # The first release has nothing to upgrade from.
    assert 'id="upgrading-to-0-1-1"' not in (site / "releases" / "index.html").read_text()


def test_a_new_required_setting_is_said_to_be_set_before_the_upgrade():
    from docs_site.hooks.releases_feed import upgrading_markdown
    from docs_site.settings_changes import Changes
    text = upgrading_markdown("9.9.9", Changes(added=["ROWBOOK_A", "ROWBOOK_B"], required=["ROWBOOK_B"],
                                               removed=["ROWBOOK_OLD"]), "links", frozenset({"ROWBOOK_B"}))
    assert "you must set before you upgrade: [`ROWBOOK_B`](configuration.md#rowbook_b)." in text
    assert "optional: `ROWBOOK_A`." in text
    assert "No longer read, remove from your settings: `ROWBOOK_OLD`." in text
