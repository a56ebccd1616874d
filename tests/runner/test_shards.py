"""`--shard K/N` (guide_runner/shards.py): every test in exactly one part,
tests that share a setup together, parts balanced by committed durations;
and the parts' coverage reports merged as one run would count them."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from guide_runner import shards
from guide_runner.outcomes import Status
from guide_runner.report import Coverage, ReportMismatch

from tests.runner.outside import configure_runner

pytestmark = pytest.mark.reads_pages()
pytest_plugins = ["pytester"]


@pytest.mark.parametrize("value", ["1/2", "2/2", "3/3", "1/1"])
def test_a_part_is_k_of_n(value):
    assert str(shards.parse(value)) == value


@pytest.mark.parametrize("value, says", [
    ("2", "write it as K/N"), ("1/", "write it as K/N"), ("a/b", "write it as K/N"), ("-1/2", "write it as K/N"),
    ("0/2", "from 1 to 2"), ("3/2", "from 1 to 2"), ("1/0", "from 1 to 0"),
])
def test_a_wrong_part_says_what_to_write(value, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        shards.parse(value)


def test_longest_first_onto_the_least_loaded_part():
    seconds = {"a": 50, "b": 40, "c": 30, "d": 20, "e": 10}
    assert shards.deal(seconds, 2) == {"a": 1, "b": 2, "c": 2, "d": 1, "e": 1}
    assert shards.deal(seconds, 1) == dict.fromkeys(seconds, 1)
    # Equal times: by name, whatever the order they came in.
    assert shards.deal({"y": 1.0, "x": 1.0, "z": 1.0}, 2) == shards.deal({"x": 1.0, "z": 1.0, "y": 1.0}, 2) \
        == {"x": 1, "y": 2, "z": 1}


def collected(pytester, *args: str) -> list[str]:
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *args)
    return [line for line in result.outlines if "::" in line]


def test_the_parts_are_the_whole_suite_each_test_once_a_module_together(pytester):
    configure_runner(pytester, durations="durations.json")
    for n in range(6):
        pytester.makepyfile(**{f"test_m{n}": "".join(f"def test_{t}():\n    pass\n" for t in range(n + 1))})
    # The committed durations: test_m0's one test is the longest by far.
    pytester.makefile(".json", durations=json.dumps({"test_m0.py::test_0": 100.0}))
    every = collected(pytester)
    parts = [collected(pytester, "--shard", f"{k}/3") for k in (1, 2, 3)]
    assert sorted(sum(parts, [])) == sorted(every) and len(every) == 21
    modules = [{test.split("::")[0] for test in part} for part in parts]
    assert not (modules[0] & modules[1] or modules[1] & modules[2] or modules[0] & modules[2])
    assert parts[0] == ["test_m0.py::test_0"]  # alone: 100 s against 20 tests of 1 s
    # The same parts on another run: nothing depends on this machine's own passes.
    assert collected(pytester, "--shard", "2/3") == parts[1]


def test_shard_is_a_usage_error_where_the_runner_is_off_or_the_value_wrong(pytester):
    pytester.makepyfile("def test_one():\n    pass\n")
    result = pytester.runpytest("--shard", "1/2", "-p", "no:cacheprovider", "-o", "addopts=")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--shard are the guide runner's*no [[]tool.guide_runner[]] table*"])
    configure_runner(pytester)
    result = pytester.runpytest("--shard", "0/2", "-p", "no:cacheprovider", "-o", "addopts=")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--shard '0/2': the part must be from 1 to 2*"])


def report(blocks: dict[int, tuple[str, str]], digest: str = "abc", skipped: dict | None = None) -> dict:
    """A coverage.json of one page, docs/p.md, with these (status, detail) by line."""
    entries = [{"line": line, "language": "bash", "kind": "shell", "tab": None, "outcome_check": False,
                "status": status, "detail": detail} for line, (status, detail) in blocks.items()]
    return {"pages": {"docs/p.md": {"blocks": entries, "source_sha256": digest, "counts": {}}},
            "skipped_variants": skipped or {}}


def test_merged_coverage_counts_a_block_as_one_run_would():
    unrun = ("not run", "")
    first = report({1: ("verified", ""), 2: unrun, 3: ("executed", ""), 4: unrun, 5: ("not collected", "language 'x'")},
                   skipped={"docs/p.md [Tab]": "needs a domain"})
    second = report({1: ("verified", ""), 2: ("executed", ""), 3: ("failed", "exit 1"), 4: unrun,
                     5: ("not collected", "language 'x'")})
    merged = Coverage.merged([first, second]).as_json()
    statuses = [(b["line"], b["status"], b["detail"]) for b in merged["pages"]["docs/p.md"]["blocks"]]
    assert statuses == [(1, "verified", ""), (2, "executed", ""), (3, "failed", "exit 1"), (4, "not run", ""),
                        (5, "not collected", "language 'x'")]
    assert merged["totals"][Status.FAILED] == 1 and merged["totals"][Status.VERIFIED] == 1
    assert merged["skipped_variants"] == {"docs/p.md [Tab]": "needs a domain"}
    # "Not run" after a failure in a part is what that part ran: it counts.
    after = report({1: ("not run", "after the failure at docs/p.md:1"), 2: unrun, 3: unrun, 4: unrun, 5: unrun})
    merged = Coverage.merged([after, second]).as_json()["pages"]["docs/p.md"]["blocks"]
    assert merged[0]["status"] == "not run" and merged[1]["status"] == "executed"


def test_parts_of_other_pages_are_not_merged():
    with pytest.raises(ReportMismatch, match="every part must run the same commit"):
        Coverage.merged([report({1: ("verified", "")}), report({1: ("verified", "")}, digest="other")])


def test_the_merge_command_writes_one_report(tmp_path):
    for n, status in ((1, "verified"), (2, "not run")):
        (tmp_path / f"part{n}").mkdir()
        (tmp_path / f"part{n}" / "coverage.json").write_text(json.dumps(report({1: (status, "")}) | {"run": {"n": n}}))
    merge = subprocess.run([sys.executable, "-m", "guide_runner.shards", "merge", str(tmp_path / "out"),
                            str(tmp_path / "part1"), str(tmp_path / "part2")], capture_output=True, text=True)
    assert merge.returncode == 0, merge.stderr
    data = json.loads((tmp_path / "out" / "coverage.json").read_text())
    assert data["pages"]["docs/p.md"]["blocks"][0]["status"] == "verified"
    assert data["runs"] == [{"n": 1}, {"n": 2}]
    assert "TOTAL" in (tmp_path / "out" / "coverage.txt").read_text()
    missing = subprocess.run([sys.executable, "-m", "guide_runner.shards", "merge", str(tmp_path / "out"),
                              str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert missing.returncode == 2 and "cannot read a part's coverage.json" in missing.stderr
