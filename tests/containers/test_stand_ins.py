"""CI's stand-ins for the official `postgres:15` and `caddy:2` images
(tests/stand-ins/) keep the official images' documented contract, the parts
our pages and compose.yml rely on, so a reader with the real images gets what
the pages say. Each test is one point of that contract, as the official
images' documentation states it (Docker Hub's "postgres" and "caddy" pages)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import tempfile
import time

import pytest

from .conftest import ROOT
from .test_images import docker, names  # noqa: F401  (names: a fixture)


def wait_ready(container: str, user: str = "postgres", deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        # Like compose.yml's health check: the official image has none of its own.
        if docker("exec", container, "pg_isready", "--host=127.0.0.1", f"--username={user}", "--quiet",
                  check=False).returncode == 0:
            return
        if docker("inspect", "-f", "{{.State.Running}}", container).stdout.strip() != "true":
            break
        time.sleep(0.5)
    pytest.fail(f"{container} did not get ready:\n{docker('logs', container, check=False).stderr}")


def psql(container: str, user: str, database: str, sql: str, password: str) -> str:
    """A query over TCP with a password, as Rowbook connects."""
    return docker("exec", "-e", f"PGPASSWORD={password}", container, "psql", "--host=127.0.0.1",
                  f"--username={user}", f"--dbname={database}", "-tAc", sql).stdout.strip()


def start_postgres(names, *env: str, files: dict[str, str] | None = None) -> str:
    container = names("container")
    docker("create", "--name", container, *[arg for e in env for arg in ("-e", e)], "postgres:15")
    for path, text in (files or {}).items():
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as local:
            local.write(text)
            local.flush()
            os.chmod(local.name, 0o644)  # readable by the postgres user, as a mounted secret is
            subprocess.run(["docker", "cp", local.name, f"{container}:{path}"], check=True)
    docker("start", container)
    return container


def test_postgres_user_password_and_db_make_the_user_and_its_database(names):
    password = secrets.token_hex(16)
    db = start_postgres(names, "POSTGRES_USER=rowbook", f"POSTGRES_PASSWORD={password}", "POSTGRES_DB=rowbook")
    wait_ready(db, "rowbook")
    assert psql(db, "rowbook", "rowbook", "SELECT current_user || ' ' || current_database()", password) == \
        "rowbook rowbook"


def test_postgres_default_user_and_database_are_postgres(names):
    password = secrets.token_hex(16)
    db = start_postgres(names, f"POSTGRES_PASSWORD={password}")
    wait_ready(db)
    assert psql(db, "postgres", "postgres", "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
                password) == "t"


def test_postgres_reads_its_settings_from_files(names):
    password = secrets.token_hex(16)
    db = start_postgres(names, "POSTGRES_PASSWORD_FILE=/tmp/password", "POSTGRES_USER_FILE=/tmp/user",
                        "POSTGRES_DB_FILE=/tmp/database",
                        files={"/tmp/password": password, "/tmp/user": "rowbook", "/tmp/database": "books"})
    wait_ready(db, "rowbook")
    assert psql(db, "rowbook", "books", "SELECT current_database()", password) == "books"


def test_postgres_refuses_a_variable_and_its_file_together(names):
    db = start_postgres(names, "POSTGRES_PASSWORD=a", "POSTGRES_PASSWORD_FILE=/tmp/password",
                        files={"/tmp/password": "b"})
    docker("wait", db)
    assert "both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set (but are exclusive)" in \
        docker("logs", db).stderr


def test_postgres_without_a_password_does_not_start(names):
    db = start_postgres(names)
    assert docker("wait", db).stdout.strip() != "0"


def test_postgres_keeps_its_data_in_the_volume_at_var_lib_postgresql_data():
    config = json.loads(docker("image", "inspect", "postgres:15").stdout)[0]["Config"]
    assert "/var/lib/postgresql/data" in config["Volumes"]
    assert "PGDATA=/var/lib/postgresql/data" in config["Env"]
    assert config["StopSignal"] == "SIGINT"
    assert config.get("Healthcheck") is None  # compose.yml has its own, as it needs with the real image


def test_postgres_puts_the_cluster_where_pgdata_says(names):
    password = secrets.token_hex(16)
    db = start_postgres(names, f"POSTGRES_PASSWORD={password}", "PGDATA=/var/lib/postgresql/data/pgdata")
    wait_ready(db)
    assert docker("exec", db, "cat", "/var/lib/postgresql/data/pgdata/PG_VERSION").stdout.strip() == "15"


def test_postgres_runs_the_init_scripts_on_the_first_start_only(names):
    password = secrets.token_hex(16)
    db = start_postgres(names, f"POSTGRES_PASSWORD={password}", files={
        "/docker-entrypoint-initdb.d/10-table.sql": "CREATE TABLE seen (n int); INSERT INTO seen VALUES (1);",
        "/docker-entrypoint-initdb.d/20-more.sh": 'psql --username="$POSTGRES_USER" -c "INSERT INTO seen VALUES (2)"',
    })
    wait_ready(db)
    docker("restart", db)
    wait_ready(db)
    assert psql(db, "postgres", "postgres", "SELECT string_agg(n::text, ',' ORDER BY n) FROM seen", password) == "1,2"


def test_caddy_reads_etc_caddy_caddyfile_and_keeps_data_and_config_in_volumes():
    config = json.loads(docker("image", "inspect", "caddy:2").stdout)[0]["Config"]
    assert config["Cmd"] == ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
    assert set(config["Volumes"]) == {"/data", "/config"}
    assert {"XDG_DATA_HOME=/data", "XDG_CONFIG_HOME=/config"} <= set(config["Env"])


def test_our_caddyfile_turns_the_admin_endpoint_off_in_the_caddy_image(names):
    container = names("container")
    docker("create", "--name", container, "-e", "DOMAIN_NAME=rowbook.localhost", "caddy:2",
           "caddy", "adapt", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile")
    subprocess.run(["docker", "cp", str(ROOT / "docker" / "Caddyfile"), f"{container}:/etc/caddy/Caddyfile"],
                   check=True)
    docker("start", "--attach", container)
    adapted = json.loads(docker("logs", container).stdout)
    assert adapted["admin"] == {"disabled": True}
    hosts = [host for server in adapted["apps"]["http"]["servers"].values()
             for route in server["routes"] for match in route.get("match", []) for host in match.get("host", [])]
    assert {"rowbook.localhost", "localhost"} <= set(hosts)
