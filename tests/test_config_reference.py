"""The configuration reference lists every variable of the newest release's
rowbook/config.py, and nothing else (the work tree may be ahead of it)."""

from __future__ import annotations

import re

from docs_site.release_tree import config_of
from guide_runner import releases


def test_every_variable_is_on_the_page_and_nothing_else(built_site):
    config = config_of(releases.newest())
    html = (built_site / "configuration" / "index.html").read_text()
    documented = set(re.findall(r'<h3 id="([a-z0-9_]+)"', html))
    assert documented == {var.name.lower() for var in config.VARIABLES}
    for var in config.VARIABLES:
        assert f"{var.name}={var.example}" in html.replace("&amp;", "&")


def test_each_variable_says_which_release_first_read_it(built_site):
    from docs_site.hooks.config_reference import since_of

    since = since_of(releases.newest())
    assert since["SECRET_KEY"] == "0.1.1"
    assert since["ROWBOOK_INSTALL_METHOD"] == "0.1.2"  # 0.1.1's reference has no such variable
    newest = {var.name for var in config_of(releases.newest()).VARIABLES}
    assert set(since) == newest  # a variable no longer read is not listed
    html = (built_site / "configuration" / "index.html").read_text()
    for name, version in since.items():
        section = html[html.index(f'<h3 id="{name.lower()}"'):]
        assert f"Since: {version}" in section[:section.index("</ul>")], name
