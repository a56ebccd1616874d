"""A reader who copies every block with its copy button and pastes it into a
terminal, in page order, reaches the page's outcome: the Quickstart and each
variant of the Compose guide, run by the guide runner with each block's text
taken from the clipboard, not from the page source.

What is pasted runs as the reader's terminal runs it. The runner still
compares a `console` block's output with what the page shows (the copied
commands, each with the output the page shows after it), runs the page's
hidden steps and test-only substitutions as listed on the page, and ends with
the page's outcome check, signed in through the browser.

Each thing is proved once: where every copied text is, line for line, what
the runner runs for that block, the page's own test in the same run has run
exactly what a reader pastes (and its paste check, guide_runner/paste.py,
refused any command that would eat the lines pasted after it), and this test
only checks the copies.
Where a copy differs, the scenario runs here with the copied texts."""

from __future__ import annotations

import dataclasses

import pytest

from guide_runner import Scenario
from guide_runner.languages import Kind
from guide_runner.page import read_page
from docs_site.paths import ROOT
from guide_runner.plan import plan_page
from tests.browser.clipboard import as_pasted, copied_by_buttons, copies_what_runs

pytestmark = pytest.mark.docker

SCENARIOS = [("quickstart", ""), ("install/docker-compose", "Rowbook and PostgreSQL"),
             ("install/docker-compose", "With Caddy (HTTPS)")]


# Each reads its guide and the guides it starts from, no other page.
@pytest.mark.parametrize(("name", "variant"), [
    pytest.param(n, v, id=f"{n}[{v or 'page'}]", marks=pytest.mark.reads_pages(f"docs/{n}.md")) for n, v in SCENARIOS])
def test_pasting_each_copied_block_in_order_reaches_the_pages_outcome(browser, site_url, name, variant):
    (plan,) = [p for p in plan_page(read_page(ROOT / "docs" / f"{name}.md")) if p.variant == variant]
    copied = {}
    for page_name in {b.page.path.removeprefix("docs/").removesuffix(".md") for b in plan.blocks}:
        copied |= {block.key: text for block, text in copied_by_buttons(browser, site_url, page_name)}
    blocks = [as_pasted(b, copied[b.key]) if b.shown else b for b in plan.blocks]
    assert any(b.kind == Kind.OUTCOME for b in blocks), "the scenario ends with the page's outcome check"
    pasted = sum(b.shown for b in blocks)
    assert pasted >= 3
    if all(copies_what_runs(b, copied[b.key]) for b in plan.blocks if b.shown):
        return  # what a reader pastes is what the page's own test ran
    scenario = Scenario(dataclasses.replace(plan, blocks=blocks))
    scenario.run()  # raises GuideFailure naming the block, as a page test does
    assert all(o.status != "failed" for o in scenario.outcomes.values())
