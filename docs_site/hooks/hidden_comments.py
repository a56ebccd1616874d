"""MkDocs hook: the runner's comments stay hidden wherever they sit, and the
build fails when a rendered page shows any runner syntax.

Markdown hides a multi-line HTML comment only where a block may start; one
indented in a tab, an admonition or a list is rendered as text. So each
`<!-- test...: ... -->` comment is blanked out before Markdown reads the page
(guide_runner/page.py, the same lexer the runner reads them with), and each
rendered page is checked for what would still show (docs_site/runner_syntax.py).
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError

from docs_site.runner_syntax import visible_runner_syntax
from guide_runner.page import without_runner_comments

_shown: dict[str, list[str]] = {}  # page -> runner syntax it shows, in this build


def on_pre_build(config):
    _shown.clear()


def on_page_markdown(markdown: str, page, config, files) -> str:
    return without_runner_comments(markdown)


def on_post_page(output: str, page, config) -> str:
    if found := visible_runner_syntax(output):
        _shown[page.file.src_uri] = found
    return output


def on_post_build(config):
    if _shown:
        pages = "\n".join(f"  {page}, in the built HTML at {'; '.join(found)}"
                          for page, found in sorted(_shown.items()))
        raise PluginError("runner syntax shows on the rendered site (a test comment Markdown did not "
                          f"hide, or text a reader should not see):\n{pages}\n"
                          "Fix the page source; a part that shows it on purpose carries "
                          'data-runner-syntax="shown" (docs_site/runner_syntax.py).')
