"""tests/helm/pod.py: a rendered pod spec as `docker run` options, with no Docker."""

from __future__ import annotations

import pytest

from tests.helm.chart import kind, pod_spec, render
from tests.helm.pod import Objects, UnknownField, docker_run

VALUES = {"domainName": "rowbook.example.com", "postgresql": {"host": "db", "password": "p" * 16},
          "secretKey": "k" * 40}


def deployment_pod() -> dict:
    return pod_spec(kind(render(VALUES), "Deployment"))


def test_the_pod_runs_as_rendered_user_read_only_no_privileges_secrets_as_root_owned_group_files(tmp_path):
    args = docker_run(deployment_pod(), "rowbook", Objects.of(render(VALUES)), tmp_path)
    joined = " ".join(args)
    assert "--user 10001:10001 --group-add 10001 --read-only --cap-drop ALL" in joined
    assert "--security-opt no-new-privileges" in joined and "--memory 384m" in joined
    assert "--tmpfs /tmp:rw,mode=1777,size=64m" in joined
    assert f"--mount type=bind,src={tmp_path}/secrets,dst=/run/secrets/rowbook,readonly" in joined
    secret = tmp_path / "secrets" / "secret-key"
    assert secret.read_text() == "k" * 40
    assert (secret.stat().st_uid, secret.stat().st_gid, oct(secret.stat().st_mode & 0o777)) == (0, 10001, "0o440")
    assert "-e DOMAIN_NAME=rowbook.example.com" in joined and "-e SECRET_KEY_FILE=/run/secrets/rowbook/secret-key" in joined
    assert args[-2:] == ["rowbook/rowbook:0.1.5", "serve"]
    assert args[args.index("--entrypoint") + 1] == "rowbook"


def test_a_field_the_test_does_not_start_fails_it(tmp_path):
    pod = deployment_pod()
    pod["containers"][0]["startupProbe"] = {"httpGet": {"path": "/healthz", "port": "http"}}
    with pytest.raises(UnknownField, match="container rowbook: startupProbe: not started by tests/helm/pod.py"):
        docker_run(pod, "rowbook", Objects.of(render(VALUES)), tmp_path)
