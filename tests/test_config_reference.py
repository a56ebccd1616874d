"""The configuration reference lists every variable of the newest release's
rowbook/config.py, and nothing else (the work tree may be ahead of it)."""

from __future__ import annotations

import re

from docs_site.hooks.config_reference import config_of
from guide_runner import releases


def test_every_variable_is_on_the_page_and_nothing_else(built_site):
    config = config_of(releases.newest())
    html = (built_site / "configuration" / "index.html").read_text()
    documented = set(re.findall(r'<h3 id="([a-z0-9_]+)"', html))
    assert documented == {var.name.lower() for var in config.VARIABLES}
    for var in config.VARIABLES:
        assert f"{var.name}={var.example}" in html.replace("&amp;", "&")
