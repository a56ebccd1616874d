"""Write the docs and mkdocs config of one release, for scripts/build-versioned-site.sh.

    python -m docs_site.versioned_config VERSION OUT_DIR   ->  OUT_DIR/docs/, OUT_DIR/mkdocs.yml

The docs are docs/ as release VERSION shows it (guide_runner/releases.py:
without the pages it does not have, nor their nav entries, with its own
text); the config is mkdocs.yml with absolute paths, the included files as
that release has them, and Material's version selector fed by mike's
versions.json.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from guide_runner import releases
from docs_site.paths import DOCS
from guide_runner.site_config import dump, nav_without, site_config


def main(version: str, out: Path) -> None:
    if version not in releases.versions():
        sys.exit(f"docs_site.versioned_config: {version} is not in docs-versions.toml")
    without = set(releases.versions()[version].without)
    docs = out / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(DOCS, docs)
    for page in without:
        (docs / page).unlink()
    for page in docs.rglob("*.md"):  # each page as this release shows it
        page.write_text(releases.render(page.read_text(), version))
    config = site_config(docs)
    config["nav"] = nav_without(config["nav"], without)
    for entry in config["markdown_extensions"]:  # included files as this release has them
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            entry["pymdownx.snippets"]["base_path"] = [str(d) for d in releases.snippet_dirs(version)]
    if without:
        # Pages of later releases link to the pages left out here: in this
        # version's docs such a link is expected to lead nowhere.
        config["validation"] = {"links": {"not_found": "info"}}
    # Every version but `latest` shows the "older release" banner (overrides/main.html).
    config.setdefault("extra", {})["version"] = {"provider": "mike", "default": "latest"}
    config["extra"]["docs_release"] = version  # hooks that generate text read it
    (out / "mkdocs.yml").write_text(dump(config))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]).resolve())
