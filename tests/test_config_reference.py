"""The configuration reference lists every variable of rowbook/config.py, and nothing else."""

from __future__ import annotations

import re

from rowbook import config


def test_every_variable_is_on_the_page_and_nothing_else(built_site):
    html = (built_site / "configuration" / "index.html").read_text()
    documented = set(re.findall(r'<h3 id="([a-z0-9_]+)"', html))
    assert documented == {var.name.lower() for var in config.VARIABLES}
    for var in config.VARIABLES:
        assert f"{var.name}={var.example}" in html.replace("&amp;", "&")
