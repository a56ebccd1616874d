"""MkDocs hook: the configuration reference is generated from rowbook/config.py
as each release has it (from its commit in releases.toml).

The page docs/configuration.md holds the marker `<!-- config-reference -->`;
this hook replaces it with one section per variable, so the page lists exactly
the variables the service reads and cannot drift from them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from guide_runner import releases
from docs_site.paths import RELEASES_TOML
from docs_site.release_tree import config_of
from docs_site.where_to_set import PAGES, where

MARKER = "<!-- config-reference -->"
TYPES = {
    "str": "text", "int": "whole number", "port": "port number (1-65535)", "bool": "true or false",
    "secret": "secret text", "host": "host name", "hosts": "host names, separated by commas",
    "url": "PostgreSQL URL", "loglevel": "log level",
}


def default_of(var) -> str:
    """The default as the reader writes it: `false`, not `False`; "" if none."""
    if var.required or var.default is None:
        return ""
    return f"`{str(var.default).lower() if isinstance(var.default, bool) else var.default}`"


def variable_section(var, since: str, helm: bool = False, methods: tuple[str, ...] = tuple(PAGES)) -> str:
    default = "**required**" if var.required else default_of(var) or "not set"
    lines = [
        f"### `{var.name}`",
        "",
        var.help,
        "",
        f"- Type: {TYPES.get(var.type, var.type)}",
        f"- Default: {default}",
        f"- Since: {since}",
        f"- Example: `{var.name}={var.example}`",
    ]
    if var.secret:
        lines.append("- Secret: keep it private; Rowbook never prints it.")
    if getattr(var, "file_variable", ""):  # releases after 0.1.2
        lines.append(f"- Also read from a file: set `{var.file_variable}` to the file's path (a Docker "
                     "secret, a systemd credential); [Keep secrets in files](secrets-in-files.md) shows how.")
    lines.append("- Where to set it:")
    lines += [f"    - {method}: {how}" for method, how in where(var.name, var.secret, helm, methods)]
    if var.deprecated:
        lines += ["", '!!! warning "Deprecated"', "", f"    {var.deprecated}"]
    return "\n".join(lines) + "\n"


def reference(module, since: dict[str, str], helm: bool = False, methods: tuple[str, ...] = tuple(PAGES)) -> str:
    """The summary table and a section per variable; `since`: the release
    that first read each variable; `helm`: where the Helm chart sets it too;
    `methods`: the install methods these docs have a page of."""
    required = [v for v in module.VARIABLES if v.required]
    optional = [v for v in module.VARIABLES if not v.required]
    summary = ["| Variable | Required | Default | Since |", "|---|---|---|---|"]
    for var in module.VARIABLES:
        summary.append(f"| [`{var.name}`](#{var.name.lower()}) | {'yes' if var.required else 'no'} "
                       f"| {default_of(var)} | {since[var.name]} |")
    return "\n".join([
        "\n".join(summary), "",
        "## Required settings", "", *(variable_section(v, since[v.name], helm, methods) for v in required),
        "## Optional settings", "", *(variable_section(v, since[v.name], helm, methods) for v in optional),
    ])


def _released_up_to(release: str) -> list[str]:
    """The releases of releases.toml up to `release`, oldest first."""
    def key(version: str) -> tuple[int, ...]:
        return tuple(int(part) for part in version.split("."))

    versions = [r["version"] for r in tomllib.loads(RELEASES_TOML.read_text())["release"]]
    return sorted((v for v in versions if key(v) <= key(release)), key=key)


def since_of(release: str) -> dict[str, str]:
    """For each variable `release` reads, the first release that read it."""
    since: dict[str, str] = {}
    for version in _released_up_to(release):
        for var in config_of(version).VARIABLES:
            since.setdefault(var.name, version)
    return {var.name: since[var.name] for var in config_of(release).VARIABLES}


def on_page_markdown(markdown: str, page, config, **_) -> str:
    if page.file.src_uri != "configuration.md":
        return markdown
    if MARKER not in markdown:
        raise ValueError("docs/configuration.md lost its <!-- config-reference --> marker")
    # The versioned build names the release it builds (docs_site/versioned_config.py).
    release = config.extra.get("docs_release") or releases.newest()
    # A method's rows where these docs have its page: the Helm chart came after
    # 0.1.2, the Debian package's page is the newest release's only.
    docs = Path(config["docs_dir"])
    helm = (docs / "install" / "kubernetes.md").is_file()
    methods = tuple(method for method, page in PAGES.items() if (docs / page).is_file())
    return markdown.replace(MARKER, reference(config_of(release), since_of(release), helm, methods))
