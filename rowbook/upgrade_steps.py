"""How to upgrade Rowbook to a given version, per install method, in one place.

The About page shows these steps to the admin. They are the commands of each
method's upgrade section (docs/upgrade.md; the Debian package's own page),
which the guide runner runs; tests/test_upgrade_steps.py fails when the two
differ. Importable without Django. The names (container "rowbook", volume
"rowbook-data", the venv in /opt/rowbook, /etc/rowbook/rowbook.env) are the
ones the install guides use; change them here and in the guides together.
"""

from __future__ import annotations

from dataclasses import dataclass

from rowbook import install_methods

CONTAINER = "rowbook"
ALL_IN_ONE_VOLUME = "rowbook-data"
VENV = "/opt/rowbook"
ENV_FILE = "/etc/rowbook/rowbook.env"
# The Compose file of each release, as the Upgrade page downloads it.
COMPOSE_FILE_URL = "https://raw.githubusercontent.com/rowbook/rowbook-docs/v{version}/docker/compose.yml"


@dataclass(frozen=True)
class Step:
    say: str  # one plain-English sentence
    run: str = ""  # the exact command(s), if any


def backup_file(version: str) -> str:
    return f"rowbook-before-{version}.dump"


def _backup(method: str, version: str) -> Step:
    """Back up first: the new release may migrate the internal database, and
    going back needs the settings (and Compose file) of the old release too.
    The dump holds the users and the stored passwords: umask 077, only the
    admin reads it."""
    dump = backup_file(version)
    if method == "compose":
        return Step("Back up Rowbook's internal database, your settings and your Compose file, "
                    "so you can go back.",
                    # pg_dump last: pasted, it would take the lines after it as its input.
                    f"cp .env .env.before-{version}\n"
                    f"cp compose.yml compose.yml.before-{version}\n"
                    "(umask 077 && docker compose exec -T db \\\n"
                    "  pg_dump --username=rowbook --format=custom rowbook \\\n"
                    f"  > {dump})")
    if method == "all-in-one":
        return Step("Back up Rowbook's internal database first, so you can go back.",
                    f"(umask 077 && docker exec --user rowbook {CONTAINER} \\\n"
                    f"  pg_dump --format=custom rowbook > {dump})")
    if method == "deb":
        # Next to the reader, not in /etc/rowbook: a purge removes that folder.
        return Step("Back up Rowbook's internal database and its settings, so you can go back.",
                    "(umask 077 && sudo -u postgres pg_dump --format=custom rowbook \\\n"
                    f"  > {dump})\n"
                    f"sudo cp -p {ENV_FILE} rowbook.env.before-{version}")
    if method == "without-docker":  # PostgreSQL runs on the same server
        return Step("Back up Rowbook's internal database and its settings, so you can go back.",
                    "(umask 077 && sudo -u postgres pg_dump --format=custom rowbook \\\n"
                    f"  > {dump})\n"
                    f"sudo cp -p {ENV_FILE} {ENV_FILE}.before-{version}")
    # image and helm: PostgreSQL is your own server (outside the cluster, for helm).
    where = "your values.yaml" if method == "helm" else "your rowbook.env"
    reaches = " that reaches your PostgreSQL server" if method == "helm" else ""
    return Step(f"Back up Rowbook's internal database first, so you can go back (on a machine with "
                f"the PostgreSQL client tools{reaches}; use the values of {where}).",
                "(umask 077 && pg_dump --host=<POSTGRES_HOST> --username=<POSTGRES_USER> \\\n"
                f"  --format=custom --file={dump} <POSTGRES_DB>)")


def _image(version: str) -> list[Step]:
    return [
        Step("Download the new image, remove the old container and start a new one with the same "
             "settings; it applies database migrations when it starts.",
             f"docker pull rowbook/rowbook:{version}\n"
             f"docker rm -f {CONTAINER}\n"
             f"docker run -d --name {CONTAINER} --restart unless-stopped \\\n"
             f"  --env-file rowbook.env -p 127.0.0.1:8000:8000 rowbook/rowbook:{version}"),
    ]


def _compose(version: str) -> list[Step]:
    return [
        Step(f"Download the Compose file of {version}, and set ROWBOOK_VERSION={version} in the "
             ".env file next to it.",
             f"curl -fsSLO \\\n  {COMPOSE_FILE_URL.format(version=version)}\n"
             f"sed -i '/^ROWBOOK_VERSION=/d' .env && echo \"ROWBOOK_VERSION={version}\" >> .env"),
        Step("Download the new images and re-create the containers; Rowbook applies database "
             "migrations when it starts.",
             "docker compose pull\ndocker compose up -d --wait"),
    ]


def _all_in_one(version: str) -> list[Step]:
    return [
        Step(f"Download the new image, and replace the container with one of the new image, on the "
             f"same volume ({ALL_IN_ONE_VOLUME}); your data and generated secrets stay in it.",
             f"docker pull rowbook/all-in-one:{version}\n"
             f"docker rm -f {CONTAINER}\n"
             f"docker run -d --name {CONTAINER} -p 127.0.0.1:8000:8000 -v {ALL_IN_ONE_VOLUME}:/data \\\n"
             f"  rowbook/all-in-one:{version}"),
    ]


def _without_docker(version: str) -> list[Step]:
    return [
        Step("Install the new release into Rowbook's virtual environment, apply its database "
             f"migrations (the rowbook command runs them as the rowbook user, with {ENV_FILE}), "
             "and restart Rowbook.",
             f"sudo {VENV}/bin/pip install rowbook=={version}\n"
             "rowbook migrate\n"
             "sudo systemctl restart rowbook"),
    ]


def _deb(version: str) -> list[Step]:
    return [
        Step(f"Install the new release with apt, from Rowbook's package repository. The package "
             f"applies its database migrations and restarts Rowbook; {ENV_FILE} stays as it is.",
             "sudo apt-get update\n"
             "sudo apt-get upgrade -y"),
    ]


def _helm(version: str) -> list[Step]:
    return [
        Step(f"Upgrade to the chart of {version}, with image.tag set to {version} in values.yaml. Helm "
             "runs the migration Job first, then replaces the pods one at a time.",
             f"NEW_VERSION={version}\n"
             "helm repo update rowbook\n"
             "sed -i \"s/^  tag: .*/  tag: \\\"$NEW_VERSION\\\"/\" values.yaml\n"
             "helm upgrade rowbook rowbook/rowbook --version \"$NEW_VERSION\" \\\n"
             "  --namespace rowbook --values values.yaml --wait --timeout 10m"),
    ]


_STEPS = {"image": _image, "compose": _compose, "all-in-one": _all_in_one,
          "without-docker": _without_docker, "deb": _deb, "helm": _helm}
assert set(_STEPS) == set(install_methods.NAMES)


def steps(method: str, version: str) -> list[Step]:
    """Every step, backup first, to upgrade an install of this method to `version`."""
    if method not in _STEPS:
        raise ValueError(f"unknown install method {method!r}")
    return [_backup(method, version), *_STEPS[method](version)]


def as_text(method: str, version: str) -> str:
    """The steps as plain text: numbered sentences, each followed by its commands."""
    lines = []
    for number, step in enumerate(steps(method, version), start=1):
        lines.append(f"{number}. {step.say}")
        lines += [f"   {line}" for line in step.run.splitlines()]
    return "\n".join(lines)
