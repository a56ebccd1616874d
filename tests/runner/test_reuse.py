"""Reusing a scenario's pass (guide_runner/reuse.py): what changes a fingerprint, and what does not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from guide_runner.parallel import host_lock
from tests.runner.outside import configure_runner
from guide_runner import plan_file
from guide_runner.outcomes import Outcome, Status
from docs_site.paths import PROJECT, ROOT
from guide_runner.reuse import (files_digest, fingerprint, inputs_of_test, latest_passes, load, machine_parts,
                                repository_files, save, why_run_again)

PAGES = Path(__file__).parent / "pages"
# Of docs/, it plans these two pages (and the pages they start from).
pytestmark = pytest.mark.reads_pages("docs/backup.md", "docs/quickstart.md")


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


ENV = {"files": "env"}


def fingerprints(tmp_path: Path, environment: dict[str, str] = ENV) -> dict[str, str]:
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
    before = fingerprint(plan_file(tmp_path / "other.md")[0], ENV)
    write(tmp_path, "other.md", OTHER.replace("# Other", "# Other, reworded"))
    assert fingerprint(plan_file(tmp_path / "other.md")[0], ENV) == before
    write(tmp_path, "other.md", OTHER.replace("# Other", "# Other\n\nA new paragraph."))
    # Outcomes are stored by line: a block that moved runs again.
    assert fingerprint(plan_file(tmp_path / "other.md")[0], ENV) != before


def test_the_environment_is_in_every_fingerprint():
    (plan,) = plan_file(PAGES / "carry.md")
    assert fingerprint(plan, {"images": "A"}) != fingerprint(plan, {"images": "B"})


def test_files_digest_sees_a_changed_or_renamed_input_file_and_only_the_files_git_lists(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "compose.yml").write_text("services: {}\n")
    (tmp_path / "releases.toml").write_text("")
    (tmp_path / "README.md").write_text("not an input")
    inputs = ("snippets", "releases.toml")
    listed = ["README.md", "releases.toml", "snippets/compose.yml"]
    before = files_digest(listed, tmp_path, inputs)
    (tmp_path / "snippets" / "__pycache__").mkdir()  # not listed by git: ignored
    (tmp_path / "snippets" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    (tmp_path / "README.md").write_text("changed, and not an input")
    assert files_digest(listed, tmp_path, inputs) == before
    (tmp_path / "snippets" / "compose.yml").write_text("services: {a: {}}\n")
    changed = files_digest(listed, tmp_path, inputs)
    assert changed != before
    (tmp_path / "snippets" / "compose.yml").rename(tmp_path / "snippets" / "compose.yaml")
    assert files_digest([*listed[:2], "snippets/compose.yaml"], tmp_path, inputs) != changed


def test_outside_a_git_checkout_nothing_is_fingerprinted(tmp_path):
    assert repository_files(tmp_path) is None  # a tarball: nothing stored or reused, nothing fails


def fake_machine(images: str):
    def run(command, **_):
        out = images if command[:2] == ["docker", "images"] else "20.10.24\n"
        return subprocess.CompletedProcess(command, 0, out, "")
    return run


def test_the_machine_is_its_tagged_images_and_versions():
    one = "rowbook/rowbook:0.1.3 sha256:aaa\n<none>:<none> sha256:bbb\n"
    assert machine_parts(fake_machine(one)) == machine_parts(fake_machine("rowbook/rowbook:0.1.3 sha256:aaa\n"))
    assert machine_parts(fake_machine(one)) != machine_parts(fake_machine("rowbook/rowbook:0.1.3 sha256:ccc\n"))


def test_a_scenario_run_again_says_what_changed_since_its_last_pass(tmp_path):
    then = {"files": "f1", **machine_parts(fake_machine("a:1 sha256:a\nb:2 sha256:b\nc:3 sha256:c\n"))}
    save("k1", "docs/a.md [page]", {}, 1.0, "abc", tmp_path, then)
    save("k0", "docs/b.md [page]", {}, 1.0, "abc", tmp_path)  # stored without its inputs
    latest = latest_passes(tmp_path)
    now = {**then, "files": "f2", "images": "a:1 sha256:a\nc:3 sha256:new\nd:4 sha256:d"}
    assert why_run_again("docs/a.md [page]", now, latest).endswith(
        "files; images (new: d:4; gone: b:2; rebuilt: c:3)")
    assert why_run_again("docs/a.md [page]", then, latest).startswith("its blocks changed since its last pass (")
    assert why_run_again("docs/b.md [page]", then, latest).endswith("was stored without its inputs")
    assert why_run_again("docs/c.md [page]", then, latest) == "no pass stored on this machine"


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


def test_a_changed_page_runs_the_tests_that_may_read_it_again_and_not_the_service_tests(tmp_path):
    files = ["docs/index.md", "docs/install/kubernetes.md", "rowbook/settings.py"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("one")

    def digests() -> dict[str, str]:
        return {test: inputs_of_test(test, files, tmp_path, pages_read_by_folder=PROJECT.pages_read_by_folder) for test in
                ("tests/service/test_a.py", "tests/helm/test_chart.py", "tests/browser/test_pages.py")}

    before = digests()
    (tmp_path / "docs/index.md").write_text("two")
    after_page = digests()
    assert after_page["tests/service/test_a.py"] == before["tests/service/test_a.py"]  # reads no page
    assert after_page["tests/helm/test_chart.py"] == before["tests/helm/test_chart.py"]  # reads kubernetes.md only
    assert after_page["tests/browser/test_pages.py"] != before["tests/browser/test_pages.py"]  # the site has every page
    (tmp_path / "docs/install/kubernetes.md").write_text("two")
    assert digests()["tests/helm/test_chart.py"] != before["tests/helm/test_chart.py"]
    (tmp_path / "rowbook/settings.py").write_text("two")
    assert digests()["tests/service/test_a.py"] != before["tests/service/test_a.py"]


def test_a_test_that_reads_some_pages_runs_again_for_those_and_for_the_rest_of_docs_only(tmp_path):
    files = ["docs/a.md", "docs/b.md", "docs/stylesheets/extra.css", "mkdocs.yml"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("one")

    def digest() -> str:
        return inputs_of_test("tests/browser/test_browser_paste.py", files, tmp_path, pages=frozenset({"docs/a.md"}))

    before = digest()
    (tmp_path / "docs/b.md").write_text("two")  # another page
    assert digest() == before
    for name in ("docs/a.md", "docs/stylesheets/extra.css", "mkdocs.yml"):  # its page, the site's other files
        (tmp_path / name).write_text("two")
        assert digest() != before, name
        before = digest()


def test_the_pages_a_test_reads_include_those_they_start_from():
    from guide_runner.plugin import _pages_read
    assert _pages_read(("docs/backup.md",)) >= {"docs/backup.md", "docs/quickstart.md"}  # starts from the Quickstart
    assert _pages_read(("docs/quickstart.md",)) == {"docs/quickstart.md"}


def test_changed_deselects_the_tests_that_passed_with_the_same_inputs(tmp_path):
    # The host's packages are part of the fingerprint: no page may change the host between the runs.
    with host_lock():
        _changed_deselects(tmp_path)


def _changed_deselects(tmp_path):
    run = [sys.executable, "-m", "pytest", "tests/runner/test_console.py", "-p", "no:cacheprovider",
           f"--pass-store={tmp_path}", "--changed"]
    first = subprocess.run(run, cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0 and " passed in " in first.stdout and "deselected" not in first.stdout, first.stdout
    second = subprocess.run(run, cwd=ROOT, capture_output=True, text=True)
    stored = len(list(tmp_path.glob("*.json")))
    assert second.returncode == 0, second.stdout  # all reused is a pass, not "no tests ran"
    assert f" {stored} deselected in " in second.stdout
    assert f"tests/runner: {stored} tests, " in second.stdout


pytest_plugins = ["pytester"]


def test_changed_runs_a_test_again_whose_last_run_failed_though_its_inputs_did_not_change(pytester, tmp_path):
    # The test reads a file outside the repository, so outside its fingerprint,
    # as a test may depend on a network or a busy engine: its inputs stay the same.
    outcome = tmp_path / "outcome"
    pytester.makepyfile(test_outside=f"""
        from pathlib import Path

        def test_reads_outside():
            assert Path({str(outcome)!r}).read_text() == "pass"
    """)
    configure_runner(pytester)
    # A git checkout: outside one, nothing is fingerprinted, so nothing is stored or reused.
    subprocess.run(["git", "init", "-q"], cwd=pytester.path, check=True)
    changed = ["-p", "no:cacheprovider", f"--pass-store={tmp_path / 'store'}", "--changed"]
    with host_lock():  # the host's packages are in the fingerprint: no page may change them meanwhile
        outcome.write_text("pass")
        pytester.runpytest(*changed).assert_outcomes(passed=1)
        assert pytester.runpytest(*changed).parseoutcomes() == {"deselected": 1}
        outcome.write_text("fail")
        pytester.runpytest(*changed[:-1]).assert_outcomes(failed=1)  # a run of everything, as CI's
        broken = pytester.runpytest(*changed)
        broken.assert_outcomes(failed=1)  # run again, not deselected: no false green
        assert broken.ret == pytest.ExitCode.TESTS_FAILED
        broken.stdout.fnmatch_lines(["test_outside.py::test_reads_outside: its last run failed"])
        outcome.write_text("pass")
        pytester.runpytest(*changed).assert_outcomes(passed=1)  # still failed last: run
        assert pytester.runpytest(*changed).parseoutcomes() == {"deselected": 1}
