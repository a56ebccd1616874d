"""mkdocs.yml, read in one place: by the page model (snippet settings), the
site's tests, the editor's link check and the versioned build.

It is read with MkDocs' own YAML loader, except that `!ENV` tags are kept as
they are instead of being resolved: a copy written elsewhere (a temp config
with absolute paths, to build from anywhere) still reads the variable when
MkDocs loads it. That is how the link check turns htmlproofer on:
`ROWBOOK_DOCS_CHECK_LINKS=true`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from mkdocs.utils.yaml import get_yaml_loader

from .project import current

# mkdocs.yml: `enabled: !ENV [ROWBOOK_DOCS_CHECK_LINKS, false]` on htmlproofer.
CHECK_LINKS = "ROWBOOK_DOCS_CHECK_LINKS"


class EnvTag(list):
    """An `!ENV [NAME, default]` value, kept for MkDocs to resolve."""


def _keep_env_tag(loader, node) -> EnvTag:
    if isinstance(node, yaml.SequenceNode):
        return EnvTag(loader.construct_sequence(node))
    return EnvTag([loader.construct_scalar(node)])


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(EnvTag, lambda dumper, value: dumper.represent_sequence("!ENV", list(value)))


@cache
def _loader():
    loader = get_yaml_loader()
    loader.add_constructor("!ENV", _keep_env_tag)
    return loader


def mkdocs_yml() -> dict:
    """mkdocs.yml as written (a fresh copy: callers may change it)."""
    return yaml.load(current().mkdocs_yml.read_text(), Loader=_loader())


def snippets_options() -> dict | None:
    """pymdownx.snippets' settings, as the site uses them; None when the site
    does not use it (pages are then run as written)."""
    extensions = mkdocs_yml().get("markdown_extensions") or []
    if isinstance(extensions, dict):  # MkDocs also takes a mapping of name: settings
        extensions = [{name: value} for name, value in extensions.items()]
    for entry in extensions:
        if entry == "pymdownx.snippets":
            return {}
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            return dict(entry["pymdownx.snippets"] or {})
    return None


def site_config(docs_dir: Path | None = None, **overrides) -> dict:
    """mkdocs.yml with absolute paths (snippet folders, hooks), to build the
    site from a config written anywhere, often with another docs_dir."""
    config = mkdocs_yml()
    root = current().root
    config["docs_dir"] = str(docs_dir or current().docs)
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            options = entry["pymdownx.snippets"]
            options["base_path"] = [str(root / p) for p in options["base_path"]]
    config["hooks"] = [str(root / hook) for hook in config.get("hooks", [])]
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str(root / theme["custom_dir"])
    config.update(overrides)
    return config


def dump(config: dict) -> str:
    """The config as YAML for MkDocs, `!ENV` tags included."""
    return yaml.dump(config, Dumper=_Dumper, sort_keys=False)


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
