"""MkDocs hook: draft pages show in the preview and stay out of the published site.

A page is a draft when its front matter says `draft: true`.

- Preview (`mkdocs serve`): drafts render with a "Draft" banner at the top.
- Published build (`mkdocs build`, scripts/build-site.sh): drafts are removed
  before MkDocs builds the nav, so they are not rendered, not in the nav and
  not in the search index.

ROWBOOK_DOCS_DRAFTS=show or =hide overrides the choice made from the command,
e.g. to build a preview site with `mkdocs build`.
"""

from __future__ import annotations

import logging
import os

from mkdocs.utils.meta import get_data

from guide_runner.site_config import nav_without

log = logging.getLogger("mkdocs.hooks.drafts")

ENV = "ROWBOOK_DOCS_DRAFTS"
BANNER = """!!! warning "Draft"

    This page is a draft. It shows in the preview only and is left out of the
    published site until `draft: true` is removed from its front matter.

"""

_command = "build"


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def show_drafts() -> bool:
    choice = os.environ.get(ENV, "").strip().lower()
    if choice in ("show", "hide"):
        return choice == "show"
    if choice:
        raise ValueError(f"{ENV} must be 'show' or 'hide', not {choice!r}")
    return _command == "serve"


def is_draft(text: str) -> bool:
    _, meta = get_data(text)
    return meta.get("draft") is True


def on_files(files, config):
    if show_drafts():
        return files
    drafts = set()
    for file in list(files.documentation_pages()):
        if is_draft(file.content_string):
            drafts.add(file.src_uri)
            files.remove(file)
    if drafts:
        log.info("drafts left out of the published site: %s", ", ".join(sorted(drafts)))
        if config.nav:
            # strict mode fails on a nav entry whose page is missing, so drop it here.
            config.nav = nav_without(config.nav, drafts)
    return files


def on_page_markdown(markdown: str, page, config, files):
    if page.meta.get("draft") is not True:
        return markdown
    # Put the banner under the page's title, or on top when it has none.
    lines = markdown.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            if line.startswith("# "):
                return "\n".join(lines[: i + 1]) + "\n\n" + BANNER + "\n".join(lines[i + 1 :])
            break
    return BANNER + markdown
