"""The Helm chart repository the docs site serves at /charts/.

Each release whose commit holds the chart (deploy/helm/rowbook) is packaged
as chart version = that release, appVersion = that release, so
`helm install rowbook rowbook/rowbook --version 0.1.4` installs Rowbook 0.1.4.
(At the release tags the chart's own version stayed 0.1.0, and its appVersion
was raised only after a release was cut: the chart of v0.1.4 defaults to
0.1.3.) index.yaml is written by Helm's own `repo index`, through Helm's Go
SDK (helm-python-sdk): no helm binary, the same files Helm makes.

The site's hook (hooks/chart_repository.py) builds it into the site; the
Helm page's hidden step pulls from it (tests/helm/repository.py).
"""

from __future__ import annotations

import subprocess
import tempfile
import tomllib
from pathlib import Path

import helm_python as helm

from docs_site.paths import RELEASES_TOML, ROOT
from docs_site.release_tree import extract

CHART = "deploy/helm/rowbook"
NAME = "rowbook"


def releases_with_chart() -> list[tuple[str, str]]:
    """(version, commit) of each release whose commit holds the chart, oldest first."""
    found = []
    for release in tomllib.loads(RELEASES_TOML.read_text())["release"]:
        has_chart = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{release['commit']}:{CHART}/Chart.yaml"],
                                   capture_output=True).returncode == 0
        if has_chart:
            found.append((release["version"], release["commit"]))
    return found


def build(into: Path, base_url: str) -> dict:
    """Package each release's chart into `into` and index them for `base_url`."""
    into.mkdir(parents=True, exist_ok=True)
    for version, commit in releases_with_chart():
        with tempfile.TemporaryDirectory() as folder:
            chart = extract(commit, CHART, Path(folder))
            helm.package(chart, destination=into, version=version, app_version=version)
    return helm.repo_index_generate(into, base_url=base_url)
