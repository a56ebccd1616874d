"""Expand `--8<--` includes exactly as the site does, and map lines back.

pymdownx.snippets runs with mkdocs.yml's own settings (site_config.py), with
the included folders as the page's release has them (releases.py), so a block
holds byte for byte what the reader sees on the site.
"""

from __future__ import annotations

import difflib

import markdown

from . import releases
from .project import cached, current
from .site_config import snippets_options


@cached
def _preprocessor(release: str):
    options = snippets_options()
    if options is None:
        return None  # the site includes nothing: the page is what it shows
    folders = {d.name: d for d in releases.snippet_dirs(release)}
    options["base_path"] = [str(folders.get(p, current().root / p)) for p in options.get("base_path", ["."])]
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    return md.preprocessors["snippet"]


def expand_snippets(text: str, release: str, source: str | None = None) -> tuple[str, list[int]]:
    """Expand --8<-- includes; also return, for each expanded line, its 1-based
    line in `source` (the page file; default: `text` itself)."""
    preprocessor = _preprocessor(release)
    expanded = preprocessor.run(text.split("\n")) if preprocessor else text.split("\n")
    original = (text if source is None else source).split("\n")
    line_of = [0] * len(expanded)
    matcher = difflib.SequenceMatcher(a=original, b=expanded, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        for j in range(b1, b2):
            # A changed line (another release's text) keeps its place; an
            # included line belongs to the --8<-- line that pulled it in.
            line_of[j] = a1 + min(j - b1, max(a2 - a1 - 1, 0)) + 1
    return "\n".join(expanded), line_of
