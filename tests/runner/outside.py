"""A project of pytester's that turns the guide runner on ([tool.guide_runner])."""

from __future__ import annotations


def configure_runner(pytester, **keys: str) -> None:
    """pyproject.toml with a [tool.guide_runner] table (docs = "docs" and `keys`),
    and an empty docs/ folder."""
    table = {"docs": "docs", **keys}
    lines = "".join(f'{key.replace("_", "-")} = "{value}"\n' for key, value in table.items())
    pytester.makefile(".toml", pyproject=f"[tool.guide_runner]\n{lines}")
    (pytester.path / table["docs"]).mkdir(exist_ok=True)
