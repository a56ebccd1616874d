"""The chart's pods, run in Docker as rendered: the migration Job first, then
a Deployment pod, against a real PostgreSQL; its probes must answer.

What this proves beyond tests/helm/test_chart.py: the rendered command, env,
secret files (owned by root, readable through fsGroup), user, read-only root
file system with /tmp as its only writable place, dropped capabilities and
memory limit are enough for Rowbook to migrate and to serve, and the probes,
asked as the kubelet asks them, pass. What it does not prove (a scheduler,
Services, an Ingress controller, a rollout) is on the Kubernetes page.
"""

from __future__ import annotations

import secrets
import subprocess
import time
import uuid

import pytest

from tests.helm.chart import kind, pod_spec, render
from tests.helm.pod import Objects, docker_run, probe

pytestmark = pytest.mark.docker


def docker(*args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=timeout)


@pytest.fixture
def network():
    """A Docker network with PostgreSQL on it as `db`, the database server the values name."""
    name = f"rbhelm-{uuid.uuid4().hex[:8]}"
    docker("network", "create", name)
    password = secrets.token_hex(16)
    db = f"{name}-db"
    try:
        docker("run", "-d", "--name", db, "--network", name, "--network-alias", "db",
               "-e", "POSTGRES_USER=rowbook", "-e", f"POSTGRES_PASSWORD={password}", "-e", "POSTGRES_DB=rowbook",
               "postgres:15")
        deadline = time.monotonic() + 60  # the official image has no health check
        while docker("exec", db, "pg_isready", "--host=127.0.0.1", "--quiet", check=False).returncode:
            assert time.monotonic() < deadline, docker("logs", db, check=False).stderr
            time.sleep(0.5)
        yield name, password
    finally:
        leftovers = docker("ps", "-aq", "--filter", f"name={name}", check=False).stdout.split()
        if leftovers:
            docker("rm", "-f", "-v", *leftovers, check=False)
        docker("network", "rm", name, check=False)


@pytest.mark.parametrize("tag, secrets_as", [("", "files"), ("0.1.2", "env")], ids=["newest, secrets as files",
                                                                                  "0.1.2, secrets as variables"])
def test_the_migration_job_then_a_pod_run_as_rendered_and_the_probes_answer(network, tmp_path, tag, secrets_as):
    name, password = network
    values = {"domainName": "rowbook.example.com", "postgresql": {"host": "db", "password": password},
              "secretKey": secrets.token_hex(32)}
    if tag:
        values["image"] = {"tag": tag}
    manifests = render(values)
    objects = Objects.of(manifests)

    job_pod = pod_spec(kind(manifests, "Job"))
    job = docker("run", "--rm", "--name", f"{name}-migrate", "--network", name,
                 *docker_run(job_pod, "migrate", objects, tmp_path / "job"), check=False, timeout=300)
    assert job.returncode == 0, f"the migration Job failed:\n{job.stdout}{job.stderr}"
    assert "Applying rowbook_connections." in job.stdout

    pod = pod_spec(kind(manifests, "Deployment"))
    (container,) = pod["containers"]
    uses_files = any(e["name"] == "SECRET_KEY_FILE" for e in container["env"])
    assert uses_files == (secrets_as == "files")
    web = f"{name}-web"
    docker("run", "-d", "--name", web, "--network", name, *docker_run(pod, "rowbook", objects, tmp_path / "web"))
    address = docker("inspect", "-f", f'{{{{(index .NetworkSettings.Networks "{name}").IPAddress}}}}', web).stdout.strip()

    deadline = time.monotonic() + 60
    while (status := probe(address, container, "readinessProbe")) != 200:
        if time.monotonic() > deadline or docker("inspect", "-f", "{{.State.Running}}", web).stdout.strip() != "true":
            logs = docker("logs", web, check=False)
            pytest.fail(f"the readiness probe got {status or 'no answer'}:\n{logs.stdout}{logs.stderr}")
        time.sleep(container["readinessProbe"].get("periodSeconds", 10) / 5)
    assert probe(address, container, "livenessProbe") == 200
    logs = docker("logs", web)
    assert "Applying" not in logs.stdout + logs.stderr  # the pods never migrate; the Job did
    # The root file system is read-only: the one writable place is /tmp.
    write = docker("exec", web, "sh", "-c", "touch /var/lib/rowbook/x", check=False)
    assert write.returncode != 0 and "Read-only file system" in write.stderr
    docker("exec", web, "touch", "/tmp/x")

