"""Planning: a page's scenarios, resolved once, with the pages they start from."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide_runner import GuideFailure, Kind, PlanError, plan_file, read_page
from guide_runner.evaluators import EVALUATORS
from guide_runner.plan import substituted

# Reads no page of docs/ (its pages are tests/runner/pages): --changed does not run it for a page change.
pytestmark = pytest.mark.reads_pages()

PAGES = Path(__file__).parent / "pages"


def where(plan) -> list[tuple[str, int]]:
    return [(Path(str(b.page)).name, b.line) for b in plan.blocks]


def write(tmp_path: Path, name: str, text: str) -> Path:
    page = tmp_path / name
    page.write_text(text)
    return page


def test_a_page_without_variants_is_one_scenario_named_page():
    (plan,) = plan_file(PAGES / "carry.md")
    assert (plan.variant, plan.item_name, plan.name) == ("", "page", "tests/runner/pages/carry.md [page]")


def test_a_dependent_page_runs_its_base_variant_first():
    (plan,) = plan_file(PAGES / "dependent.md")
    assert where(plan) == [("base.md", 5), ("base.md", 15), ("base.md", 19), ("dependent.md", 5),
                           ("dependent.md", 10)]
    assert [b.kind for b in plan.blocks if b.kind == Kind.TEARDOWN] == [Kind.TEARDOWN, Kind.TEARDOWN]


def test_from_options_change_the_base_page_only():
    (plan,) = plan_file(PAGES / "from-older.md")
    exports, *base, own = plan.blocks
    assert (exports.kind, exports.source) == (Kind.HIDDEN, "export GREETING=hi")
    assert "export INSTALLED=older" in base[0].source  # from-replace="new=>older" on the New tab
    assert own.source.startswith("$ cat app/installed")


def test_an_older_release_of_the_base_page_reads_that_releases_files():
    (plan,) = plan_file(PAGES / "from-release.md")
    base = plan.blocks[0]
    assert str(base.page) == "tests/runner/pages/release-files.md@0.1.1"
    assert ".cache/docs-versions/0.1.1" in base.source  # $RUNNER_FILES as 0.1.1's folder


def test_a_variant_section_starts_from_its_own_base():
    first, second = plan_file(PAGES / "sections.md")
    assert {Path(str(b.page)).name for b in first.blocks} == {"sections.md"}
    assert where(second)[:3] == [("base.md", 11), ("base.md", 15), ("base.md", 19)]


def test_a_skipped_variant_keeps_its_reason_and_an_unexplained_skip_is_refused(tmp_path):
    runs, skipped = plan_file(PAGES / "skip-tab.md")
    assert (runs.skip, skipped.skip) == ("", "needs a public DNS name")
    assert [b.line for b in skipped.own_blocks] == [12]
    page = write(tmp_path, "p.md", '<!-- test: skip="" -->\n=== "A"\n\n    ```bash\n    true\n    ```\n')
    with pytest.raises(PlanError, match="a skipped variant must say why"):
        plan_file(page)


def test_the_server_of_a_base_page_is_the_scenarios(tmp_path):
    write(tmp_path, "server.md", '<!-- test-page: machine="debian-12" -->\n\n```bash\ntrue\n```\n')
    page = write(tmp_path, "next.md", '<!-- test-page: starts-from="server.md" -->\n\n```bash\ntrue\n```\n')
    (plan,) = plan_file(page)
    assert plan.machine == "debian-12"


@pytest.mark.parametrize("options, message", [
    ('starts-from="missing.md"', "starts-from names a missing page 'missing.md'"),
    ('starts-from="p.md"', "pages start from each other in a loop"),
    ('starts-from="pages/base.md" from-variant="Nope"', "has no variant 'Nope'"),
    ('starts-from="pages/base.md" from-version="9.9"', "from-version names '9.9'"),
])
def test_a_wrong_base_is_a_plan_error(tmp_path, options, message):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "base.md").write_text((PAGES / "base.md").read_text())
    page = write(tmp_path, "p.md", f"<!-- test-page: {options} -->\n\n```bash\ntrue\n```\n")
    with pytest.raises(PlanError, match=message):
        plan_file(page)


def test_a_page_substitution_must_match_its_block():
    block = read_page(PAGES / "replace.md").blocks[0]
    assert substituted(block, "zzz=>yyy", strict=False).source == block.source
    with pytest.raises(GuideFailure, match="does not match the block"):
        substituted(block, "zzz=>yyy")


def test_every_kind_but_teardown_has_an_evaluator():
    assert set(EVALUATORS) == set(Kind) - {Kind.TEARDOWN}


def test_the_images_a_page_must_pull_come_from_its_variant_and_the_pages_it_starts_from():
    from guide_runner.images import absent_tags

    assert absent_tags([{"absent": "a:1 b:2"}, {}, {"absent": "b:2 c:3"}]) == ["a:1", "b:2", "c:3"]
    (plan,) = plan_file(PAGES / "pulls.md")
    assert plan.absent == ("postgres:15",)
