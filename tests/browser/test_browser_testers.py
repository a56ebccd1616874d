"""A tester ticks each step of a checklist on the For testers page (pass,
fail or blocked) and copies the report the page makes of the ticks: the
checklist's name as the issue form lists it, and a line per step, as the
form's "Pass or fail per step" field asks."""

from __future__ import annotations

import yaml

from docs_site.checklists.checklist import all_checklists
from docs_site.checklists.markdown import anchor
from docs_site.paths import DOCS, ROOT


def test_ticks_become_a_report_for_the_issue_form(browser, site_url):
    checklist = next(c for c in all_checklists(DOCS) if c.name == "Quickstart")
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"{site_url}testers/", wait_until="load")
        steps = page.locator(f"xpath=//h2[@id='{anchor(checklist.name)}']/following-sibling::ol[1]/li")
        for number, result in ((1, "pass"), (2, "fail"), (3, "blocked")):
            steps.nth(number - 1).get_by_label(result, exact=True).first.check()
        steps.nth(0).get_by_label("fail", exact=True).first.check()  # changed one's mind: the last tick counts
        box = page.locator(f".tester-report[data-checklist='{anchor(checklist.name)}']")
        report = box.locator("textarea").input_value()
        box.get_by_role("button", name="Copy the report").click()
        copied = page.evaluate("navigator.clipboard.readText()")
    finally:
        context.close()
    lines = report.split("\n")
    assert lines[:4] == ["Checklist: Quickstart", "1. fail", "2. fail", "3. blocked"]
    assert lines[4:] == [f"{n}. not done" for n in range(4, len(checklist.steps) + 1)]
    assert copied == report
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "test-report.yml").read_text())
    options = next(item for item in form["body"] if item.get("id") == "install-path")["attributes"]["options"]
    assert lines[0].removeprefix("Checklist: ") in options
