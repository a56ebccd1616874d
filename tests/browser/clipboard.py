"""What the copy button of each code block of a built page puts on the clipboard."""

from __future__ import annotations

import dataclasses

from guide_runner import console
from guide_runner.languages import Kind
from guide_runner.page import Block, read_page
from tests.browser.site_build import ROOT


def shown_blocks(name: str) -> list[Block]:
    """The page's blocks a reader sees (hidden and teardown blocks are HTML comments)."""
    return [b for b in read_page(ROOT / "docs" / f"{name}.md").blocks if b.shown]


def copied_by_buttons(browser, site_url: str, name: str) -> list[tuple[Block, str]]:
    """Each shown block of docs/NAME.md, with what its copy button copies,
    clicked as a reader clicks it (failure boxes opened, the block's tab first)."""
    blocks = shown_blocks(name)
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"{site_url}{name}/", wait_until="load")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # failure boxes
        buttons = page.locator(".md-content pre button.md-code__button[data-md-type=copy]")
        assert buttons.count() == len(blocks), "one copy button per code block on the page"
        copied = []
        for i, block in enumerate(blocks):
            # The button shows on hover, as for a reader: open the block's tab first
            # (a variant may also be a section of the page, which has no tab).
            tab = page.locator(".tabbed-labels label", has_text=block.tab[1]) if block.tab else None
            if tab is not None and tab.count():
                tab.first.click()
            page.evaluate("navigator.clipboard.writeText('')")
            buttons.nth(i).hover()
            buttons.nth(i).click()
            copied.append((block, page.evaluate("navigator.clipboard.readText()")))
        return copied
    finally:
        context.close()


def what_runs(block: Block) -> list[str]:
    """The lines the runner runs for a block, as a reader would paste them."""
    if block.kind == Kind.CONSOLE:
        return [line for c in console.parse(block.source) for line in c.command.split("\n")]
    return block.source.rstrip("\n").split("\n")


def copied_lines(block: Block, text: str) -> list[str]:
    """The lines of a copied text, as what_runs gives them (a console block's
    copy has blank lines where the page shows output)."""
    if block.kind == Kind.CONSOLE:
        return [line for line in text.split("\n") if line.strip()]
    return text.rstrip("\n").split("\n")


def copies_what_runs(block: Block, text: str) -> bool:
    """The copied text is, line for line, what the runner runs for the block:
    then the page's own test has already run what a reader pastes."""
    return copied_lines(block, text) == what_runs(block)


def as_pasted(block: Block, text: str) -> Block:
    """The block with the clipboard's text in place of its source."""
    if block.kind != Kind.CONSOLE:
        return dataclasses.replace(block, source=text)
    # The clipboard holds the commands only; give each back the output the page shows after it.
    lines = [line for line in text.split("\n") if line.strip()]
    source = []
    for command in console.parse(block.source):
        taken, lines = lines[: command.command.count("\n") + 1], lines[command.command.count("\n") + 1:]
        source += ["$ " + taken[0], *("> " + line for line in taken[1:])]
        source += [command.expected] if command.expected else []
    assert not lines, f"{block.where}: the clipboard holds more than the block's commands: {lines}"
    return dataclasses.replace(block, source="\n".join(source) + "\n")
