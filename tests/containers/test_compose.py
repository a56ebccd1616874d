"""docker/compose.yml: both profiles come up healthy, keep their data, fail fast on bad secrets."""

from __future__ import annotations

import json
import subprocess
import time

from .conftest import ROOT, get, good_env, published_ports


def test_proxy_profile_serves_https_for_the_domain_and_http_on_localhost(project, tmp_path):
    project.profiles = ["proxy"]
    project.up()
    ports = published_ports(project)
    assert ports["caddy"] == ["0.0.0.0:443", "0.0.0.0:80", ":::443", ":::80"]
    assert (ports["rowbook"], ports["db"]) == (["127.0.0.1:8000"], [])
    # A real TLS handshake for the domain, checked against the root of Caddy's own CA
    # (Caddy issues certificates for *.localhost names itself, with no network).
    root = tmp_path / "root.crt"
    root.write_text(project.exec("caddy", "cat", "/data/caddy/pki/authorities/local/root.crt"))
    # Caddy has no health check (nor has the official image): it may still be getting its certificate.
    for _ in range(40):
        curl = subprocess.run(["curl", "--silent", "--show-error", "--fail", "--cacert", str(root),
                               "--resolve", "rowbook.localhost:443:127.0.0.1", "https://rowbook.localhost/login/"],
                              capture_output=True, text=True)
        if curl.returncode == 0:
            break
        time.sleep(0.5)
    assert curl.returncode == 0, curl.stderr
    assert "Sign in to Rowbook" in curl.stdout
    status, page = get("http://localhost/login/")
    assert status == 200 and "Sign in to Rowbook" in page


def test_data_survives_down_and_up(project):
    project.up()
    project.compose("exec", "-T", "-e", "ROWBOOK_ADMIN_PASSWORD=correct-horse-battery", "rowbook",
                    "rowbook", "createadmin", "--no-input", "--username", "admin", "--email", "admin@example.com")
    project.compose("down")  # no -v: volumes stay, as for a reader who stops Rowbook
    project.up()
    users = project.exec("rowbook", "rowbook", "shell", "-c",
                         "from django.contrib.auth.models import User; print(list(User.objects.values_list('username', flat=True)))")
    assert users.strip().splitlines()[-1] == "['admin']"  # after Django's shell banner


def test_a_missing_domain_name_fails_before_anything_starts(project):
    project.write_env(good_env(DOMAIN_NAME=""))
    run = project.compose("up", "-d", check=False)
    assert run.returncode != 0
    assert "DOMAIN_NAME is not set in .env. Set it to the host name of your server" in run.stderr
    assert project.compose("ps", "-a", "-q").stdout == ""


def test_a_missing_secret_is_named_by_rowbook_with_both_ways_to_set_it(project):
    """Secrets may come from .env or from files (compose.override.yml), so Compose
    lets an empty one through and Rowbook's own check names it."""
    project.write_env(good_env(SECRET_KEY=""))
    run = project.compose("up", "-d", "--wait", check=False)
    assert run.returncode != 0
    logs = project.compose("logs", "rowbook").stdout
    assert "rowbook: error: SECRET_KEY is not set." in logs
    assert "(or set SECRET_KEY_FILE to the path of a file that holds it)" in logs
    assert "Traceback" not in logs


def test_an_invalid_secret_stops_rowbook_with_the_clear_message(project):
    project.write_env(good_env(SECRET_KEY="too-short"))
    run = project.compose("up", "-d", "--wait", check=False)
    assert run.returncode != 0
    logs = project.compose("logs", "rowbook").stdout
    assert "rowbook: error: SECRET_KEY is too short" in logs
    assert "Traceback" not in logs


def test_the_development_compose_file_is_separate_and_valid(tmp_path):
    """compose.dev.yml: valid, its own project, debug on; compose.yml never turns it on."""
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in good_env().items()))
    run = subprocess.run(["docker", "compose", "-f", str(ROOT / "docker" / "compose.dev.yml"), "--env-file",
                          str(tmp_path / ".env"), "config", "--format", "json"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    config = json.loads(run.stdout)
    assert config["name"] == "rowbook-dev"
    assert config["services"]["rowbook"]["environment"]["ROWBOOK_DEBUG"] == "true"
    # compose.yml passes ROWBOOK_DEBUG on from .env (every setting is), and never turns it on itself.
    run = subprocess.run(["docker", "compose", "-f", str(ROOT / "docker" / "compose.yml"), "--env-file",
                          str(tmp_path / ".env"), "config", "--format", "json"], capture_output=True, text=True)
    assert json.loads(run.stdout)["services"]["rowbook"]["environment"]["ROWBOOK_DEBUG"] == ""
