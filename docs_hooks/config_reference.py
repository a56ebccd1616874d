"""MkDocs hook: the configuration reference is generated from rowbook/config.py.

The page docs/configuration.md holds the marker `<!-- config-reference -->`;
this hook replaces it with one section per variable, so the page lists exactly
the variables the service reads and cannot drift from them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rowbook import config  # noqa: E402  (importable without Django, by design)

MARKER = "<!-- config-reference -->"
TYPES = {
    "str": "text", "int": "whole number", "port": "port number (1-65535)", "bool": "true or false",
    "secret": "secret text", "host": "host name", "url": "PostgreSQL URL", "loglevel": "log level",
}


def default_of(var: config.Var) -> str:
    """The default as the reader writes it: `false`, not `False`; "" if none."""
    if var.required or var.default is None:
        return ""
    return f"`{str(var.default).lower() if isinstance(var.default, bool) else var.default}`"


def variable_section(var: config.Var) -> str:
    default = "**required**" if var.required else default_of(var) or "not set"
    lines = [
        f"### `{var.name}`",
        "",
        var.help,
        "",
        f"- Type: {TYPES.get(var.type, var.type)}",
        f"- Default: {default}",
        f"- Example: `{var.name}={var.example}`",
    ]
    if var.secret:
        lines.append("- Secret: keep it private; Rowbook never prints it.")
    if var.deprecated:
        lines += ["", '!!! warning "Deprecated"', "", f"    {var.deprecated}"]
    return "\n".join(lines) + "\n"


def reference() -> str:
    required = [v for v in config.VARIABLES if v.required]
    optional = [v for v in config.VARIABLES if not v.required]
    summary = ["| Variable | Required | Default |", "|---|---|---|"]
    for var in config.VARIABLES:
        summary.append(f"| [`{var.name}`](#{var.name.lower()}) | {'yes' if var.required else 'no'} | {default_of(var)} |")
    return "\n".join([
        "\n".join(summary), "",
        "## Required settings", "", *map(variable_section, required),
        "## Optional settings", "", *map(variable_section, optional),
    ])


def on_page_markdown(markdown: str, page, **_) -> str:
    if page.file.src_uri != "configuration.md":
        return markdown
    if MARKER not in markdown:
        raise ValueError("docs/configuration.md lost its <!-- config-reference --> marker")
    return markdown.replace(MARKER, reference())
