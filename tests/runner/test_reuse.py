"""Reusing a scenario's pass (guide_runner/reuse.py): what changes a fingerprint, and what does not."""

from __future__ import annotations

import subprocess
from pathlib import Path

from guide_runner import plan_file
from guide_runner.outcomes import Outcome, Status
from guide_runner.reuse import engine_digest, files_digest, fingerprint, load, save

PAGES = Path(__file__).parent / "pages"


def write(tmp_path: Path, name: str, text: str) -> Path:
    page = tmp_path / name
    page.write_text(text)
    return page


BASE = '''# Base

```bash
echo one > installed
```
'''
DEPENDENT = '''# Dependent

<!-- test-page: starts-from="base.md" -->

```console
$ cat installed
one
```
'''
OTHER = '''# Other

```bash
echo other
```
'''


def fingerprints(tmp_path: Path, environment: str = "env") -> dict[str, str]:
    return {name: fingerprint(plan_file(tmp_path / name)[0], environment)
            for name in ("base.md", "dependent.md", "other.md")}


def test_a_changed_page_changes_its_own_fingerprint_and_its_dependents_only(tmp_path):
    for name, text in {"base.md": BASE, "dependent.md": DEPENDENT, "other.md": OTHER}.items():
        write(tmp_path, name, text)
    before = fingerprints(tmp_path)
    assert before == fingerprints(tmp_path)  # the same inputs, the same fingerprint
    write(tmp_path, "base.md", BASE.replace("echo one", "echo  one"))
    after = fingerprints(tmp_path)
    assert after["base.md"] != before["base.md"]
    assert after["dependent.md"] != before["dependent.md"]  # it runs base.md's blocks first
    assert after["other.md"] == before["other.md"]


def test_prose_outside_blocks_keeps_the_fingerprint_while_the_lines_stay(tmp_path):
    write(tmp_path, "other.md", OTHER)
    before = fingerprint(plan_file(tmp_path / "other.md")[0], "env")
    write(tmp_path, "other.md", OTHER.replace("# Other", "# Other, reworded"))
    assert fingerprint(plan_file(tmp_path / "other.md")[0], "env") == before
    write(tmp_path, "other.md", OTHER.replace("# Other", "# Other\n\nA new paragraph."))
    # Outcomes are stored by line: a block that moved runs again.
    assert fingerprint(plan_file(tmp_path / "other.md")[0], "env") != before


def test_the_environment_is_in_every_fingerprint():
    (plan,) = plan_file(PAGES / "carry.md")
    assert fingerprint(plan, "images A") != fingerprint(plan, "images B")


def test_files_digest_sees_a_changed_or_renamed_file_and_not_bytecode(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "compose.yml").write_text("services: {}\n")
    inputs = ("snippets", "releases.toml")
    (tmp_path / "releases.toml").write_text("")
    before = files_digest(tmp_path, inputs)
    (tmp_path / "snippets" / "__pycache__").mkdir()
    (tmp_path / "snippets" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert files_digest(tmp_path, inputs) == before
    (tmp_path / "snippets" / "compose.yml").write_text("services: {a: {}}\n")
    changed = files_digest(tmp_path, inputs)
    assert changed != before
    (tmp_path / "snippets" / "compose.yml").rename(tmp_path / "snippets" / "compose.yaml")
    assert files_digest(tmp_path, inputs) != changed


def test_engine_digest_is_the_tagged_images_and_versions():
    def fake(images: str):
        def run(command, **_):
            out = images if command[:2] == ["docker", "images"] else "20.10.24\n"
            return subprocess.CompletedProcess(command, 0, out, "")
        return run

    one = "rowbook/rowbook:0.1.3 sha256:aaa\n<none>:<none> sha256:bbb\n"
    assert engine_digest(fake(one)) == engine_digest(fake("rowbook/rowbook:0.1.3 sha256:aaa\n"))
    assert engine_digest(fake(one)) != engine_digest(fake("rowbook/rowbook:0.1.3 sha256:ccc\n"))


def test_a_stored_pass_comes_back_with_every_outcome(tmp_path):
    outcomes = {("docs/a.md", 3): Outcome(Status.VERIFIED), ("docs/a.md", 9): Outcome(Status.HIDDEN, "teardown")}
    save("key", "docs/a.md [page]", outcomes, 12.34, "0123456789abcdef", tmp_path)
    stored = load("key", tmp_path)
    assert stored.outcomes == outcomes
    assert stored.describe().startswith("docs/a.md [page]: passed ")
    assert stored.describe().endswith(" at 0123456789 (12 s saved)")
    assert load("another key", tmp_path) is None
    (tmp_path / "key.json").write_text("{not json")
    assert load("key", tmp_path) is None  # unreadable: run it again
