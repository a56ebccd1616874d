"""mkdocs.yml as a dict with absolute paths, to build the site from anywhere.

Tests and the versioned build write this config into a temp directory (often
with another docs_dir); relative paths in it (snippet folders, hooks) would
then point nowhere.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def site_config(docs_dir: Path | None = None, **overrides) -> dict:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["docs_dir"] = str(docs_dir or ROOT / "docs")
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            options = entry["pymdownx.snippets"]
            options["base_path"] = [str(ROOT / p) for p in options["base_path"]]
    config["hooks"] = [str(ROOT / hook) for hook in config.get("hooks", [])]
    config.update(overrides)
    return config


def nav_without(entries: list, pages: set[str]) -> list:
    """The nav with every entry that points at one of `pages` removed (and the
    sections that end up empty). Used for drafts and for older versions' docs."""
    kept = []
    for entry in entries:
        if isinstance(entry, dict):
            (title, value), = entry.items()
            if isinstance(value, list):
                value = nav_without(value, pages)
                if value:
                    kept.append({title: value})
                continue
            if value not in pages:
                kept.append(entry)
        elif entry not in pages:
            kept.append(entry)
    return kept
