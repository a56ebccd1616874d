"""Where a reader sets each setting, per install method: the configuration
reference prints it (hooks/config_reference.py), and the tests hold Compose
and each method's effect check to it (tests/test_compose_settings.py,
tests/containers/test_settings_take_effect.py)."""

from __future__ import annotations

# The install methods whose pages set Rowbook's settings, and how they do.
METHODS = {
    "compose": ("Docker Compose", "a line `{name}=...` in `.env`, next to `compose.yml`"),
    "image": ("Service image", "`-e {name}=...` or a line of the `--env-file` of `docker run`"),
    "without-docker": ("Without Docker", "a line `{name}=...` in `/etc/rowbook/rowbook.env`"),
}

# What a method sets itself, and why: the reader does not set it there.
SET_ELSEWHERE: dict[str, dict[str, str]] = {
    "compose": {
        "POSTGRES_HOST": "compose.yml points it to the db service",
        "POSTGRES_PORT": "the db service listens on PostgreSQL's default port",
        "ROWBOOK_HOST": "the image listens on all addresses inside the container",
        "ROWBOOK_PORT": "8000 inside the container; `ROWBOOK_PORT` in `.env` is the port on this machine",
        "ROWBOOK_INSTALL_METHOD": "compose.yml sets it to `compose`",
        "ROWBOOK_TRUST_PROXY": "compose.yml turns it on: Caddy is the proxy, and Rowbook's own port "
                               "is on 127.0.0.1 only",
        "ROWBOOK_ENV_FILE": "Compose reads `.env` itself",
    },
    "image": {
        "ROWBOOK_HOST": "the image listens on all addresses inside the container; choose the "
                        "address on this machine with `-p`",
        "ROWBOOK_ENV_FILE": "`docker run --env-file` reads the file",
    },
    "without-docker": {
        "ROWBOOK_ENV_FILE": "the systemd unit sets it to `/etc/rowbook/rowbook.env`",
    },
}


def where(name: str) -> list[tuple[str, str]]:
    """(method's title, where to set `name` there, or why not), per method."""
    return [(title, f"set for you ({SET_ELSEWHERE[method][name]})" if name in SET_ELSEWHERE[method]
             else how.format(name=name)) for method, (title, how) in METHODS.items()]
