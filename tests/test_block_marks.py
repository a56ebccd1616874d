"""The block marks from the build's side (docs_site/hooks/block_marks.py): the
page line counts what the coverage report counts, the published build refuses
missing or stale results, each release reads its own results, and the marks'
words. Results are made from the page model (tests/synthetic_results.py)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docs_site.marks.html import page_line
from docs_site.marks.labels import mark_of, stand_in
from docs_site.marks.results import FRESH, load, proof_of_file
from guide_runner.languages import Kind
from guide_runner.outcomes import Outcome, Status
from guide_runner.page import Block
from docs_site.paths import DOCS, ROOT
from guide_runner.site_config import dump, site_config
from tests.synthetic_results import RUN, docs_pages, passed, report, write_report

LINE = re.compile(r'<p class="ci-line" data-search-exclude>(.*?)</p>', re.DOTALL)
TALLY = re.compile(r"(\d+) (not run|verified|run|checked|failed)\b")


def build(tmp: Path, results: Path, docs: Path = DOCS, required: bool = False,
          drafts: str = "hide") -> subprocess.CompletedProcess:
    config = site_config(docs)
    config["extra"].update(ci_results=str(results), ci_results_required=required)
    (tmp / "mkdocs.yml").write_text(dump(config))
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp / "mkdocs.yml"),
                           "-d", str(tmp / "site")], capture_output=True, text=True, cwd=ROOT,
                          env=os.environ | {"ROWBOOK_DOCS_DRAFTS": drafts})


def mixed(block: Block) -> Outcome | None:
    """A run where some shown steps failed, some did not run, and some were skipped."""
    if block.shown and block.line % 7 == 0:
        return Outcome(Status.FAILED, "exit 1")
    if block.shown and block.line % 5 == 0:
        return Outcome(Status.NOT_RUN, "after the failure")
    if block.shown and block.line % 11 == 0:
        return Outcome(Status.SKIPPED, "no DNS name")
    return passed(block)


def test_the_page_line_counts_what_the_coverage_report_counts(tmp_path):
    data = report(docs_pages(DOCS), outcome=mixed)
    results = tmp_path / "coverage.json"
    results.write_text(json.dumps(data))
    result = build(tmp_path, results)
    assert result.returncode == 0, result.stderr
    compared = 0
    for key, entry in data["pages"].items():
        if "@" in key or not any(b["kind"] not in ("hidden", "teardown") for b in entry["blocks"]):
            continue  # an older release's rendition, or a page with no code block: no line
        page = tmp_path / "site" / Path(key).relative_to("docs").with_suffix("") / "index.html"
        line = html.unescape(re.sub(r"<[^>]+>", "", LINE.search(page.read_text())[1]))
        shown = {k: int(n) for n, k in TALLY.findall(line)}
        counts = entry["counts"]
        assert shown == {"verified": counts["verified"], "run": counts["executed"],
                         "not run": counts["skipped"] + counts["not run"] + counts["not collected"],
                         **({"checked": counts["parsed"]} if counts["parsed"] else {}),
                         **({"failed": counts["failed"]} if counts["failed"] else {})}, key
        compared += 1
    assert compared >= 8
    assert any(e["counts"]["failed"] for e in data["pages"].values())  # the mix reached the pages


def test_the_published_build_refuses_missing_results(tmp_path):
    result = build(tmp_path, tmp_path / "missing.json", required=True)
    assert result.returncode != 0
    assert "the published site needs the test results" in result.stderr
    assert "missing.json is missing: run the tests first (scripts/test.sh)" in result.stderr


def test_the_published_build_refuses_results_older_than_a_page(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    results = write_report(tmp_path / "coverage.json", docs_pages(docs))
    assert build(tmp_path, results, docs, required=True).returncode == 0
    with open(docs / "quickstart.md", "a") as page:
        page.write("\nEdited after the run.\n")
    result = build(tmp_path, results, docs, required=True)
    assert result.returncode != 0
    assert "older than these pages: docs/quickstart.md (changed since last run)" in result.stderr


def test_results_of_an_older_runner_are_refused_by_the_published_build_only(tmp_path):
    old = report(docs_pages(DOCS))
    del old["run"]  # as guide runners before the marks wrote it
    results = tmp_path / "coverage.json"
    results.write_text(json.dumps(old))
    refused = build(tmp_path, results, required=True)
    assert refused.returncode != 0 and "written by an older guide runner" in refused.stderr
    preview = build(tmp_path, results)
    assert preview.returncode == 0, preview.stderr
    assert "ci-mark" not in (tmp_path / "site" / "quickstart" / "index.html").read_text()


def test_each_release_reads_its_own_results(tmp_path):
    newest, older = docs_pages(DOCS), docs_pages(DOCS, "0.1.1")
    data = report(newest)
    data["pages"] |= report(older, outcome=lambda b: Outcome(Status.SKIPPED, "old") if b.shown else None)["pages"]
    results = tmp_path / "coverage.json"
    results.write_text(json.dumps(data))
    loaded = load(results)
    path = DOCS / "quickstart.md"
    now = proof_of_file(loaded, path, "quickstart.md", "0.1.5")
    then = proof_of_file(loaded, path, "quickstart.md", "0.1.1")
    assert (now.key, then.key) == ("docs/quickstart.md", "docs/quickstart.md@0.1.1")
    assert now.state == then.state == FRESH
    assert now.counts["not run"] == 0 and then.counts["not run"] == len(then.marks) + len(then.outcome_marks) > 0


def test_a_local_run_says_so_and_names_its_report(tmp_path):
    results = write_report(tmp_path / "coverage.json", docs_pages(DOCS),
                           run=RUN | {"ci": False, "local_changes": True})
    assert build(tmp_path, results).returncode == 0
    page = (tmp_path / "site" / "prerequisites" / "index.html").read_text()
    line = LINE.search(page)[1]
    assert line.startswith("Every step on this page was run in a local test run on 2026-11-24 "
                           "(commit 0123456 with local changes)")
    assert "reports/coverage.txt" in line and "CI report" not in line
    assert "Verified locally" not in page and ">Verified</p>" in page


def test_the_preview_of_a_draft_shows_the_marks_of_the_last_local_run(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    draft = docs / "quickstart.md"
    draft.write_text("---\ndraft: true\n---\n\n" + draft.read_text())
    results = write_report(tmp_path / "coverage.json", docs_pages(docs), run=RUN | {"ci": False})
    assert build(tmp_path, results, docs, drafts="show").returncode == 0
    page = (tmp_path / "site" / "quickstart" / "index.html").read_text()
    assert "This page is a draft" in page
    assert page.count('class="ci-mark') == sum(b.shown for b in docs_pages(docs)["docs/quickstart.md"].blocks)
    assert "Every step on this page was run in a local test run" in page


@pytest.mark.parametrize("replace, said", [
    ("https://example.com/a/=>file://$RUNNER_FILES/a/", "`https://example.com/a/` replaced by a local file"),
    ("docker pull=>true # CI has no registry", "`docker pull` not run (CI has no registry)"),
    ("a.example.com=>a.localhost|x=>y", "`a.example.com` replaced by `a.localhost`; `x` replaced by `y`"),
])
def test_a_stand_in_says_what_the_test_substituted(replace, said):
    assert stand_in(replace) == said


@pytest.mark.parametrize("status, detail, language, said", [
    ("failed", "exit 1", "bash", "Failed in CI"),
    ("not run", "after the failure at docs/x.md:3", "bash", "Not run in CI: after the failure at docs/x.md:3"),
    ("not run", "", "bash", "Not run in CI: not part of the run"),
    ("not collected", "language 'text'", "text", "Not run in CI: the tests do not run text blocks"),
])
def test_a_step_the_run_did_not_prove_says_why(status, detail, language, said):
    block = Block(None, 3, language, "", Kind.SHELL if language == "bash" else Kind.UNKNOWN)
    mark = mark_of(block, {"status": status, "detail": detail}, "in CI")
    assert (mark.text, mark.kind, mark.proven) == (said, "unproven", False)


def test_an_older_release_build_marks_the_blocks_of_its_rendered_copy(tmp_path):
    # versioned_config.py renders each page into a copy without the version
    # markers: its lines are not the docs/ lines the results name.
    from types import SimpleNamespace

    from docs_site.hooks.block_marks import source_of
    from guide_runner import releases

    older = releases.older()[0]
    results = tmp_path / "coverage.json"
    results.write_text(json.dumps(report(docs_pages(DOCS, older))))
    copy = tmp_path / "troubleshooting.md"
    copy.write_text(releases.render((DOCS / "troubleshooting.md").read_text(), older))
    file = SimpleNamespace(src_uri="troubleshooting.md", abs_src_path=str(copy))
    config = {"extra": {"docs_release": older}}  # as docs_site/versioned_config.py writes it
    proof = proof_of_file(load(results), source_of(file, config), file.src_uri, older)
    assert proof.state == FRESH and proof.marks


def test_a_page_whose_lines_moved_but_whose_text_did_not_is_changed_since_the_run(tmp_path):
    # Text marked for another release, added above a block, moves the block's
    # line but leaves this release's text (and its digest) as it was.
    from guide_runner import releases

    older = releases.older()[0]
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    results = tmp_path / "coverage.json"
    results.write_text(json.dumps(report(docs_pages(docs, older))))
    page = docs / "quickstart.md"
    newest = releases.newest()
    page.write_text(page.read_text().replace("## Start Rowbook\n", f"<!-- version: since {newest} -->\n"
                                             "Only in the newest docs.\n<!-- /version -->\n\n## Start Rowbook\n", 1))
    proof = proof_of_file(load(results), page, "quickstart.md", older)
    assert proof.state != FRESH


def test_an_older_release_page_its_record_stood_for_says_when_its_steps_last_ran(tmp_path):
    data = report(docs_pages(DOCS)) | {"run": RUN | {"date": "2026-12-20", "commit": "f" * 40}}
    older = report(docs_pages(DOCS, "0.1.2"))["pages"]
    older["docs/quickstart.md@0.1.2"]["recorded_run"] = RUN | {"date": "2026-12-07", "commit": "a" * 40}
    data["pages"] |= older
    results = tmp_path / "coverage.json"
    results.write_text(json.dumps(data))
    loaded = load(results)
    then = proof_of_file(loaded, DOCS / "quickstart.md", "quickstart.md", "0.1.2")
    line = page_line(then, "")
    assert "on 2026-12-07 (commit aaaaaaa)" in line and "2026-12-20" not in line
    assert line.endswith("they run again when something does, and at least every 30 days.")
    # A page that ran in this run says nothing of the kind.
    assert "run again" not in page_line(proof_of_file(loaded, DOCS / "install/docker-compose.md",
                                                      "install/docker-compose.md", "0.1.2"), "")
