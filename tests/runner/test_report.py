"""The coverage report and its ratchet, from scenarios' outcomes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from guide_runner import Outcome, Scenario, Status, plan_file, read_page
from guide_runner.ratchet import drops
from guide_runner.report import Coverage
from guide_runner.run_facts import collect, os_name

# Reads no page of docs/ (its pages are tests/runner/pages): --changed does not run it for a page change.
pytestmark = pytest.mark.reads_pages()

PAGES = Path(__file__).parent / "pages"


def test_a_block_shared_by_variants_counts_once_with_its_worst_outcome():
    page = read_page(PAGES / "tabs.md")
    first, second = (Scenario(plan) for plan in plan_file(PAGES / "tabs.md"))
    first.outcomes = {b.key: Outcome(Status.EXECUTED) for b in first.blocks}
    second.outcomes = {first.blocks[0].key: Outcome(Status.FAILED, "boom"),
                       second.blocks[1].key: Outcome(Status.NOT_RUN, "after the failure")}
    coverage = Coverage([page], [first, second])
    counts = coverage.totals()[page.path]
    assert (counts["executed"], counts["failed"], counts["not run"]) == (1, 1, 1)
    assert "tests/runner/pages/tabs.md:3 failed: boom" in coverage.table()


def test_blocks_never_run_and_unknown_languages_are_reported_as_such():
    page = read_page(PAGES / "skips.md")
    data = Coverage([page], []).as_json()
    statuses = [b["status"] for b in data["pages"][page.path]["blocks"]]
    assert statuses == ["not run", "not run", "not collected"]
    assert json.loads(json.dumps(data))["totals"]["not collected"] == 1


def test_a_skipped_variant_is_listed_with_its_reason():
    runs, skipped = (Scenario(plan) for plan in plan_file(PAGES / "skip-tab.md"))
    skipped.mark_skipped()
    coverage = Coverage([read_page(PAGES / "skip-tab.md")], [skipped])
    assert coverage.skipped_variants == {skipped.name: "needs a public DNS name"}
    assert coverage.totals()["tests/runner/pages/skip-tab.md"]["skipped"] == len(skipped.plan.own_blocks)


def test_the_ratchet_names_what_went_down_on_complete_pages_only():
    baseline = {"docs/prerequisites.md": {"verified": 4, "executed": 1, "skipped": 0},
                "docs/quickstart.md": {"verified": 3, "executed": 0, "skipped": 0},
                "docs/gone.md@0.1.1": {"verified": 1, "executed": 0, "skipped": 0}}
    now = {"docs/prerequisites.md": {"verified": 3, "executed": 1, "skipped": 1},
           "docs/quickstart.md": {"verified": 0, "executed": 0, "skipped": 0}}
    assert drops(baseline, now, complete={"docs/prerequisites.md"}) == [
        "docs/gone.md@0.1.1: the page is gone (it had 1 tested blocks)",
        "docs/prerequisites.md: verified blocks went down from 4 to 3",
        "docs/prerequisites.md: skipped blocks went up from 0 to 1",
    ]


def test_pages_whose_outcome_is_not_checked_are_named(tmp_path):
    checked = tmp_path / "checked.md"
    checked.write_text("# A\n\n```bash\ntrue\n```\n\n<!-- test-outcome: url=http://x user=a password-file=p -->\n"
                       "You are signed in.\n")
    unchecked = tmp_path / "unchecked.md"
    unchecked.write_text("# B\n\n```bash\ntrue\n```\n")
    pages = [read_page(checked), read_page(unchecked)]
    scenario = Scenario(plan_file(checked)[0])
    scenario.outcomes = {b.key: Outcome(Status.VERIFIED) for b in scenario.blocks}
    coverage = Coverage(pages, [scenario])
    assert coverage.outcomes() == {str(checked): {"checks": 1, "verified": 1}, str(unchecked): {"checks": 0, "verified": 0}}
    assert (f"pages whose outcome is not checked (no <!-- test-outcome: ... --> or leaves-nothing):\n  {unchecked}"
            in coverage.table())


def test_an_uninstall_checked_by_leaves_nothing_counts_as_an_outcome_check(tmp_path):
    page = tmp_path / "uninstall.md"
    page.write_text("# Uninstall\n\n<!-- test: leaves-nothing -->\n```bash\ntrue\n```\n")
    coverage = Coverage([read_page(page)], [])
    assert coverage.outcomes() == {str(page): {"checks": 1, "verified": 0}}


def test_the_json_report_holds_each_pages_digest_and_the_run_facts_and_the_table_does_not():
    page = read_page(PAGES / "skips.md")
    coverage = Coverage([page], [])
    data = coverage.as_json(run={"date": "2026-11-24"})
    assert data["pages"][page.path]["source_sha256"] == page.digest == read_page(PAGES / "skips.md").digest
    assert data["run"] == {"date": "2026-11-24"}
    assert set(data) == {"totals", "skipped_variants", "checkpoints", "release_passes", "outcomes", "pages", "run"}
    assert "2026-11-24" not in coverage.table() and "sha256" not in coverage.table()


def test_the_run_facts_are_what_a_reader_would_type_to_find_them(tmp_path):
    outputs = {"rev-parse": "0123456789abcdef\n", "show": "2026-11-20\n", "status": " M docs/x.md\n",
               "version": "20.10.24\n", "compose": "v2.26.1\n"}

    def fake_run(command, **kwargs):
        word = "compose" if "compose" in command else next(w for w in outputs if w in command)
        return subprocess.CompletedProcess(command, 0, outputs[word], "")

    os_release = tmp_path / "os-release"
    os_release.write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n')
    facts = collect(fake_run, os_release)
    assert {k: v for k, v in facts.items() if k not in ("date", "ci")} == {
        "commit": "0123456789abcdef", "commit_date": "2026-11-20", "local_changes": True,
        "os": "Debian 12", "docker": "20.10.24", "compose": "2.26.1"}
    assert os_name('NAME="Ubuntu"\nVERSION_ID="24.04"') == "Ubuntu 24.04"


def test_a_fact_that_cannot_be_found_is_none(tmp_path):
    def failing(command, **kwargs):
        if command[0] == "docker":
            raise FileNotFoundError("docker")
        return subprocess.CompletedProcess(command, 128, "", "not a git repository")

    facts = collect(failing, tmp_path / "no-os-release")
    assert [facts[k] for k in ("commit", "local_changes", "os", "docker", "compose")] == [None, False, None, None, None]
