"""MkDocs hook: publish releases.toml as releases.json, and as the Releases page.

releases.json, at the root of the built site, is the feed Rowbook's About
page reads (ROWBOOK_RELEASE_FEED_URL). It is generated on every build and
never edited by hand. Links in it are relative to the feed's own URL, so a
copy of the site on another host links to itself.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from mkdocs.exceptions import PluginError
from packaging.version import InvalidVersion, Version

from docs_site import settings_changes
from docs_site.release_tree import config_of
from docs_site.paths import RELEASES_TOML
from guide_runner import releases
from rowbook import install_methods

RELEASES_PAGE = "releases.md"  # the page the release list is appended to
FEED_NAME = "releases.json"
FEED_FORMAT = 1

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def notes_anchor(version: str) -> str:
    return "release-" + version.replace(".", "-")


def load_releases(path: Path = RELEASES_TOML) -> list[dict]:
    """The releases in releases.toml, newest first; PluginError naming what is wrong."""
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("release", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PluginError(f"{path}: cannot read it: {exc}") from None
    seen = set()
    for entry in entries:
        version = entry.get("version", "")
        try:
            Version(str(version))
        except InvalidVersion:
            raise PluginError(f'{path}: release version "{version}" is not a version like 1.2.3 or 1.3.0rc1') from None
        if version in seen:
            raise PluginError(f"{path}: release {version} is listed twice")
        seen.add(version)
        if not _DATE.match(str(entry.get("date", ""))):
            raise PluginError(f"{path}: release {version}: date must be like 2026-11-24")
        summary = entry.get("summary", "")
        if not isinstance(summary, str) or not summary or "\n" in summary:
            raise PluginError(f"{path}: release {version}: summary must be one line of text")
        if not isinstance(entry.get("notes", ""), str):
            raise PluginError(f"{path}: release {version}: notes must be text")
        if not isinstance(entry.get("security", False), bool):
            raise PluginError(f"{path}: release {version}: security must be true or false")
    return sorted(entries, key=lambda e: Version(str(e["version"])), reverse=True)


def methods_documented(docs_dir: Path | str) -> list[install_methods.InstallMethod]:
    """The install methods whose upgrade page these docs have: an older
    release's docs are built without the pages that came later (the Debian
    package's page, say)."""
    return [m for m in install_methods.METHODS if (Path(docs_dir) / m.page).is_file()]


def feed(entries: list[dict], methods: list[install_methods.InstallMethod] = install_methods.METHODS) -> dict:
    """The releases.json document (shape documented in rowbook/core/release_feed.py)."""
    releases = []
    for entry in entries:
        item = {
            "version": entry["version"],
            "date": entry["date"],
            "summary": entry["summary"],
            "notes_url": f"{Path(RELEASES_PAGE).stem}/#{notes_anchor(entry['version'])}",
            "upgrade": {m.name: m.upgrade_link for m in methods},
        }
        if entry.get("notes"):
            item["notes"] = entry["notes"].strip()
        if entry.get("security"):
            # Releases up to 0.1.5 (their About pages) show only the summary, which says so too.
            item["security"] = True
        releases.append(item)
    # Installs of 0.1.1 and 0.1.2 accept only final versions in "releases":
    # pre-releases go in a list of their own, which they do not read.
    finals = [r for r in releases if not Version(r["version"]).is_prerelease]
    document = {"format": FEED_FORMAT, "latest": finals[0]["version"] if finals else None, "releases": finals}
    prereleases = [r for r in releases if Version(r["version"]).is_prerelease]
    if prereleases:
        document["prereleases"] = prereleases
    return document


def upgrading_anchor(version: str) -> str:
    return "upgrading-to-" + version.replace(".", "-")


def upgrading_markdown(version: str, changes: settings_changes.Changes, links: str,
                       documented: frozenset[str]) -> str:
    """The "Upgrading to X" section: what the release changed in the settings
    (generated from each release's rowbook/config.py), and the upgrade steps
    of each install method. `documented`: the settings the configuration
    page of this build describes, the ones a name can link to."""
    def name(setting: str) -> str:
        return f"[`{setting}`](configuration.md#{setting.lower()})" if setting in documented else f"`{setting}`"

    if changes.first:
        return ""  # nothing to upgrade from
    lines = [f"### Upgrading to {version} {{#{upgrading_anchor(version)}}}", ""]
    optional = [s for s in changes.added if s not in changes.required]
    if changes.required:
        lines.append(f"- New settings that you must set before you upgrade: "
                     f"{', '.join(name(s) for s in changes.required)}.")
    if optional:
        lines.append(f"- New settings, optional: {', '.join(name(s) for s in optional)}.")
    for setting, why in changes.deprecated.items():
        lines.append(f"- {name(setting)} is deprecated: {why}")
    if changes.removed:
        lines.append(f"- No longer read, remove from your settings: {', '.join(f'`{s}`' for s in changes.removed)}.")
    if len(lines) == 2:
        lines.append("- No setting was added, deprecated or removed: your settings stay as they are.")
    lines += [f"- How to upgrade: {links}", ""]
    return "\n".join(lines)


def releases_markdown(entries: list[dict], methods: list[install_methods.InstallMethod] = install_methods.METHODS,
                      documented: frozenset[str] = frozenset()) -> str:
    """One section per release, newest first, for the Releases page; each
    with its "Upgrading to X" section (settings compared with the release
    before it in `entries`)."""
    parts = []
    for index, entry in enumerate(entries):
        version = entry["version"]
        older = entries[index + 1]["version"] if index + 1 < len(entries) else None
        links = " · ".join(f"[{m.label}]({m.page}#{m.anchor})" for m in methods)
        parts.append(f"## Rowbook {version} {{#{notes_anchor(version)}}}\n\n"
                     f"Released {entry['date']}. {entry['summary']}\n")
        if entry.get("notes"):
            parts.append(entry["notes"].strip() + "\n")
        upgrading = upgrading_markdown(version, settings_changes.between(older, version), links, documented)
        parts += [upgrading] if upgrading else []
    return "\n".join(parts)


def on_serve(server, config, builder, **kwargs):
    server.watch(str(RELEASES_TOML))  # `mkdocs serve` rebuilds when releases.toml changes
    return server


def on_page_markdown(markdown, page, config, files, **kwargs):
    if page.file.src_uri == RELEASES_PAGE:
        methods = methods_documented(config["docs_dir"])
        # The versioned build names the release it builds (docs_site/versioned_config.py).
        release = config.extra.get("docs_release") or releases.newest()
        documented = frozenset(var.name for var in config_of(release).VARIABLES)
        return markdown.rstrip() + "\n\n" + releases_markdown(load_releases(), methods, documented) + "\n"
    return markdown


def on_post_build(config, **kwargs):
    path = Path(config["site_dir"]) / FEED_NAME
    document = feed(load_releases(), methods_documented(config["docs_dir"]))
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
