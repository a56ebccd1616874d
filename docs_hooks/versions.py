"""MkDocs hook: pages show the text marked for the release the site describes.

docs/ describes the newest release; text marked `<!-- version: before X -->`
belongs to older releases' docs and is left out here (docs_tools/versions.py).
The versioned build writes each older release's pages already rendered, and
rendering twice changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docs_tools import versions  # noqa: E402


def on_page_markdown(markdown: str, page, config, files) -> str:
    return versions.render(markdown, versions.newest())
