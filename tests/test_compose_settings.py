"""docker/compose.yml passes every setting of the configuration reference from
.env to Rowbook, or sets it itself for a reason written here. A setting added
to rowbook/config.py fails this test until compose.yml says what it does with it."""

from __future__ import annotations

import re

import yaml

from docs_site.where_to_set import SET_ELSEWHERE
from docs_site.paths import ROOT
from rowbook import config

COMPOSE = ROOT / "docker" / "compose.yml"
# Set by compose.yml or the image, not from .env, and why (also printed in the reference).
SET_BY_COMPOSE = SET_ELSEWHERE["compose"]


def rowbook_environment() -> dict[str, str]:
    return yaml.safe_load(COMPOSE.read_text())["services"]["rowbook"]["environment"]


def test_every_setting_is_passed_on_from_env_or_set_for_a_reason():
    environment = rowbook_environment()
    for var in config.VARIABLES:
        if var.name in SET_BY_COMPOSE:
            continue
        assert var.name in environment, f"compose.yml does not pass {var.name} on to Rowbook"
        assert re.fullmatch(rf"\$\{{{var.name}(:[-?].*)?\}}", str(environment[var.name])), \
            f"compose.yml sets {var.name} to {environment[var.name]!r}, not to the value in .env"


def test_the_settings_compose_sets_itself_are_settings():
    names = {var.name for var in config.VARIABLES}
    assert set(SET_BY_COMPOSE) <= names
    assert set(rowbook_environment()) - names == set()
