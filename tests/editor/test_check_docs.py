"""scripts/check-docs.sh passes on the docs, and names file:line for a planted mistake of each kind."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import FIXTURE_SITE
from docs_site.paths import ROOT

CHECK = ROOT / "scripts" / "check-docs.sh"


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK), *args], capture_output=True, text=True, cwd=ROOT)


def test_the_docs_pass_every_check():
    result = check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no findings" in result.stderr


def test_the_fixture_site_passes_every_check():
    result = check(str(FIXTURE_SITE))
    assert result.returncode == 0, result.stdout + result.stderr


def plant(page: Path, after_line: int, text: str) -> None:
    """Insert text after line `after_line` of the page (0: at the top)."""
    lines = page.read_text().split("\n")
    lines[after_line:after_line] = text.split("\n")
    page.write_text("\n".join(lines))


# (what, line to insert after, text, the finding's line, its rule, needs the site build)
MISTAKES = {
    "markdown lint": (3, "\n", 6, "markdownlint MD012", False),  # reported on the last blank line
    "spelling": (3, "\nYou will recieve a login page.", 5, "spelling", False),
    "shellcheck in a bash block": (
        3, "\n```bash\nfor f in $(ls); do echo \"$f\"; done\n```", 6, "shellcheck SC2045", False),
    "shellcheck in a console command": (
        3, "\n```console\n$ echo ready\nready\n$ rm -rf $target_dir/cache\n```", 8, "shellcheck SC2086", False),
    "heading case": (3, "\n## Install The Service", 5, "style-heading-case", False),
    "banned word": (3, "\nThen just open the page.", 5, "style-banned-word", False),
    "command outside a fence": (3, "\n$ rowbook --version", 5, "style-command-outside-fence", False),
    "a step that does not say what you should see": (
        3, "\n```bash\nmkdir -p more\n```\n\nThis makes a folder.", 5, "style-you-should-see", False),
    "a command wider than a code block": (
        3, "\n```bash\ndocker run -d --name rowbook -p 127.0.0.1:8000:8000 -v rowbook-data:/data rowbook/all-in-one\n```",
        6, "style-long-command", False),
    "broken link": (3, "\nSee [the missing page](missing.md).", 5, "link", True),
    "broken anchor": (3, "\nSee [the missing section](#no-such-section).", 5, "link", True),
}


@pytest.mark.parametrize("kind", MISTAKES)
def test_a_planted_mistake_fails_with_its_file_and_line(site_copy, kind):
    after, text, line, rule, needs_build = MISTAKES[kind]
    page = site_copy / "install" / "demo.md"
    plant(page, after, text)
    result = check(str(site_copy), *([] if needs_build else ["--no-links"]))
    assert result.returncode == 1, result.stdout + result.stderr
    expected = f"{page}:{line}: {rule}: "
    found = [out for out in result.stdout.splitlines() if out.startswith(expected)]
    assert found, f"no line starting {expected!r} in:\n{result.stdout}{result.stderr}"
    print(found[0])  # shown with -s: the line the editor sees
