"""The marks of the last test run, in the browser: under each code block what
the run proved of it, and a line under each page's title.

The sites are built from a temp copy of docs/ with a demo page (a verified
block, a substituted one, a skipped one) and results made from the page
model (tests/synthetic_results.py): no Docker."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from guide_runner.page import read_page
from tests.browser.site_build import ROOT, build_site, serve, site_config
from tests.synthetic_results import docs_pages, write_report

DEMO = """# Marks demo

Check the version:

```console
$ echo 1.0
1.0
```

Download the archive:

<!-- test: replace="https://example.com/rowbook.tar.gz=>file://$RUNNER_FILES/rowbook.tar.gz" -->
```bash
curl -fsSLO https://example.com/rowbook.tar.gz
```

Get a certificate:

<!-- test: skip="needs a public DNS name" -->
```bash
certbot certonly
```
"""


def demo_docs(tmp):
    docs = tmp / "docs"
    shutil.copytree(ROOT / "docs", docs)
    (docs / "marks-demo.md").write_text(DEMO)
    return docs


def build(tmp, docs, results):
    config = site_config(docs)
    config["nav"] += [{"Marks demo": "marks-demo.md"}]
    config["extra"]["ci_results"] = str(results)
    return build_site(tmp / "site", config)


@pytest.fixture(scope="module")
def marked_site_url(tmp_path_factory):
    """Results of a run of every page; then prerequisites.md is edited."""
    tmp = tmp_path_factory.mktemp("marks")
    docs = demo_docs(tmp)
    results = write_report(tmp / "coverage.json", docs_pages(docs))
    with open(docs / "prerequisites.md", "a") as page:
        page.write("\nA sentence added after the run.\n")
    with serve(build(tmp, docs, results)) as url:
        yield url


@pytest.fixture(scope="module")
def unmarked_site_url(tmp_path_factory):
    """No results at all: a newcomer's first build."""
    tmp = tmp_path_factory.mktemp("no-marks")
    docs = demo_docs(tmp)
    with serve(build(tmp, docs, tmp / "no-such-results.json")) as url:
        yield url


def test_each_code_block_has_its_mark_in_page_order(page, marked_site_url, tmp_path):
    page.goto(marked_site_url + "marks-demo/", wait_until="load")
    marks = page.locator(".md-content .ci-mark")
    expect(marks).to_have_count(3)
    # Each mark sits right under its code block.
    assert page.eval_on_selector_all(
        ".md-content .ci-mark", "ms => ms.every(m => m.previousElementSibling.matches('.highlight'))")
    shown = [b for b in read_page(ROOT / "docs" / "install" / "docker-compose.md").blocks if b.shown]
    page.goto(marked_site_url + "install/docker-compose/", wait_until="load")
    expect(page.locator(".md-content .ci-mark")).to_have_count(len(shown))
    expect(page.locator(".md-content pre")).to_have_count(len(shown))


def test_a_verified_block_shows_its_mark_and_tooltip(page, marked_site_url):
    page.goto(marked_site_url + "marks-demo/", wait_until="load")
    verified = page.locator(".md-content .ci-mark").first
    expect(verified).to_have_text("Verified")
    expect(verified).to_be_visible()
    verified.hover()
    expect(page.get_by_role("tooltip").filter(has_text="its output matched the page")).to_be_visible()
    line = page.locator(".md-content .ci-line")
    expect(line).to_have_text(
        "This page was tested in CI on 2026-11-24 (commit 0123456) on Debian 12 with Docker Engine 20.10.24 "
        "and Compose 2.26.1: 1 verified, 1 run, 1 not run; check the steps marked “not run” or “failed” first "
        "(CI report).")
    expect(line.get_by_role("link", name="CI report")).to_have_attribute(
        "href", "https://github.com/rowbook/rowbook-docs/actions")


def test_a_substituted_block_names_the_substitution_and_a_skipped_one_its_reason(page, marked_site_url):
    page.goto(marked_site_url + "marks-demo/", wait_until="load")
    marks = page.locator(".md-content .ci-mark")
    expect(marks.nth(1)).to_have_text(
        "Run in CI with a local stand-in: https://example.com/rowbook.tar.gz replaced by a local file")
    expect(marks.nth(1).locator("code")).to_have_text("https://example.com/rowbook.tar.gz")
    expect(marks.nth(2)).to_have_text("Not run in CI: needs a public DNS name")


def test_a_page_edited_after_its_run_shows_changed_since_last_run(page, marked_site_url):
    page.goto(marked_site_url + "prerequisites/", wait_until="load")
    expect(page.locator(".md-content .ci-line")).to_contain_text("Changed since last run")
    expect(page.locator(".md-content .ci-mark")).to_have_count(0)
    expect(page.get_by_text("Verified", exact=True)).to_have_count(0)


def test_a_build_without_results_shows_no_marks(page, unmarked_site_url):
    for path in ("marks-demo/", "install/docker-compose/", "testers/"):
        page.goto(unmarked_site_url + path, wait_until="load")
        expect(page.locator(".md-content pre").first).to_be_visible()
        expect(page.locator(".ci-mark, .ci-line")).to_have_count(0)
        expect(page.get_by_text("Check first")).to_have_count(0)
    assert page.locator("link[href$='block-marks.css']").count() == 0
