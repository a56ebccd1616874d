"""Every testers' checklist, followed from the rendered testers page as a
tester follows it, reaches its outcome.

For each checklist of the built site's For testers page, each step's
commands are copied with the copy button of that step, on the testers page
itself; a step that says "create the file with the content shown on the
page" takes the content from the guide's own copy button, as the tester
does; an outcome step ("open ... and sign in as admin") is the page's browser
outcome check. The guide runner then runs the checklist's guide and variant
with those texts in place of the page's, hidden steps and listed test-only
substitutions as on the page, and must reach the outcome.

Each thing is proved once: where every text a tester copies is, line for
line, what the runner runs for that block, the guide's own test in the same
run (`docs/PAGE.md::VARIANT`) has already run exactly that and reached the
outcome, and this test only checks the copies. Where a copy differs, the
guide is run again here with the copied texts, and must still reach it.

Limit: a checklist that begins with "first do the checklist of X" (or with
an older release's install) gets that part as X's scenario runs it; X's own
checklist is followed by its own test here."""

from __future__ import annotations

import dataclasses

import pytest

from docs_site.checklists.checklist import Checklist, all_checklists
from docs_site.checklists.markdown import anchor
from guide_runner import Scenario
from guide_runner.languages import Kind
from guide_runner.page import read_page
from docs_site.paths import DOCS
from guide_runner.plan import plan_page
from tests.browser.clipboard import as_pasted, copied_by_buttons, copies_what_runs

pytestmark = pytest.mark.docker

CHECKLISTS = all_checklists(DOCS)
# Checklists with no outcome step, and why (the coverage report lists these pages too).
NO_OUTCOME_STEP = {"install/kubernetes.md": "its sign-in needs a Kubernetes cluster, which CI does not have"}


def copied_from_testers_page(browser, site_url: str, checklist: Checklist) -> list[str | None]:
    """Per step of the checklist on the testers page: what its copy button
    copies, or None for a step with no command block."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"{site_url}testers/", wait_until="load")
        steps = page.locator(f"xpath=//h2[@id='{anchor(checklist.name)}']/following-sibling::ol[1]/li")
        assert steps.count() == len(checklist.steps), f"{checklist.name}: one list item per step"
        copied: list[str | None] = []
        for i in range(steps.count()):
            button = steps.nth(i).locator("button.md-code__button[data-md-type=copy]")
            assert button.count() <= 1, f"{checklist.name}, step {i + 1}: one command block per step"
            if not button.count():
                copied.append(None)
                continue
            page.evaluate("navigator.clipboard.writeText('')")
            button.hover()
            button.click()
            copied.append(page.evaluate("navigator.clipboard.readText()"))
        return copied
    finally:
        context.close()


# Each reads its guide (and the guides it starts from) and the testers page, no other page.
@pytest.mark.parametrize("checklist", [
    pytest.param(c, id=c.name, marks=pytest.mark.reads_pages(f"docs/{c.page}", "docs/testers.md"))
    for c in CHECKLISTS])
def test_following_each_checklist_from_the_testers_page_reaches_its_outcome(browser, site_url, checklist):
    page = read_page(DOCS / checklist.page)
    (plan,) = [p for p in plan_page(page) if p.variant == checklist.variant]
    from_testers = copied_from_testers_page(browser, site_url, checklist)
    from_guide = dict((b.key, text) for b, text in copied_by_buttons(browser, site_url, checklist.page[:-3]))
    followed, differ = {}, []
    for step, copied in zip(checklist.steps, from_testers):
        block = step.block
        if copied is None and block.kind == Kind.CONFIG:  # "with the content shown on the page"
            copied = from_guide[block.key]
        if copied is None:
            assert block.kind == Kind.OUTCOME, f"{checklist.name}, step {step.number}: a step with nothing to do"
            continue
        followed[block.key] = as_pasted(block, copied)
        if not copies_what_runs(block, copied):
            differ.append(f"step {step.number} ({block.where})")
    has_outcome = any(s.block.kind == Kind.OUTCOME for s in checklist.steps)
    assert has_outcome != (checklist.page in NO_OUTCOME_STEP), f"{checklist.name}: outcome step, or NO_OUTCOME_STEP"
    assert set(followed) <= {b.key for b in plan.blocks}, f"{checklist.name}: every step is a block the guide runs"
    if not differ:
        return  # what the tester copies is what the guide's own test ran
    print(f"{checklist.name}: copied text differs from the page in {', '.join(differ)}: following it again")
    blocks = [followed.get(b.key, b) for b in plan.blocks]
    scenario = Scenario(dataclasses.replace(plan, blocks=blocks))
    scenario.run()  # raises GuideFailure naming the block, as a page test does
    ran = {key for key, outcome in scenario.outcomes.items() if outcome.status not in ("skipped", "not run")}
    assert set(followed) <= ran | {b.key for b in plan.blocks if "skip" in b.options}
