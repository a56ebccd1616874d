"""How to upgrade Rowbook to a given version, per install method, in one place.

The About page shows these steps to the admin; the docs can render the same
text later, so the page and the tested guide cannot drift apart. Importable
without Django. The names (container "rowbook", volume "rowbook-data", the
venv in /opt/rowbook, /etc/rowbook/rowbook.env) are the ones the install
guides use; change them here and in the guides together.
"""

from __future__ import annotations

from dataclasses import dataclass

from rowbook import install_methods

CONTAINER = "rowbook"
ALL_IN_ONE_VOLUME = "rowbook-data"
VENV = "/opt/rowbook"
ENV_FILE = "/etc/rowbook/rowbook.env"


@dataclass(frozen=True)
class Step:
    say: str  # one plain-English sentence
    run: str = ""  # the exact command(s), if any


def backup_file(version: str) -> str:
    return f"rowbook-before-{version}.dump"


def _backup(method: str, version: str) -> Step:
    """Back up first: the new release may migrate the internal database."""
    dump = backup_file(version)
    say = "Back up Rowbook's internal database first, so you can go back."
    if method == "compose":
        return Step(say, f"docker compose exec -T db pg_dump --username=rowbook --format=custom "
                         f"rowbook > {dump}")
    if method == "all-in-one":
        return Step(say, f"docker exec --user rowbook {CONTAINER} pg_dump --format=custom "
                         f"rowbook > {dump}")
    if method == "without-docker":  # PostgreSQL runs on the same server
        return Step(say, f"sudo -u postgres pg_dump --format=custom rowbook > {dump}")
    # image: PostgreSQL is your own server.
    return Step(say, "pg_dump --host=<POSTGRES_HOST> --username=<POSTGRES_USER> "
                     f"--format=custom --file={dump} <POSTGRES_DB>")


def _image(version: str) -> list[Step]:
    return [
        Step("Download the new image.", f"docker pull rowbook/rowbook:{version}"),
        Step("Re-create the container from it, with the same settings as before; it applies "
             "database migrations when it starts.",
             f"docker stop {CONTAINER} && docker rm {CONTAINER}\n"
             f"docker run -d --name {CONTAINER} --restart unless-stopped --env-file rowbook.env "
             f"-p 8000:8000 rowbook/rowbook:{version}"),
    ]


def _compose(version: str) -> list[Step]:
    return [
        Step(f"In the .env file next to compose.yml, set ROWBOOK_VERSION={version} "
             "(add the line if it is missing).",
             f"sed -i '/^ROWBOOK_VERSION=/d' .env && echo 'ROWBOOK_VERSION={version}' >> .env"),
        Step("Download the new image and re-create the containers; Rowbook applies database "
             "migrations when it starts.",
             "docker compose pull\ndocker compose up -d"),
    ]


def _all_in_one(version: str) -> list[Step]:
    return [
        Step("Download the new image.", f"docker pull rowbook/all-in-one:{version}"),
        Step(f"Re-create the container with the same volume ({ALL_IN_ONE_VOLUME}); your data "
             "and generated secrets stay in it.",
             f"docker stop {CONTAINER} && docker rm {CONTAINER}\n"
             f"docker run -d --name {CONTAINER} --restart unless-stopped -p 8000:8000 "
             f"-v {ALL_IN_ONE_VOLUME}:/data rowbook/all-in-one:{version}"),
    ]


def _without_docker(version: str) -> list[Step]:
    return [
        Step("Install the new release into Rowbook's virtual environment.",
             f"sudo {VENV}/bin/pip install rowbook=={version}"),
        Step("Apply the database migrations of the new release (the rowbook command runs "
             f"them as the rowbook user, with {ENV_FILE}).", "rowbook migrate"),
        Step("Restart Rowbook.", "sudo systemctl restart rowbook"),
    ]


_STEPS = {"image": _image, "compose": _compose, "all-in-one": _all_in_one,
          "without-docker": _without_docker}
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
