"""Material's copy button puts on the clipboard exactly what the guide runner
reads from the page: the tested command, byte for byte."""

from __future__ import annotations

from guide_runner.languages import Kind
from guide_runner.page import read_page
from tests.browser.site_build import ROOT

PAGE = "prerequisites"


def shown_blocks(path):
    """The page's blocks a reader sees (hidden and teardown blocks are HTML comments)."""
    return [b for b in read_page(path).blocks if b.shown]


def test_copy_button_copies_the_command_the_runner_runs(browser, site_url):
    blocks = shown_blocks(ROOT / "docs" / f"{PAGE}.md")
    assert any(b.kind == Kind.SHELL for b in blocks), "the page has no bash block to copy"
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site_url}{PAGE}/", wait_until="load")
    buttons = page.locator(".md-content pre button.md-code__button[data-md-type=copy]")
    assert buttons.count() == len(blocks), "one copy button per code block on the page"
    for i, block in enumerate(blocks):
        page.evaluate("navigator.clipboard.writeText('')")
        buttons.nth(i).hover()  # the button shows on hover, as for a reader
        buttons.nth(i).click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.rstrip("\n") == block.source.rstrip("\n"), f"{block.where} ({block.kind})"
    context.close()
