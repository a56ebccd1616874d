"""The support window (guide_runner/release_passes.py): an older release's
scenario runs again when its inputs change or its recorded pass is too old;
meanwhile the committed record stands for it, and says so."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from guide_runner import plan_file
from guide_runner.outcomes import Outcome, Status
from guide_runner.release_passes import (FAILED, PASSED, REUSED, RecordError, ReleasePass, inputs_digest, load,
                                         release_files_digest, save, updated, why_run)

pytest_plugins = ["pytester"]

PAGE = '''# Start

```bash
echo "{release}" >> "{log}"
echo installed
```
'''


def recorded(name: str, inputs: str = "d1", when: str = "2026-12-01") -> ReleasePass:
    return ReleasePass(name, inputs, {"date": when, "commit": "0123456789abcdef"}, 42.0,
                       {("docs/a.md", 3): Outcome(Status.VERIFIED)})


def test_a_scenario_runs_unless_its_record_has_the_same_inputs_and_is_recent():
    today = date(2026, 12, 7)
    assert why_run(None, "d1", today, 30) == "no pass recorded"
    assert why_run(recorded("a", "d0"), "d1", today, 30) == "its inputs changed since its pass on 2026-12-01"
    assert why_run(recorded("a", when="2026-11-01"), "d1", today, 30) == (
        "its pass on 2026-11-01 is 36 days old (more than 30)")
    assert why_run(recorded("a", when="yesterday"), "d1", today, 30).startswith("its recorded pass has no usable date")
    assert why_run(recorded("a"), "d1", today, 30) is None


def test_the_digest_is_the_same_in_a_clone_elsewhere_and_changes_with_a_block(tmp_path):
    def digest_in(root: Path, text: str) -> str:
        root.mkdir(exist_ok=True)
        page = root / "page.md"
        page.write_text(text.format(release="1.0", log=root / "log"))  # the block names the clone's own path
        (plan,) = plan_file(page)
        assert str(root) in repr(plan)
        return inputs_digest(plan, "files", root)

    here = digest_in(tmp_path / "here", PAGE)
    assert digest_in(tmp_path / "elsewhere", PAGE) == here
    assert digest_in(tmp_path / "elsewhere", PAGE.replace("echo installed", "echo  installed")) != here
    (plan,) = plan_file(tmp_path / "here" / "page.md")
    assert inputs_digest(plan, "other files", tmp_path / "here") != here


def test_the_newest_release_inputs_are_not_an_older_release_input(tmp_path):
    for name, text in {"src/app.py": "v1", "scripts/build.sh": "b1", "README.md": "r"}.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    files = ["README.md", "scripts/build.sh", "src/app.py"]
    before = release_files_digest(files, tmp_path, ("src", "scripts"), ("src",))
    (tmp_path / "src/app.py").write_text("v2")  # the service's source: an older release runs its own commit's
    (tmp_path / "README.md").write_text("r2")  # not an input at all
    assert release_files_digest(files, tmp_path, ("src", "scripts"), ("src",)) == before
    (tmp_path / "scripts/build.sh").write_text("b2")
    assert release_files_digest(files, tmp_path, ("src", "scripts"), ("src",)) != before


def test_the_record_after_a_run_keeps_what_was_reused_takes_new_passes_and_drops_failures():
    records = {name: recorded(name) for name in ("kept", "reused", "ran", "broke", "gone")}
    new = recorded("ran", "d2", "2026-12-07")
    ran = {"reused": (REUSED, records["reused"]), "ran": (PASSED, new), "broke": (FAILED, None)}
    after = updated(records, ran, kept={"kept", "reused", "ran", "broke"})
    assert after == {"kept": records["kept"], "ran": new, "reused": records["reused"]}


def test_a_record_comes_back_whole_and_a_broken_one_says_what_to_do(tmp_path):
    path = tmp_path / "release-passes.json"
    assert load(path) == {}  # none yet: every older scenario runs
    save(path, {"a": recorded("a")})
    assert load(path) == {"a": recorded("a")}
    path.write_text('{"passes": {"a": {"inputs": "d1"}}}')
    with pytest.raises(RecordError, match=r"release-passes.json: not a record .* delete it .* or restore it from git"):
        load(path)


# In-process runs of a small project with two releases, its pages run on this machine.
PYPROJECT = '''[tool.guide_runner]
docs = "docs"
releases = "docs-versions.toml"
run-pages-in = "host"
reports = "reports"
release-passes = "release-passes.json"
release-passes-days = 30
newest-release-inputs = ["src"]
inputs = ["src", "scripts"]
'''
VERSIONS = '''[versions."1.0"]
replace = [["2\\\\.0", "1.0"]]

[versions."2.0"]
'''


@pytest.fixture
def project(pytester, tmp_path):
    """The project, a git checkout (outside one nothing is fingerprinted); its
    page appends the release it runs as to `log`, so a test counts the runs."""
    log = tmp_path / "runs.log"
    pytester.makefile(".toml", pyproject=PYPROJECT)
    pytester.makefile(".yml", mkdocs="site_name: Example\n")
    (pytester.path / "docs-versions.toml").write_text(VERSIONS)
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "start.md").write_text(PAGE.format(release="2.0", log=log))
    for name in ("src", "scripts"):
        (pytester.path / name).mkdir()
        (pytester.path / name / "file").write_text("one\n")
    subprocess.run(["git", "init", "-q"], cwd=pytester.path, check=True)
    pytester._monkeypatch.delenv("GUIDE_RUNNER_ENGINE_LOCK", raising=False)
    pytester._monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    return log


RUN = ("-p", "no:cacheprovider", "-rA")


def runs(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def test_an_older_release_runs_once_then_its_record_stands_for_it_until_an_input_changes(pytester, project):
    first = pytester.runpytest(*RUN)
    assert first.parseoutcomes() == {"passed": 2}, first.stdout.str()
    assert runs(project) == ["2.0", "1.0"]
    first.stdout.fnmatch_lines(["older releases' passes recorded in reports/release-passes.json; commit it as "
                                "release-passes.json *"])
    assert not (pytester.path / "release-passes.json").exists()  # only --update-release-passes writes it
    (pytester.path / "reports" / "release-passes.json").rename(pytester.path / "release-passes.json")

    second = pytester.runpytest(*RUN)
    assert second.parseoutcomes() == {"passed": 1, "reused": 1}, second.stdout.str()
    assert runs(project) == ["2.0", "1.0", "2.0"]  # the newest release runs every time
    second.stdout.fnmatch_lines([
        "*not run: older releases' scenarios whose inputs are unchanged since their recorded pass*",
        f"docs/start.md@1.0 [[]page[]]: not run, its inputs are unchanged since its pass on {date.today()} at *",
        "1 scenarios not run, * s saved"])
    report = json.loads((pytester.path / "reports" / "coverage.json").read_text())
    assert set(report["release_passes"]) == {"docs/start.md@1.0 [page]"}
    assert report["pages"]["docs/start.md@1.0"]["recorded_run"]["date"] == str(date.today())
    assert "recorded_run" not in report["pages"]["docs/start.md"]
    # Its block counts as the recorded pass left it: the same counts as a run.
    assert report["pages"]["docs/start.md@1.0"]["counts"]["executed"] == 1
    second.stdout.no_fnmatch_line("*commit it as*")  # nothing new to commit

    (pytester.path / "src" / "file").write_text("two\n")  # the newest release's own source
    assert pytester.runpytest(*RUN).parseoutcomes() == {"passed": 1, "reused": 1}
    every = pytester.runpytest(*RUN, "--every-release")
    assert every.parseoutcomes() == {"passed": 2}
    assert runs(project)[-2:] == ["2.0", "1.0"]

    (pytester.path / "scripts" / "file").write_text("two\n")  # an input of every release
    changed = pytester.runpytest(*RUN, "--update-release-passes")
    assert changed.parseoutcomes() == {"passed": 2}
    assert runs(project)[-2:] == ["2.0", "1.0"]
    changed.stdout.fnmatch_lines(["older releases' passes recorded in reports/release-passes.json, "
                                  "release-passes.json"])
    assert pytester.runpytest(*RUN).parseoutcomes() == {"passed": 1, "reused": 1}


def test_an_older_release_that_fails_loses_its_record_and_runs_until_it_passes(pytester, project):
    pytester.runpytest(*RUN, "--update-release-passes").assert_outcomes(passed=2)
    page = pytester.path / "docs" / "start.md"
    page.write_text(page.read_text().replace("echo installed", "echo installed; exit 3"))
    broken = pytester.runpytest(*RUN, "--update-release-passes")
    broken.assert_outcomes(failed=2)
    assert json.loads((pytester.path / "release-passes.json").read_text())["passes"] == {}
    page.write_text(page.read_text().replace("echo installed; exit 3", "echo installed"))
    pytester.runpytest(*RUN).assert_outcomes(passed=2)  # its old record is gone: it runs


def test_a_record_too_old_runs_the_scenario_again(pytester, project):
    pytester.runpytest(*RUN, "--update-release-passes").assert_outcomes(passed=2)
    path = pytester.path / "release-passes.json"
    data = json.loads(path.read_text())
    for entry in data["passes"].values():
        entry["run"]["date"] = "2020-01-01"
    path.write_text(json.dumps(data))
    assert pytester.runpytest(*RUN).parseoutcomes() == {"passed": 2}


def test_a_broken_record_is_a_usage_error_naming_the_file(pytester, project):
    (pytester.path / "release-passes.json").write_text("{not json")
    run = pytester.runpytest(*RUN)
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.stderr.fnmatch_lines(["*release-passes.json: not a record of release passes the guide runner wrote*"])
    assert not os.path.exists(project)  # nothing ran


def test_a_dry_run_says_which_older_scenarios_the_record_stands_for_and_why_the_others_run(pytester, project):
    before = pytester.runpytest(*RUN, "--dry-run")
    before.stdout.fnmatch_lines(["docs/start.md::page@1.0: on this machine, in a scratch folder "
                                 "(an older release's: it runs, no pass recorded)"])
    assert runs(project) == []
    pytester.runpytest(*RUN, "--update-release-passes").assert_outcomes(passed=2)
    standing = pytester.runpytest(*RUN, "--dry-run")
    standing.stdout.fnmatch_lines([f"docs/start.md@1.0 [[]page[]]: not run, its inputs are unchanged since "
                                   f"its pass on {date.today()} at *"])
    (pytester.path / "scripts" / "file").write_text("two\n")
    changed = pytester.runpytest(*RUN, "--dry-run")
    changed.stdout.fnmatch_lines([f"docs/start.md::page@1.0: * (an older release's: it runs, its inputs changed "
                                  f"since its pass on {date.today()})"])
    assert runs(project) == ["2.0", "1.0"]  # the dry runs ran nothing
