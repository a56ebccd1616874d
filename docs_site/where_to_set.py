"""Where a reader sets each setting, per install method: the configuration
reference prints it (hooks/config_reference.py), and the tests hold Compose
and each method's effect check to it (tests/test_compose_settings.py,
tests/containers/test_settings_take_effect.py), and the Helm chart's
rendering (tests/helm/test_chart.py)."""

from __future__ import annotations

from collections.abc import Collection

# The install methods whose pages set Rowbook's settings, and how they do.
METHODS = {
    "compose": ("Docker Compose", "a line `{name}=...` in `.env`, next to `compose.yml`"),
    "image": ("Service image", "`-e {name}=...` or a line of the `--env-file` of `docker run`"),
    "all-in-one": ("All-in-one image", "`-e {name}=...` in the `docker run` of the Quickstart"),
    "without-docker": ("Without Docker", "a line `{name}=...` in `/etc/rowbook/rowbook.env`"),
    "deb": ("Debian package", "a line `{name}=...` in `/etc/rowbook/rowbook.env`, the file the package made"),
}

# Each method's page: a version of the docs without it has no row for the method.
PAGES = {"compose": "install/docker-compose.md", "image": "install/service-image.md", "all-in-one": "quickstart.md",
         "without-docker": "install/without-docker.md", "deb": "install/debian-package.md"}

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
    "all-in-one": {
        "POSTGRES_HOST": "the image runs its own PostgreSQL, inside the container",
        "POSTGRES_PORT": "the image's own PostgreSQL listens on its default port, inside the container",
        "ROWBOOK_HOST": "the image listens on all addresses inside the container; choose the "
                        "address on this machine with `-p`",
        "ROWBOOK_INSTALL_METHOD": "the image sets it to `all-in-one`",
        "ROWBOOK_ENV_FILE": "`docker run --env-file` reads the file",
    },
    "without-docker": {
        "ROWBOOK_ENV_FILE": "the systemd unit sets it to `/etc/rowbook/rowbook.env`",
    },
    "deb": {
        "ROWBOOK_ENV_FILE": "the package's systemd unit and `rowbook` command set it to `/etc/rowbook/rowbook.env`",
        "ROWBOOK_INSTALL_METHOD": "the package's systemd unit and `rowbook` command set it to `deb`",
    },
}


# The Helm chart (deploy/helm/rowbook) sets each setting from a value of its
# own: tests/helm/test_chart.py sets each value below and finds the setting in
# what the pods get (the ConfigMap, or the Secret for a secret). Any other
# setting that is not secret goes under `config.extra`.
HELM = "Helm chart"
HELM_VALUES = {
    "SECRET_KEY": "`secretKey` in your values file, or the Secret you name in `existingSecret`",
    "POSTGRES_PASSWORD": "`postgresql.password` in your values file, or the Secret you name in `existingSecret`",
    "DOMAIN_NAME": "`domainName` in your values file",
    "ROWBOOK_EXTRA_HOSTS": "`extraHosts` in your values file, a list",
    "POSTGRES_HOST": "`postgresql.host` in your values file",
    "POSTGRES_PORT": "`postgresql.port` in your values file",
    "POSTGRES_USER": "`postgresql.user` in your values file",
    "POSTGRES_DB": "`postgresql.database` in your values file",
    "ROWBOOK_WORKERS": "`config.workers` in your values file",
    "ROWBOOK_LOG_LEVEL": "`config.logLevel` in your values file",
    "ROWBOOK_TRUST_PROXY": "`config.trustProxy` in your values file (`auto`: on when the Ingress is)",
    "ROWBOOK_UPDATE_CHECK": "`config.updateCheck` in your values file",
}
HELM_EXTRA = "`{name}: \"...\"` under `config.extra` in your values file"
# A secret the chart has no value of its own for: config.extra is a ConfigMap.
HELM_SECRET_NOT_OFFERED = "not offered yet: it is a secret, and `config.extra` is not for secrets"
# What the chart does not let a reader set, and why (besides the secrets it
# has no value for, such as SECRET_KEY_FALLBACKS).
HELM_NOT_SET = {
    "ROWBOOK_HOST": "set for you (the image listens on all addresses inside the pod)",
    "ROWBOOK_PORT": "set for you (8000 inside the pod; the Service's port is `service.port`)",
    "ROWBOOK_ENV_FILE": "not used (the chart gives the pods their settings as environment variables)",
    "ROWBOOK_INSTALL_METHOD": "set for you (by the image)",
    "ROWBOOK_USER_DATABASE_URL": "not offered: it is deprecated and holds a password; add the database "
                                 "on the Databases page",
}


def helm_how(name: str, secret: bool) -> str:
    """Where a Helm install sets `name`, or why it does not."""
    if name in HELM_VALUES:
        return HELM_VALUES[name]
    if name in HELM_NOT_SET:
        return HELM_NOT_SET[name]
    if secret:
        return HELM_SECRET_NOT_OFFERED
    return HELM_EXTRA.format(name=name)


def where(name: str, secret: bool = False, helm: bool = False,
          methods: Collection[str] = tuple(METHODS)) -> list[tuple[str, str]]:
    """(method's title, where to set `name` there, or why not), per method of
    `methods` (those the docs have a page of); `helm`: the docs have the Helm
    chart's page, so a row for it too."""
    rows = [(title, f"set for you ({SET_ELSEWHERE[method][name]})" if name in SET_ELSEWHERE[method]
             else how.format(name=name)) for method, (title, how) in METHODS.items() if method in methods]
    return rows + ([(HELM, helm_how(name, secret))] if helm else [])
