"""The testers' checklists: one item per guide step, on the real guides and on a fixture page."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from docs_site.checklists.checklist import DEFAULT_EXPECTATION, all_checklists, guide_paths, make_step
from docs_site.checklists.markdown import PLACEHOLDER, STEP_MARK, render_all
from docs_site.marks.results import load, proof_of_file
from guide_runner import releases
from guide_runner.outcomes import Outcome, Status
from guide_runner.page import read_page
from tests.synthetic_results import docs_pages, passed, write_report

from .conftest import FIXTURE_SITE
from docs_site.paths import ROOT

DOCS = ROOT / "docs"


def runner_steps(path: Path) -> dict[str, int]:
    """Per variant, how many visible blocks the runner executes (counted here, not by the generator).
    A configuration listed only to be read (parse-only, in an info box) gives the tester nothing to do,
    nor does a block in a failure box (indented under `??? failure`: the test breaks things first)."""
    page = read_page(path)
    lines = path.read_text().split("\n")

    def in_failure_box(line: int) -> bool:
        for above in reversed(lines[:line - 1]):
            if above.strip() and not above.startswith((" ", "\t")):
                return re.match(r"(\?\?\?|!!!) (failure|bug)", above) is not None
        return False

    counts = {v: sum(b.kind in ("shell", "console", "config", "outcome") and "parse-only" not in b.options
                     and not in_failure_box(b.line) for b in page.blocks_for(v))
              for v in page.variants()}
    return {v: n for v, n in counts.items() if n}


def items_per_section(markdown: str) -> dict[str, int]:
    """Per `## ` section of the rendered checklists, how many numbered step items it has."""
    counts: dict[str, int] = {}
    section = ""
    for line in markdown.split("\n"):
        if line.startswith("## "):
            section = line[3:]
        elif re.match(rf"\d+\. {re.escape(STEP_MARK)}\d+\*\*", line):
            counts[section] = counts.get(section, 0) + 1
    return counts


def assert_one_item_per_step(docs_dir: Path) -> int:
    checklists = all_checklists(docs_dir)
    rendered = items_per_section(render_all(checklists, "testers.md"))
    expected = {}
    for path in guide_paths(docs_dir):
        title = read_page(path).title
        for variant, count in runner_steps(path).items():
            expected[f"{title}: {variant}" if variant else title] = count
    assert rendered == expected
    for checklist in checklists:  # numbered 1..n, in page order
        assert [s.number for s in checklist.steps] == list(range(1, len(checklist.steps) + 1))
        assert [s.block.line for s in checklist.steps] == sorted(s.block.line for s in checklist.steps)
    return sum(expected.values())


def test_one_item_per_step_on_the_real_guides():
    assert_one_item_per_step(DOCS)


def test_one_item_per_step_on_the_fixture_guide():
    assert assert_one_item_per_step(FIXTURE_SITE) == 8  # two tabs of 4 steps


def test_each_step_says_what_to_expect():
    plain, fancy = all_checklists(FIXTURE_SITE)
    assert (plain.variant, fancy.variant) == ("Plain", "Fancy")
    console, shell, config, tab_step = plain.steps
    assert console.commands == [("echo ready", "ready"), ("true", "")]
    assert console.expected == "each command prints what the page shows under it"
    assert shell.commands == [("mkdir -p demo\ncd demo", "")]
    assert shell.expected == "You should see no output."  # the first sentence only
    assert config.commands[0][0].startswith("Create the file `settings.yaml`")
    # The prose after it has no "You should see": the file is what the tester checks.
    assert config.expected == "`settings.yaml` holds exactly the content shown on the page"
    assert tab_step.block.source == "echo plain > flavour.txt\n"
    # Full stops inside code and version numbers do not end the sentence.
    assert fancy.steps[3].expected.endswith("You should see `fancy`, as in version 1.2.3.")


def test_the_testers_page_renders_the_generated_checklists(built_site):
    assert PLACEHOLDER in (DOCS / "testers.md").read_text()
    page = (built_site / "testers" / "index.html").read_text()
    assert "testers-checklists" not in page
    assert "Your environment" in page and "uname -m" in page
    assert 'href="../testers-print/"' in page
    for checklist in all_checklists(DOCS):
        assert checklist.name in page


def test_the_printable_page_has_no_navigation(built_site):
    page = (built_site / "testers-print" / "index.html").read_text()
    assert "Your environment" in page
    assert 'data-md-type="navigation" hidden' in page and 'data-md-type="toc" hidden' in page
    css = (DOCS / "stylesheets" / "print.css").read_text()
    assert "@media print" in css and ".md-sidebar" in css


def test_the_issue_form_offers_every_checklist_and_asks_what_a_maintainer_needs():
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "test-report.yml").read_text())
    fields = {item.get("id"): item for item in form["body"] if item.get("id")}
    options = fields["install-path"]["attributes"]["options"]
    # As the testers page titles them, in its order, and nothing else but "Other".
    assert options[:-1] == [c.name for c in all_checklists(DOCS)] and options[-1].startswith("Other")
    assert {"docs-version", "machine", "os", "arch", "docker-install", "docker", "compose", "steps",
            "unclear", "logs"} <= set(fields)
    assert "date at the bottom" not in fields["docs-version"]["attributes"]["description"]
    assert fields["logs"]["type"] == "textarea" and fields["unclear"]["type"] == "textarea"


def test_the_steps_the_last_run_did_not_prove_say_check_first(tmp_path):
    guide = FIXTURE_SITE / "install" / "demo.md"
    folder_step = next(b for b in read_page(guide).blocks if b.source.startswith("mkdir"))

    def outcome(block):
        return Outcome(Status.NOT_RUN, "after the failure at line 7") if block == folder_step else passed(block)

    results = load(write_report(tmp_path / "coverage.json", docs_pages(FIXTURE_SITE), outcome=outcome))
    proof = proof_of_file(results, guide, "install/demo.md", releases.newest())
    rendered = render_all(all_checklists(FIXTURE_SITE), "testers.md", proofs={"install/demo.md": proof})
    assert rendered.count("**Check first:** <span data-runner-syntax=\"shown\">Not run in CI: after the failure at line 7.</span>") == 2  # one per tab
    assert rendered.count("The last test run (2026-11-24, in CI) could not prove step 2 as shown: "
                          "check it first.") == 2
    assert rendered.count("**Check first:**") == 2  # the verified, run and checked steps need no warning
    proof.state = "changed since last run"
    changed = render_all(all_checklists(FIXTURE_SITE), "testers.md", proofs={"install/demo.md": proof})
    assert "The guide changed since its last test run" in changed and "Check first" not in changed


def test_steps_are_named_by_their_section_and_upgrades_start_from_the_older_docs():
    checklists = {c.name: c for c in all_checklists(DOCS)}
    upgrade = checklists["Upgrade: Upgrade a Docker Compose install"]
    assert {s.section for s in upgrade.steps} == {"Upgrade a Docker Compose install", "Go back to 0.1.1"}
    rendered = render_all([upgrade], "testers.md")
    assert "First install Rowbook 0.1.1: follow [install/docker-compose.md in the 0.1.1 docs]" \
           "(https://docs.rowbook.example/0.1.1/install/docker-compose/)" in rendered
    assert "section [Go back to 0.1.1](upgrade.md#go-back-to-011)" in rendered
    assert ", line " not in rendered  # testers never see source lines


def test_a_refused_sign_in_asks_the_tester_to_try_to_sign_in(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("# Page\n\n<!-- test-outcome: url=http://127.0.0.1:8000 user=bob password-file=pw.txt refused -->\n")
    (block,) = read_page(path).blocks
    step = make_step(1, block, path.read_text().split("\n"), [])
    assert step.commands[0][0].endswith("and try to sign in as `bob`")
    assert step.expected == "the sign-in is refused"
