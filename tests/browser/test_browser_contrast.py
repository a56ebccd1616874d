"""Every page of the built site meets WCAG 2 AA colour contrast, in the light
and the dark scheme, as axe-core measures it in Chromium; and the scheme
follows the reader's system setting."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.site_build import built_pages

CONTRAST_ONLY = {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations"]}


def contrast_failures(page) -> list[str]:
    """Each element axe-core finds below AA contrast on the loaded page: its
    selector, its colours and the ratio."""
    # Closed failure boxes and hidden tabs are measured too: open the boxes.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    results = Axe().run(page, options=CONTRAST_ONLY).response
    failures = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            data = (node.get("any") or [{}])[0].get("data") or {}
            failures.append(f"{' '.join(node['target'])}: {data.get('fgColor')} on {data.get('bgColor')}, "
                            f"{data.get('contrastRatio')}:1 (needs {data.get('expectedContrastRatio')})")
    return failures


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_meets_aa_contrast(browser, site, site_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        found = {}
        for path in built_pages(site):
            page.goto(site_url + path, wait_until="load")
            if failures := contrast_failures(page):
                found[f"/{path}"] = failures
    finally:
        context.close()
    assert not found, "\n".join(f"{path}:\n  " + "\n  ".join(f) for path, f in found.items())


@pytest.mark.parametrize(("system", "scheme"), [("light", "default"), ("dark", "slate")])
def test_the_colour_scheme_follows_the_system(browser, site_url, system, scheme):
    context = browser.new_context(color_scheme=system)
    try:
        page = context.new_page()
        page.goto(site_url, wait_until="load")
        assert page.locator("body").get_attribute("data-md-color-scheme") == scheme
    finally:
        context.close()
