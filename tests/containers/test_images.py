"""The service image and the all-in-one image, each run with plain `docker run`."""

from __future__ import annotations

import secrets
import time
import uuid

import pytest

from tests.containers.conftest import docker


def wait_healthy(container: str, deadline: float = 90) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        status = docker("inspect", "-f", "{{.State.Health.Status}}", container).stdout.strip()
        if status == "healthy":
            return
        if docker("inspect", "-f", "{{.State.Running}}", container).stdout.strip() != "true":
            break
        time.sleep(1)
    pytest.fail(f"{container} is not healthy:\n{docker('logs', '--tail', '30', container, check=False).stderr}")


@pytest.fixture
def names(images):
    """Unique names for what a test makes; all removed afterwards, pass or fail."""
    made: dict[str, list[str]] = {"container": [], "volume": [], "network": []}

    def name(kind: str) -> str:
        made[kind].append(f"rbtest-{uuid.uuid4().hex[:8]}")
        return made[kind][-1]

    yield name
    if made["container"]:
        docker("rm", "-f", "-v", *made["container"], check=False)
    if made["volume"]:
        docker("volume", "rm", "-f", *made["volume"], check=False)
    if made["network"]:
        docker("network", "rm", *made["network"], check=False)


def test_the_service_image_rejects_bad_settings_with_one_clear_line_each(names):
    run = docker("run", "--name", names("container"), "-e", "DOMAIN_NAME=https://rowbook.example.com",
                 "-e", "POSTGRES_HOST=db", "-e", "POSTGRES_USER=rowbook", "-e", "POSTGRES_DB=rowbook",
                 "rowbook/rowbook:0.1.3", check=False)
    assert run.returncode == 2
    assert "rowbook: error: SECRET_KEY is not set." in run.stderr
    assert "rowbook: error: POSTGRES_PASSWORD is not set." in run.stderr
    assert 'rowbook: error: DOMAIN_NAME must be a host name without a scheme (got "https://rowbook.example.com")' \
        in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


@pytest.mark.parametrize("domain, message", [
    (" ", "rowbook: error: DOMAIN_NAME is not set."),  # DOMAIN_NAME=" " in an env file
    ("a" * 300, 'rowbook: error: DOMAIN_NAME must be at most 253 characters long (got "' + "a" * 40
     + '..." (300 characters))'),
    ("bücher.example", "its punycode form works: DOMAIN_NAME=xn--bcher-kva.example"),
])
def test_the_service_image_states_the_host_name_rule_broken(names, domain, message):
    run = docker("run", "--name", names("container"), "-e", f"DOMAIN_NAME={domain}",
                 "-e", f"SECRET_KEY={secrets.token_hex(32)}", "-e", "POSTGRES_HOST=db",
                 "-e", "POSTGRES_PASSWORD=x", "rowbook/rowbook:0.1.3", check=False)
    assert run.returncode == 2
    assert message in run.stderr
    assert all(len(line) < 300 for line in run.stderr.splitlines())  # never the whole long value
    assert "Traceback" not in run.stderr + run.stdout


@pytest.mark.parametrize("version", ["0.1.1", "0.1.2", "0.1.3", "0.1.4", "0.1.5"])
def test_each_release_image_reports_its_version_and_runs_as_non_root(version, names):
    assert docker("run", "--rm", f"rowbook/rowbook:{version}", "rowbook", "version").stdout.strip() == \
        f"rowbook {version}"
    assert docker("run", "--rm", f"rowbook/rowbook:{version}", "id", "-un").stdout.strip() == "rowbook"


def test_the_all_in_one_image_keeps_its_data_when_the_container_is_replaced(names):
    volume, first, second = names("volume"), names("container"), names("container")
    docker("run", "-d", "--name", first, "-v", f"{volume}:/data", "rowbook/all-in-one:0.1.3")
    wait_healthy(first)
    password = secrets.token_hex(16)
    docker("exec", "-e", f"ROWBOOK_ADMIN_PASSWORD={password}", first, "rowbook", "createadmin", "--no-input",
           "--username", "admin", "--email", "admin@example.com")
    key = docker("exec", first, "cat", "/data/.SECRET_KEY").stdout
    docker("rm", "-f", first)

    docker("run", "-d", "--name", second, "-v", f"{volume}:/data", "rowbook/all-in-one:0.1.3")
    wait_healthy(second)
    assert docker("exec", second, "cat", "/data/.SECRET_KEY").stdout == key  # same secret, not a new one
    users = docker("exec", second, "rowbook", "shell", "-c", "from django.contrib.auth.models import User; print(User.objects.count())")
    assert users.stdout.strip().splitlines()[-1] == "1"
    assert "generated SECRET_KEY" not in docker("logs", second).stdout


def test_the_all_in_one_image_runs_rowbook_and_postgres_as_non_root_users(names):
    container = names("container")
    docker("run", "-d", "--name", container, "-v", f"{names('volume')}:/data", "rowbook/all-in-one:0.1.3")
    wait_healthy(container)
    processes = docker("top", container, "-eo", "pid,uid,args").stdout.splitlines()[1:]
    uids = {line.split()[1] for line in processes if "gunicorn" in line or "postgres" in line}
    assert uids and "0" not in uids, processes
    assert docker("port", container).stdout == ""  # nothing published unless the reader asks


def test_two_service_containers_started_together_on_a_new_database_both_start(names):
    """A restart race or a second replica: both run `rowbook migrate` on an empty
    database at the same moment. 0.1.3 serialises them; neither may fail, nor
    blame the connection settings for a database error."""
    network, db = names("network"), names("container")
    docker("network", "create", network)
    password, key = secrets.token_hex(16), secrets.token_hex(32)
    docker("run", "-d", "--name", db, "--network", network, "--network-alias", "db",
           "-e", "POSTGRES_USER=rowbook", "-e", f"POSTGRES_PASSWORD={password}", "-e", "POSTGRES_DB=rowbook",
           "postgres:15")
    until = time.monotonic() + 60  # the official postgres image has no health check
    while docker("exec", db, "pg_isready", "--host=127.0.0.1", "--quiet", check=False).returncode != 0:
        assert time.monotonic() < until, docker("logs", db, check=False).stderr
        time.sleep(0.5)
    settings = ["-e", "DOMAIN_NAME=localhost", "-e", f"SECRET_KEY={key}", "-e", "POSTGRES_HOST=db",
                "-e", "POSTGRES_USER=rowbook", "-e", f"POSTGRES_PASSWORD={password}", "-e", "POSTGRES_DB=rowbook"]
    replicas = [names("container"), names("container")]
    for replica in replicas:  # created first, so the two starts are as close as docker allows
        docker("create", "--name", replica, "--network", network, *settings, "rowbook/rowbook:0.1.3")
    docker("start", *replicas)
    for replica in replicas:
        wait_healthy(replica)
        log = docker("logs", replica)
        assert "Traceback" not in log.stdout + log.stderr
        assert "cannot connect" not in log.stderr and "rowbook: error:" not in log.stderr
    applied = docker("exec", db, "psql", "-U", "rowbook", "-d", "rowbook", "-tAc",
                     "SELECT count(*) - count(DISTINCT (app, name)) FROM django_migrations").stdout.strip()
    assert applied == "0"  # every migration recorded once
