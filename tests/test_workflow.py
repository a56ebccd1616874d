"""The CI workflow (.github/workflows/tests.yml), checked offline: GitHub's
schema for workflows (check-jsonschema's copy), zizmor's audit (pinned
actions, no credentials left in the checkout, no injection), and that its
parts are the parts it merges."""

from __future__ import annotations

import re
import shutil
import sys
import subprocess
from pathlib import Path

import pytest
import yaml

from docs_site.paths import ROOT

pytestmark = pytest.mark.reads_pages()

WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"
BIN = Path(sys.executable).parent


def schema_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True)


def audit(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "zizmor"), "--offline", "--no-progress", str(path)],
                          capture_output=True, text=True)


def test_the_workflow_meets_github_s_schema_and_the_audit():
    checked = schema_check(WORKFLOW)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    audited = audit(WORKFLOW)
    assert audited.returncode == 0, audited.stdout + audited.stderr


@pytest.mark.parametrize("change, found_by", [
    (("runs-on: [self-hosted, linux, x64, rowbook-docs]", "run-on: [self-hosted]"), schema_check),
    (("timeout-minutes: 90", "timeout-minutes: ninety"), schema_check),
    (("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@v4"), audit),
    # A branch name is the author's text: in a script, it runs as code.
    (("          scripts/setup.sh --docs", "          echo ${{ github.head_ref }}\n          scripts/setup.sh --docs"),
     audit),
])
def test_each_check_finds_what_it_is_for(tmp_path, change, found_by):
    text = WORKFLOW.read_text()
    assert change[0] in text
    broken = tmp_path / ".github" / "workflows" / "tests.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(change[0], change[1], 1))
    assert found_by(broken).returncode != 0


def test_each_part_runs_its_share_and_the_last_job_merges_every_part():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    part = workflow["jobs"]["part"]
    parts = part["strategy"]["matrix"]["part"]
    assert parts == list(range(1, len(parts) + 1))
    (run,) = [step for step in part["steps"] if step.get("run") == "scripts/test.sh"]
    assert run["env"]["ROWBOOK_DOCS_SHARD"] == "${{ matrix.part }}/%d" % len(parts)
    merge = "\n".join(step.get("run", "") for step in workflow["jobs"]["report"]["steps"])
    assert re.search(r"guide_runner\.shards merge reports " + " ".join(f"parts/reports-{n}" for n in parts), merge)
    assert workflow["jobs"]["report"]["if"] == "always()"
    assert all(step.get("with", {}).get("persist-credentials") is False
               for job in workflow["jobs"].values() for step in job["steps"] if "checkout" in step.get("uses", ""))


def test_the_tools_are_installed():
    for tool in ("check-jsonschema", "zizmor"):
        assert (BIN / tool).exists() or shutil.which(tool), f"{tool}: pip install -e '.[test]'"
