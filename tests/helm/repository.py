"""The Helm page's stand-in for `helm repo add` and `helm pull`: CI has no
helm binary and no docs site on the internet.

    python -m tests.helm.repository pull VERSION FOLDER

Builds the chart repository as the docs site has it (docs_site/chart_repository.py),
serves it on a free local port, and pulls that release's chart from it with
Helm's SDK, untarred into FOLDER/rowbook, as `helm pull --untar` would.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import helm_python as helm

from docs_site.chart_repository import NAME, build
from tests.browser.site_build import serve


def pull(version: str, repo_url: str, folder: Path) -> Path:
    """`helm pull rowbook --repo REPO_URL --version VERSION --untar`."""
    folder.mkdir(parents=True, exist_ok=True)
    helm.pull(NAME, repo_url=repo_url, version=version, untar=True, untar_dir=folder, destination=folder)
    return folder / NAME


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "pull":
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    version, folder = argv[1], Path(argv[2])
    with tempfile.TemporaryDirectory() as site, serve(Path(site)) as url:
        build(Path(site) / "charts", f"{url}charts/")
        chart = pull(version, f"{url}charts/", folder)
    print(f"pulled the chart {NAME} {version} into {chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
