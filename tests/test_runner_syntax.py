"""The runner syntax check (docs_site/runner_syntax.py, docs_site/hooks/hidden_comments.py):
no rendered page shows the guide runner's comments or variables, and a page
that does fails the build."""

from __future__ import annotations

import html
import json
import shutil

from docs_site.runner_syntax import visible_runner_syntax
from docs_site.paths import ROOT
from guide_runner.site_config import dump, site_config
from tests.test_site_build import build


def test_runner_syntax_in_visible_text_is_found_wherever_it_is_split():
    html = ("<h1>Sign in</h1>\n"
            "<p>&lt;!-- test-hidden: bash</p>\n"
            '<pre><code><span class="o">docker</span> cp x <span>$RUNNER_</span><span>FILES</span></code></pre>\n'
            "<p>caddy-root.crt --&gt;</p>\n")
    found = visible_runner_syntax(html)
    assert [f.split(":")[0] for f in found] == ["line 2", "line 3", "line 4"]


def test_comments_scripts_and_parts_shown_on_purpose_are_not_visible_text():
    html = ("<!-- test-hidden: bash\necho $RUNNER_FILES -->\n"
            "<script>var a = '<!-- test'; // RUNNER_X</script>\n"
            '<div data-runner-syntax="shown"><div><p>replaced by $RUNNER_SANDBOX-pg</p></div>'
            "<p>still in the notes: RUNNER_FILES</p></div>\n"
            "<p>a guide</p>\n")
    assert visible_runner_syntax(html) == []
    assert visible_runner_syntax(html + "<p>after the notes: $RUNNER_FILES</p>") != []


def test_no_page_of_the_built_site_shows_runner_syntax(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    shown = {str(p.relative_to(built_site)): found for p in pages if (found := visible_runner_syntax(p.read_text()))}
    assert shown == {}
    # The Compose guide's hidden step in its HTTPS tab, indented in a tab, is hidden.
    compose = (built_site / "install" / "docker-compose" / "index.html").read_text()
    assert "caddy-root.crt" not in compose and "CI has no public domain" not in compose
    # Nor is it in search results: only the test notes name the runner's variables, on purpose.
    entries = json.loads((built_site / "search" / "search_index.json").read_text())["docs"]
    found = {e["location"] for e in entries for syntax in ("<!-- test", "-->", "RUNNER_")
             if syntax in html.unescape(e["title"] + e["text"])}
    assert {location.split("#")[0] for location in found} <= {"how-tested/"}


def test_a_page_that_shows_runner_syntax_fails_the_build_naming_it(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    page = docs / "prerequisites.md"
    page.write_text(page.read_text() + "\n\nCopy the file to `$RUNNER_FILES/docker/`.\n")
    (tmp_path / "mkdocs.yml").write_text(dump(site_config(docs)))
    result = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "runner syntax shows on the rendered site" in result.stderr
    assert "prerequisites.md" in result.stderr and "$RUNNER_FILES/docker/" in result.stderr
