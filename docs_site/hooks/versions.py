"""MkDocs hook: pages show the text marked for the release the site describes.

docs/ describes the newest release; text marked `<!-- version: before X -->`
belongs to older releases' docs and is left out here (guide_runner/releases.py).
The versioned build writes each older release's pages already rendered, and
rendering twice changes nothing.
"""

from __future__ import annotations

from docs_site import paths  # noqa: F401 (sets the runner's project: this repository)
from guide_runner import releases


def on_page_markdown(markdown: str, page, config, files) -> str:
    return releases.render(markdown, releases.newest())
