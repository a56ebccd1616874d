"""Material's copy button puts on the clipboard exactly what the guide runner
runs: a shell block byte for byte, and of a `console` block its commands
only, without the `$ ` prompts and the output, so that what a reader pastes
into a terminal runs."""

from __future__ import annotations

import pytest

from guide_runner import console
from guide_runner.languages import Kind
from guide_runner.page import read_page
from tests.browser.site_build import ROOT

# Pages readers copy from most, and a console block with a continued command.
PAGES = ["prerequisites", "quickstart", "install/docker-compose"]


def shown_blocks(path):
    """The page's blocks a reader sees (hidden and teardown blocks are HTML comments)."""
    return [b for b in read_page(path).blocks if b.shown]


def what_runs(block) -> list[str]:
    """The lines the runner runs for a block, as a reader would paste them."""
    if block.kind == Kind.CONSOLE:
        return [line for c in console.parse(block.source) for line in c.command.split("\n")]
    return block.source.rstrip("\n").split("\n")


@pytest.mark.parametrize("name", PAGES)
def test_copy_button_copies_what_the_runner_runs(browser, site_url, name):
    blocks = shown_blocks(ROOT / "docs" / f"{name}.md")
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site_url}{name}/", wait_until="load")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # failure boxes
    buttons = page.locator(".md-content pre button.md-code__button[data-md-type=copy]")
    assert buttons.count() == len(blocks), "one copy button per code block on the page"
    for i, block in enumerate(blocks):
        if block.tab:  # the button shows on hover, as for a reader: open the block's tab first
            page.locator(".tabbed-labels label", has_text=block.tab[1]).first.click()
        page.evaluate("navigator.clipboard.writeText('')")
        buttons.nth(i).hover()
        buttons.nth(i).click()
        copied = page.evaluate("navigator.clipboard.readText()")
        lines = [line for line in copied.split("\n") if line.strip()] if block.kind == Kind.CONSOLE \
            else copied.rstrip("\n").split("\n")
        assert lines == what_runs(block), f"{block.where} ({block.kind})"
    assert any(b.kind == Kind.CONSOLE for b in blocks) or name != "prerequisites"
    context.close()
