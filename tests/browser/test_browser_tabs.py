"""Content tabs switch, and stay linked across pages (Material's
content.tabs.link): pick "Without Docker" once, every page shows that tab.

No real page has tabs yet, so two fixture pages are added to a temp copy of
docs/ and built from there; the real nav stays as it is."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.site_build import ROOT, build_site, serve, site_config

LABELS = ("With Docker", "Without Docker")


def tabbed_page(title: str) -> str:
    tabs = "\n".join(f'=== "{label}"\n\n    {title}: {label.lower()} text.\n' for label in LABELS)
    # Two tab sets with the same labels on one page, and the same again on the other page.
    return f"# {title}\n\n## First\n\n{tabs}\n## Second\n\n{tabs}"


@pytest.fixture(scope="module")
def tabs_site_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tabs")
    docs = tmp / "docs"
    shutil.copytree(ROOT / "docs", docs)
    (docs / "tabs-one.md").write_text(tabbed_page("Tabs one"))
    (docs / "tabs-two.md").write_text(tabbed_page("Tabs two"))
    config = site_config(docs)
    config["nav"] += [{"Tabs one": "tabs-one.md"}, {"Tabs two": "tabs-two.md"}]
    with serve(build_site(tmp / "site", config)) as url:
        yield url


def selected_labels(page) -> list[str]:
    """The label of the checked tab of every tab set on the page, in order."""
    return page.eval_on_selector_all(
        ".tabbed-set",
        "sets => sets.map(s => s.querySelector('.tabbed-labels label[for=\"' +"
        " s.querySelector(':scope > input:checked').id + '\"]').innerText.trim())")


def visible_text(page) -> list[str]:
    return [t.strip() for t in page.locator(".tabbed-block:visible").all_inner_texts()]


def test_tabs_switch_and_stay_linked_across_pages(page, tabs_site_url):
    page.goto(tabs_site_url + "tabs-one/", wait_until="load")
    assert selected_labels(page) == ["With Docker", "With Docker"]
    assert visible_text(page) == ["Tabs one: with docker text."] * 2

    page.locator(".tabbed-labels label", has_text="Without Docker").first.click()
    # Linked: the second set on the same page switched too.
    assert selected_labels(page) == ["Without Docker", "Without Docker"]
    assert visible_text(page) == ["Tabs one: without docker text."] * 2

    page.goto(tabs_site_url + "tabs-two/", wait_until="load")
    # Material restores the stored tab after the page loads; expect() waits for it.
    expect(page.locator(".tabbed-set > input").nth(1)).to_be_checked()
    assert selected_labels(page) == ["Without Docker", "Without Docker"]
    assert visible_text(page) == ["Tabs two: without docker text."] * 2
