"""docker/compose.yml passes every setting of the configuration reference from
.env to Rowbook, or sets it itself for a reason written here. A setting added
to rowbook/config.py fails this test until compose.yml says what it does with it."""

from __future__ import annotations

import re

import yaml

from guide_runner.paths import ROOT
from rowbook import config

COMPOSE = ROOT / "docker" / "compose.yml"
# Set by compose.yml or the image, not from .env, and why.
SET_BY_COMPOSE = {
    "POSTGRES_HOST": "the db service",
    "POSTGRES_PORT": "the db service listens on PostgreSQL's default port",
    "ROWBOOK_HOST": "the image listens on all addresses inside the container",
    "ROWBOOK_PORT": "8000 inside the container; in .env it is the port on this machine",
    "ROWBOOK_INSTALL_METHOD": "always compose",
    "ROWBOOK_TRUST_PROXY": "Caddy is the proxy; Rowbook's own port is on 127.0.0.1 only",
    "ROWBOOK_ENV_FILE": "Compose reads .env itself",
}


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
