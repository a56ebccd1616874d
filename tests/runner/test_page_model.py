"""The page model: blocks, kinds, options, variants and line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide_runner import Kind, read_page
from guide_runner.languages import LANGUAGES
from guide_runner.configs import CHECKERS
from guide_runner.options import pairs, parse_options
from guide_runner.page import PageId

# Reads no page of docs/ (its pages are tests/runner/pages): --changed does not run it for a page change.
pytestmark = pytest.mark.reads_pages()

PAGES = Path(__file__).parent / "pages"


def write(tmp_path: Path, text: str) -> Path:
    page = tmp_path / "page.md"
    page.write_text(text)
    return page


def test_options_are_shell_words_with_optional_values():
    assert parse_options('skip="needs a GPU" exit=1 converge') == {"skip": "needs a GPU", "exit": "1", "converge": ""}
    assert pairs("a=>b|c=>|d") == [("a", "b"), ("c", ""), ("d", None)]


def test_every_config_language_is_declared_once_with_its_checker():
    assert {language for language, kind in LANGUAGES.items() if kind == Kind.CONFIG} == set(CHECKERS)


def test_blocks_carry_kind_line_title_and_the_options_above_them(tmp_path):
    page = read_page(write(tmp_path, "\n".join([
        "# Title",                                  # 1
        "",                                         # 2
        "<!-- test: exit=1 timeout=5 -->",          # 3
        "```bash",                                  # 4
        "false",                                    # 5
        "```",                                      # 6
        "",                                         # 7
        '```yaml title="compose.yml"',              # 8
        "services: {}",                             # 9
        "```",                                      # 10
        "",                                         # 11
        "<!-- test-hidden: bash",                   # 12
        "echo setup",                               # 13
        "-->",                                      # 14
        "",                                         # 15
        "```text",                                  # 16
        "shown only",                               # 17
        "```",                                      # 18
        "",
    ])))
    assert page.title == "Title"
    assert [(b.line, b.kind, b.title) for b in page.blocks] == [
        (4, Kind.SHELL, None), (8, Kind.CONFIG, "compose.yml"), (12, Kind.HIDDEN, None), (16, Kind.UNKNOWN, None)]
    assert page.blocks[0].options == {"exit": "1", "timeout": "5"}
    assert page.blocks[1].options == {}  # options apply to the next block only
    assert [b.end_line for b in page.blocks] == [6, 10, 14, 18]
    assert [b.shown for b in page.blocks] == [True, True, False, True]


def test_each_tab_label_is_a_variant_with_the_blocks_outside_tabs():
    page = read_page(PAGES / "tabs.md")
    assert page.variants() == ["First", "Second"]
    assert [b.line for b in page.blocks_for("First")] == [3, 9]
    assert [b.line for b in page.blocks_for("Second")] == [3, 15]
    assert [b.line for b in page.own_blocks("Second")] == [15]


def test_a_marked_section_is_a_variant_up_to_the_next_heading_of_its_level():
    page = read_page(PAGES / "sections.md")
    assert page.variants() == ["Upgrade the first way", "Upgrade the second way"]
    # The `# a comment` line in the first section's code is no heading; the
    # subsection belongs to the section; "Not a variant" is common to both.
    assert [b.line for b in page.blocks_for("Upgrade the first way")] == [3, 10, 17, 31]
    assert [b.line for b in page.blocks_for("Upgrade the second way")] == [3, 24, 31]
    assert page.options_for("Upgrade the second way") == {
        "variant": "", "starts-from": "base.md", "from-variant": "New"}


def test_options_above_a_tab_are_that_tabs():
    page = read_page(PAGES / "skip-tab.md")
    skipped = [v for v in page.variants() if "skip" in page.options_for(v)]
    assert [page.options_for(v)["skip"] for v in skipped] == ["needs a public DNS name"]


def test_an_include_is_expanded_and_its_lines_belong_to_the_include_line(tmp_path):
    # docker/.env.example is a file pages include (pymdownx.snippets' base_path).
    page = read_page(write(tmp_path, '# T\n\n```dotenv title=".env"\n--8<-- ".env.example"\n```\n\n```bash\ntrue\n```\n'))
    env, shell = page.blocks
    assert "POSTGRES_DB=" in env.source and "--8<--" not in env.source
    assert (env.line, env.end_line, shell.line) == (3, 5, 7)


def test_a_fence_inside_a_markdown_example_is_not_a_block(tmp_path):
    page = read_page(write(tmp_path, '# T\n\n````markdown\n```bash\nrm -rf /\n```\n````\n'))
    assert [(b.language, b.kind) for b in page.blocks] == [("markdown", Kind.UNKNOWN)]


def test_an_older_rendition_is_named_for_its_release_and_keeps_the_source_lines():
    newest, older = read_page(PAGES / "versions.md"), read_page(PAGES / "versions.md", "0.1.1")
    assert newest.id == PageId("tests/runner/pages/versions.md", "0.1.5", True)
    assert str(older.id) == "tests/runner/pages/versions.md@0.1.1"
    assert PageId.parse(str(older.id)) == older.id
    assert newest.blocks[0].line == older.blocks[0].line == 3


@pytest.mark.parametrize("language, kind", [("bash", Kind.SHELL), ("Shell", Kind.SHELL), ("console", Kind.CONSOLE),
                                            ("caddyfile", Kind.CONFIG), ("python", Kind.UNKNOWN), ("", Kind.UNKNOWN)])
def test_a_fence_language_gives_the_block_kind(language, kind):
    assert LANGUAGES.get(language.lower(), Kind.UNKNOWN) == kind


def test_a_space_before_the_language_and_pygments_session_name_are_read(tmp_path):
    """Issue #41: an outside project wrote "``` sh" 899 times, and `shell-session` for console blocks."""
    page = read_page(write(tmp_path, "# T\n\n``` sh\necho a\n```\n\n```shell-session\n$ echo b\nb\n```\n"))
    assert [(b.language, b.kind, b.line) for b in page.blocks] == [("sh", Kind.SHELL, 3), ("shell-session", Kind.CONSOLE, 7)]


