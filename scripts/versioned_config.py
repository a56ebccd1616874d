"""Write the docs and mkdocs config of one release, for scripts/build-versioned-site.sh.

    versioned_config.py VERSION OUT_DIR   ->  OUT_DIR/docs/, OUT_DIR/mkdocs.yml

The docs are docs/ as release VERSION shows it (docs_tools/versions.py:
without the pages it does not have, nor their nav entries, with its own
text); the config is mkdocs.yml with absolute paths, the included files as
that release has them, and Material's version selector fed by mike's
versions.json.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docs_tools import versions  # noqa: E402
from docs_tools.site_config import nav_without, site_config  # noqa: E402


def main(version: str, out: Path) -> None:
    if version not in versions.versions():
        sys.exit(f"versioned_config.py: {version} is not in docs-versions.toml")
    without = set(versions.versions()[version].without)
    docs = out / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(ROOT / "docs", docs)
    for page in without:
        (docs / page).unlink()
    for page in docs.rglob("*.md"):  # each page as this release shows it
        page.write_text(versions.render(page.read_text(), version))
    config = site_config(docs)
    config["nav"] = nav_without(config["nav"], without)
    for entry in config["markdown_extensions"]:  # included files as this release has them
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            entry["pymdownx.snippets"]["base_path"] = [str(d) for d in versions.snippet_dirs(version)]
    if without:
        # Pages of later releases link to the pages left out here: in this
        # version's docs such a link is expected to lead nowhere.
        config["validation"] = {"links": {"not_found": "info"}}
    config.setdefault("extra", {})["version"] = {"provider": "mike"}
    config["extra"]["docs_release"] = version  # hooks that generate text read it
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]).resolve())
