"""A reader who copies every block with its copy button and pastes it into a
terminal, in page order, reaches the page's outcome: the Quickstart and each
variant of the Compose guide, run by the guide runner with each block's text
taken from the clipboard, not from the page source.

What is pasted runs as the reader's terminal runs it. The runner still
compares a `console` block's output with what the page shows (the copied
commands, each with the output the page shows after it), runs the page's
hidden steps and test-only substitutions as listed on the page, and ends with
the page's outcome check, signed in through the browser."""

from __future__ import annotations

import dataclasses

import pytest

from guide_runner import Scenario, console
from guide_runner.languages import Kind
from guide_runner.page import Block, read_page
from guide_runner.paths import ROOT
from guide_runner.plan import plan_page

pytestmark = pytest.mark.docker

SCENARIOS = [("quickstart", ""), ("install/docker-compose", "Rowbook and PostgreSQL"),
             ("install/docker-compose", "With Caddy (HTTPS)")]


def copied_blocks(browser, site_url: str, name: str) -> dict[tuple[str, int], str]:
    """What the copy button of each block of the page puts on the clipboard, by block."""
    blocks = [b for b in read_page(ROOT / "docs" / f"{name}.md").blocks if b.shown]
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site_url}{name}/", wait_until="load")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # failure boxes
    buttons = page.locator(".md-content pre button.md-code__button[data-md-type=copy]")
    assert buttons.count() == len(blocks), "one copy button per code block on the page"
    copied = {}
    for i, block in enumerate(blocks):
        if block.tab:  # the button shows on hover, as for a reader: open the block's tab first
            page.locator(".tabbed-labels label", has_text=block.tab[1]).first.click()
        page.evaluate("navigator.clipboard.writeText('')")
        buttons.nth(i).hover()
        buttons.nth(i).click()
        copied[block.key] = page.evaluate("navigator.clipboard.readText()")
    context.close()
    return copied


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


@pytest.mark.parametrize(("name", "variant"), SCENARIOS, ids=[f"{n}[{v or 'page'}]" for n, v in SCENARIOS])
def test_pasting_each_copied_block_in_order_reaches_the_pages_outcome(browser, site_url, name, variant):
    (plan,) = [p for p in plan_page(read_page(ROOT / "docs" / f"{name}.md")) if p.variant == variant]
    copied = {}
    for page_name in {b.page.path.removeprefix("docs/").removesuffix(".md") for b in plan.blocks}:
        copied |= copied_blocks(browser, site_url, page_name)
    blocks = [as_pasted(b, copied[b.key]) if b.shown else b for b in plan.blocks]
    assert any(b.kind == Kind.OUTCOME for b in blocks), "the scenario ends with the page's outcome check"
    pasted = sum(b.shown for b in blocks)
    assert pasted >= 3
    scenario = Scenario(dataclasses.replace(plan, blocks=blocks))
    scenario.run()  # raises GuideFailure naming the block, as a page test does
    assert all(o.status != "failed" for o in scenario.outcomes.values())
