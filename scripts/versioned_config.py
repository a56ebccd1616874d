"""Write the docs and mkdocs config of one release, for scripts/build-versioned-site.sh.

    versioned_config.py VERSION OUT_DIR   ->  OUT_DIR/docs/, OUT_DIR/mkdocs.yml

The docs are a copy of docs/ without the pages docs-versions.toml lists for
VERSION (and without their nav entries); the config is mkdocs.yml with
absolute paths and Material's version selector fed by mike's versions.json.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docs_tools.site_config import nav_without, site_config  # noqa: E402


def main(version: str, out: Path) -> None:
    versions = tomllib.loads((ROOT / "docs-versions.toml").read_text())["versions"]
    if version not in versions:
        sys.exit(f"versioned_config.py: {version} is not in docs-versions.toml")
    without = set(versions[version]["without"])
    docs = out / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(ROOT / "docs", docs)
    for page in without:
        (docs / page).unlink()
    config = site_config(docs)
    config["nav"] = nav_without(config["nav"], without)
    if without:
        # Pages of later releases link to the pages left out here: in this
        # version's docs such a link is expected to lead nowhere.
        config["validation"] = {"links": {"not_found": "info"}}
    config.setdefault("extra", {})["version"] = {"provider": "mike"}
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]).resolve())
