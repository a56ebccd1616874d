"""MkDocs hook: the Helm chart repository at /charts/ of the site (`helm repo
add rowbook https://docs.rowbook.example/charts`): every release's chart,
packaged as that release (docs_site/chart_repository.py)."""

from __future__ import annotations

from pathlib import Path

from docs_site.chart_repository import build


def on_post_build(config, **kwargs):
    build(Path(config["site_dir"]) / "charts", config["site_url"].rstrip("/") + "/charts/")
