"""The site builds in strict mode, and a missing include breaks the build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


import yaml

from docs_site.chart_repository import NAME, releases_with_chart
from docs_site.paths import ROOT
from guide_runner.site_config import dump, mkdocs_yml, site_config

MKDOCS = [sys.executable, "-m", "mkdocs"]


def build(config: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*MKDOCS, "build", "--strict", "-f", str(config), "-d", str(site)],
                          capture_output=True, text=True, cwd=ROOT)


def test_the_site_builds_in_strict_mode(built_site):
    assert (built_site / "prerequisites" / "index.html").exists()


def test_every_nav_page_exists_and_every_page_is_in_the_nav():
    config = mkdocs_yml()

    def pages(entries):
        for entry in entries:
            for value in entry.values():
                yield from pages(value) if isinstance(value, list) else [value]

    in_nav = set(pages(config["nav"]))
    on_disk = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert in_nav == on_disk


def test_a_missing_include_fails_the_build(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    (docs / "prerequisites.md").write_text('# Broken\n\n```bash\n--8<-- "no-such-snippet.sh"\n```\n')
    config = site_config(docs)
    (tmp_path / "mkdocs.yml").write_text(dump(config))
    result = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "no-such-snippet.sh" in result.stderr


def test_the_built_site_serves_the_helm_chart_repository(built_site):
    """/charts/ (docs_site/hooks/chart_repository.py): Helm's index and each
    release's chart, at the URL the Helm guide adds (tests/helm/test_chart_repository.py
    pulls from it with Helm's SDK)."""
    index = yaml.safe_load((built_site / "charts" / "index.yaml").read_text())
    versions = [version for version, _ in releases_with_chart()]
    assert sorted(e["version"] for e in index["entries"][NAME]) == sorted(versions)
    assert all(e["urls"] == [f"https://docs.rowbook.example/charts/{NAME}-{e['version']}.tgz"]
               for e in index["entries"][NAME])
    assert all((built_site / "charts" / f"{NAME}-{version}.tgz").is_file() for version in versions)