def test_an_outcome_check_carries_its_options_and_the_sentence_that_promises_it(tmp_path):
    page = read_page(write(tmp_path, "\n".join([
        "# T",
        "",
        '<!-- test-outcome: url=http://127.0.0.1:8000 user=admin password-file=pw.txt sees="A|B" -->',
        "You are signed in as `admin`,",
        "and see your tables.",
        "",
        "Next paragraph.",
    ])))
    (outcome,) = page.blocks
    assert (outcome.kind, outcome.line, outcome.shown) == (Kind.OUTCOME, 3, False)
    assert outcome.options == {"url": "http://127.0.0.1:8000", "user": "admin", "password-file": "pw.txt", "sees": "A|B"}
    assert outcome.source == "You are signed in as `admin`,\nand see your tables."


def test_an_outcome_check_carries_the_readers_browser_steps_below_its_first_line(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("# Page\n\n<!-- test-outcome: url=http://127.0.0.1:8000 user=admin password-file=pw.txt\n"
                    "- click: Databases\n- picture: images/x.png\n-->\nYou see your databases.\n")
    (outcome,) = read_page(path).blocks
    assert outcome.options["steps"] == "- click: Databases\n- picture: images/x.png\n"
    assert (outcome.line, outcome.end_line, outcome.source) == (3, 6, "You see your databases.")



def test_runner_comments_are_blanked_wherever_they_sit_and_their_lines_kept():
    from guide_runner.page import without_runner_comments

    lines = [
        "# Title",
        '<!-- test-page: starts-from="quickstart.md" -->',
        '=== "Tab"',
        "    <!-- test-hidden: bash",           # indented in a tab: Markdown shows it
        "    # a heading if Markdown read it",
        "    echo hidden > file -->",
        "    <!-- test: exit=1 -->",
        "    ```bash",
        "    shown",
        "    ```",
        "!!! note",
        "    - item",
        '        <!-- test-outcome: url=http://127.0.0.1:8000 sees="x"',  # in a list in an admonition
        "        - click: Sign in",
        "        -->",
        "        You see x.",
        "<!-- testers-checklists -->",          # another hook's marker
        "<!-- version: since 0.1.3 -->",
        "````markdown",                         # an example in a fence
        "<!-- test: exit=1 -->",
        "````",
    ]
    blanked = without_runner_comments("\n".join(lines)).split("\n")
    runner = {1, 3, 4, 5, 6, 12, 13, 14}
    assert blanked == ["" if i in runner else line for i, line in enumerate(lines)]
