"""The Rowbook Helm chart, rendered by Helm's own engine, with no cluster and no Docker.

The pods as a kubelet would start them are run in Docker by
tests/helm/test_pod_in_docker.py. What only a running cluster would show
(scheduling, the Ingress controller, a real rollout) is not tested; the docs
page's "What CI proves and what it does not" says so to readers.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from guide_runner.languages import Kind
from guide_runner.page import read_page
from docs_site import where_to_set
from docs_site.paths import DOCS, RELEASES_TOML
from docs_site.release_tree import commit_of, extract
from guide_runner import releases
from rowbook import config as rowbook_config
from tests.helm.chart import (
    CHART, EXAMPLES, MINIMAL, ChartRefused, api_problems, check, kind, lint_findings, load_values, pod_spec, render,
)
from tests.helm.render import main as render_main

PAGE = DOCS / "install" / "kubernetes.md"
SKIP_REASON = "needs a Kubernetes cluster; CI has none (see What CI proves)"


def with_values(**changes) -> dict:
    """MINIMAL with some values changed; NAME__KEY reaches into a section (postgresql__port)."""
    values = copy.deepcopy(MINIMAL)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        section = values
        for name in parents:
            section = section.setdefault(name, {})
        section[leaf] = value
    return values


def container_env(obj: dict) -> dict:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in pod_spec(obj)["containers"][0]["env"]}


# --- rendered, linted and valid for the Kubernetes API ----------------------------

def test_the_default_values_alone_are_refused_naming_what_to_set():
    # No database host, domain or secret could be right for everyone.
    with pytest.raises(ChartRefused) as refused:
        render(None)
    assert "/domainName" in str(refused.value)
    assert "/postgresql/host" in str(refused.value)


def test_the_least_a_reader_sets_renders_lints_and_validates():
    names = sorted(m.name for m in check(MINIMAL))
    assert names == ["ConfigMap/rowbook", "Deployment/rowbook", "Job/rowbook-migrate",
                     "Secret/rowbook", "Secret/rowbook-migrate", "Service/rowbook"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_each_example_values_file_renders_lints_and_validates(path):
    assert check(load_values(path))


def page_values_blocks():
    return [b for b in read_page(PAGE).blocks if b.kind == Kind.CONFIG and b.title == "values.yaml"]


def test_each_values_file_on_the_page_renders_lints_and_validates():
    blocks = page_values_blocks()
    assert len(blocks) >= 2
    for block in blocks:
        assert check(yaml.safe_load(block.source)), block.where


def test_each_values_file_on_the_page_is_rendered_by_the_next_hidden_block():
    """Each values file is checked against the chart the reader pulled (the release's, from the repository)."""
    blocks = read_page(PAGE).blocks
    for index, block in enumerate(blocks):
        if block.kind == Kind.CONFIG and block.title == "values.yaml":
            following = blocks[index + 1]
            render = "-m tests.helm.render --chart rowbook values.yaml"
            assert not following.shown and render in following.source, block.where


def test_every_cluster_command_on_the_page_is_skipped_with_the_reason():
    cluster_commands = ("helm install", "helm upgrade", "helm rollback", "helm uninstall", "kubectl ")
    blocks = [b for b in read_page(PAGE).blocks
              if b.shown and b.kind in (Kind.SHELL, Kind.CONSOLE)
              and any(c in b.source for c in cluster_commands)]
    assert blocks
    for block in blocks:
        assert block.options.get("skip") == SKIP_REASON, block.where


def test_lint_has_no_finding_but_the_accepted_icon_info():
    assert lint_findings(MINIMAL) == []


@pytest.mark.parametrize("break_it, named", [
    (lambda d: d["spec"].update(replicas="two"), "spec.replicas: 'two' is not of type"),
    (lambda d: pod_spec(d).update(hostNmae="typo"), "'hostNmae' was unexpected"),
], ids=["wrong-type", "unknown-field"])
def test_the_api_check_catches_an_invalid_object(break_it, named):
    deployment = [m for m in render(MINIMAL) if m.object["kind"] == "Deployment"]
    break_it(deployment[0].object)
    problems = api_problems(deployment)
    assert len(problems) == 2  # the oldest and the newest Kubernetes we check
    assert all(named in problem for problem in problems), problems


# --- wrong values are refused, naming them -------------------------------------------

@pytest.mark.parametrize("values, named", [
    (with_values(replicaCount="three"), "'/replicaCount': got string, want integer"),
    (with_values(postgresql__port=70000), "'/postgresql/port'"),
    (with_values(domainName="https://rowbook.example.com"), "'/domainName'"),
    (with_values(extraHosts=["rowbook.example.com:8443"]), "'/extraHosts/0'"),
    (with_values(secretsAs="both"), "'/secretsAs'"),
    (with_values(config__logLevel="LOUD"), "'/config/logLevel'"),
    (with_values(config__extra={"SECRET_KEY": "in a ConfigMap"}), "'/config/extra/SECRET_KEY'"),
    (with_values(ingress__tls=True), "'/ingress/tls'"),
    ({**MINIMAL, "postgres": {"host": "typo.example.com"}}, "'postgres' not allowed"),
    # What rendered silently wrong before (issue #40), and `helm lint` called clean:
    (with_values(replicaCount=0), "'/replicaCount': minimum: got 0, want 1"),
    (with_values(resources={"requests": {"cpu": "100m"}, "limts": {"memory": "384Mi"}}), "'limts' not allowed"),
    (with_values(resources={"limits": {"memroy": "384Mi"}}), "'memroy' not allowed"),
    (with_values(migration__resources={"limits": {"memory": "256 MB"}}), "'/migration/resources/limits/memory'"),
    (with_values(domainName="Rowbook.Example.com"), "'/domainName'"),
    (with_values(domainName="192.0.2.10"), "'/domainName'"),
    (with_values(domainName="rowbook..example.com"), "'/domainName'"),
    (with_values(extraHosts=["rowbook..example.com"]), "'/extraHosts/0'"),
], ids=["replicas", "port", "domain-with-scheme", "extra-host-with-port", "secretsAs",
        "log-level", "secret-in-configmap", "tls-not-a-section", "misspelled-section",
        "no-replicas", "resources-limts", "resources-memroy", "quantity-with-a-space",
        "domain-upper-case", "domain-an-ip", "domain-empty-label", "extra-host-empty-label"])
def test_a_wrong_value_is_refused_by_the_schema_naming_it(values, named):
    with pytest.raises(ChartRefused, match="values don't meet the specifications") as refused:
        render(values)
    assert named in str(refused.value)


@pytest.mark.parametrize("values, message", [
    (with_values(secretKey=""), "secretKey is empty"),
    (with_values(secretKey="short"), "secretKey is too short (5 characters"),
    (with_values(postgresql__password=""), "postgresql.password is empty"),
    (with_values(existingSecret="mine"),
     "existingSecret is set, so leave secretKey and postgresql.password empty"),
])
def test_secrets_come_from_the_values_or_an_existing_secret_never_both(values, message):
    with pytest.raises(ChartRefused) as refused:
        render(values)
    assert message in str(refused.value)


def test_the_render_command_names_the_file_and_the_refused_value(tmp_path, capsys):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(yaml.safe_dump(MINIMAL))
    bad.write_text(yaml.safe_dump(with_values(replicaCount=-1)))
    assert render_main([str(good)]) == 0
    assert "Deployment/rowbook" in capsys.readouterr().out
    assert render_main([str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: the Rowbook chart refuses these values" in err and "/replicaCount" in err


# --- migrations run once, in a hook; the pods only serve ------------------------------

def mounted_secret(workload: dict) -> dict:
    """The Secret volume a workload's pods mount (Rowbook 0.1.3 reads its secrets from files)."""
    (volume,) = [v for v in pod_spec(workload)["volumes"] if "secret" in v]
    return volume["secret"]


def test_the_migration_job_is_a_pre_install_and_pre_upgrade_hook():
    manifests = render(MINIMAL)
    job = kind(manifests, "Job")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
    assert pod_spec(job)["containers"][0]["command"] == ["rowbook", "migrate", "--no-input"]
    assert pod_spec(job)["restartPolicy"] == "Never"
    # Hooks run before the release's own Secret exists: the Job reads a hook copy made first.
    copy_of_secret = next(m.object for m in manifests if m.name == "Secret/rowbook-migrate")
    assert copy_of_secret["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert int(copy_of_secret["metadata"]["annotations"]["helm.sh/hook-weight"]) < \
        int(annotations["helm.sh/hook-weight"])
    assert mounted_secret(job)["secretName"] == "rowbook-migrate"


def test_with_an_existing_secret_the_job_reads_it_and_no_copy_is_made():
    values = {**MINIMAL, "secretKey": "", "postgresql": {"host": "db", "password": ""},
              "existingSecret": "mine"}
    manifests = render(values)
    assert [m.name for m in manifests if m.object["kind"] == "Secret"] == []
    assert mounted_secret(kind(manifests, "Job"))["secretName"] == "mine"
    # Rowbook 0.1.2 and older take it as variables, from the same Secret.
    old = render({**values, "image": {"tag": "0.1.2"}})
    assert container_env(kind(old, "Job"))["SECRET_KEY"]["secretKeyRef"] == {"name": "mine", "key": "secret-key"}


def test_the_deployment_runs_no_migration():
    deployment = kind(render(with_values(replicaCount=3)), "Deployment")
    assert deployment["spec"]["replicas"] == 3
    pod = pod_spec(deployment)
    # Its own command, not the image's entrypoint (which migrates before `rowbook serve`).
    assert pod["containers"][0]["command"] == ["rowbook", "serve"]
    assert "args" not in pod["containers"][0] and "initContainers" not in pod
    assert "migrate" not in json.dumps(deployment)
    assert "helm.sh/hook" not in deployment["metadata"].get("annotations", {})


def test_the_migration_pod_gets_no_service_traffic():
    manifests = render(MINIMAL)
    selector = kind(manifests, "Service")["spec"]["selector"]
    job_labels = kind(manifests, "Job")["spec"]["template"]["metadata"]["labels"]
    web_labels = kind(manifests, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= web_labels.items()
    assert not selector.items() <= job_labels.items()


# --- the pods: non-root, read-only root, probes, settings -----------------------------

@pytest.mark.parametrize("wanted", ["Deployment", "Job"])
def test_the_pods_run_as_non_root_with_a_read_only_root_file_system(wanted):
    pod = pod_spec(kind(render(MINIMAL), wanted))
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the image's user
    assert pod["automountServiceAccountToken"] is False
    container = pod["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    # /tmp is the one path Rowbook writes (gunicorn's worker files; measured with strace).
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]


def test_the_probes_ask_as_localhost_and_only_readiness_depends_on_the_database():
    container = pod_spec(kind(render(MINIMAL), "Deployment"))["containers"][0]
    for probe in (container["readinessProbe"], container["livenessProbe"]):
        # The kubelet would send the pod's IP as Host, which Rowbook refuses with a 400.
        assert probe["httpGet"]["httpHeaders"] == [{"name": "Host", "value": "localhost"}]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    # A database down, read-only or full fails /healthz (tests/service/test_service_database_full.py);
    # liveness must not, or the kubelet restarts pods that a restart cannot fix.
    assert container["livenessProbe"]["httpGet"]["path"] == "/static/rowbook/style.css"
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]


def test_the_settings_come_from_the_configmap():
    manifests = render(with_values(extraHosts=["10.0.0.5", "rowbook.internal"],
                                   config__extra={"ROWBOOK_DEBUG": "false"}))
    data = kind(manifests, "ConfigMap")["data"]
    assert data["DOMAIN_NAME"] == "rowbook.example.com"
    assert data["POSTGRES_HOST"] == "db.example.com" and data["POSTGRES_PORT"] == "5432"
    assert data["ROWBOOK_EXTRA_HOSTS"] == "10.0.0.5,rowbook.internal"
    assert data["ROWBOOK_DEBUG"] == "false"
    assert data["ROWBOOK_TRUST_PROXY"] == "false"  # no Ingress in front
    assert not {"SECRET_KEY", "POSTGRES_PASSWORD"} & set(data)
    container = pod_spec(kind(manifests, "Deployment"))["containers"][0]
    assert container["envFrom"] == [{"configMapRef": {"name": "rowbook"}}]
    # The Job starts before the ConfigMap exists: the same settings, inline.
    assert data.items() <= container_env(kind(manifests, "Job")).items()


def test_a_changed_setting_rolls_the_pods():
    def checksums(values):
        return kind(render(values), "Deployment")["spec"]["template"]["metadata"]["annotations"]
    before = checksums(MINIMAL)
    assert checksums(with_values(config__logLevel="DEBUG"))["checksum/config"] != before["checksum/config"]
    assert checksums(with_values(secretKey="n" * 40))["checksum/secret"] != before["checksum/secret"]


# --- secrets: files for releases that read NAME_FILE, variables for 0.1.2 -------------

def test_the_image_defaults_to_the_newest_release():
    releases = tomllib.loads(RELEASES_TOML.read_text())["release"]
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["appVersion"] == releases[-1]["version"]
    container = pod_spec(kind(render(MINIMAL), "Deployment"))["containers"][0]
    assert container["image"] == f"rowbook/rowbook:{chart['appVersion']}"


def release_chart(version: str, into: Path) -> Path:
    """The chart as the release's commit holds it (the chart repository packages it as that release)."""
    return extract(commit_of(version), "deploy/helm/rowbook", into)


@pytest.mark.parametrize("version", [v for v in releases.versions() if releases.has_page(v, "install/kubernetes.md")])
@pytest.mark.parametrize("values_file", ["managed-postgresql.yaml", "ingress-tls.yaml"])
def test_the_values_on_the_page_install_the_release_the_page_is_for(version, values_file, tmp_path):
    """The chart at a release's tag may default to the release before it (the
    chart's appVersion was raised after 0.1.3 and 0.1.4 were cut): 0.1.4's
    page once installed 0.1.3, without the security fixes. The page's values
    name the release, as rendered for that release's docs."""
    values = load_values(releases.snippet_dirs(version)[0] / "helm" / values_file)
    manifests = render(values, release_chart(version, tmp_path))
    for obj in ("Deployment", "Job"):
        assert pod_spec(kind(manifests, obj))["containers"][0]["image"] == f"rowbook/rowbook:{version}", obj


def test_rowbook_0_1_2_gets_its_secrets_as_variables_from_the_secret():
    # 0.1.2 has no SECRET_KEY_FILE or POSTGRES_PASSWORD_FILE (they came after it).
    env = container_env(kind(render(with_values(image__tag="0.1.2")), "Deployment"))
    assert env["SECRET_KEY"] == {"secretKeyRef": {"name": "rowbook", "key": "secret-key"}}
    assert env["POSTGRES_PASSWORD"] == {"secretKeyRef": {"name": "rowbook", "key": "postgres-password"}}
    assert "SECRET_KEY_FILE" not in env


@pytest.mark.parametrize("values", [with_values(image__tag="0.2.0"), with_values(image__tag="main"),
                                    with_values(secretsAs="files")])
def test_newer_releases_read_their_secrets_from_mounted_files(values):
    deployment = kind(render(values), "Deployment")
    env = container_env(deployment)
    assert env["SECRET_KEY_FILE"] == "/run/secrets/rowbook/secret-key"
    assert env["POSTGRES_PASSWORD_FILE"] == "/run/secrets/rowbook/postgres-password"
    assert "SECRET_KEY" not in env and "POSTGRES_PASSWORD" not in env
    pod = pod_spec(deployment)
    (secret_volume,) = [v for v in pod["volumes"] if "secret" in v]
    assert secret_volume["secret"]["secretName"] == "rowbook"
    mount = next(m for m in pod["containers"][0]["volumeMounts"] if m["name"] == secret_volume["name"])
    assert mount == {"name": secret_volume["name"], "mountPath": "/run/secrets/rowbook", "readOnly": True}


def test_an_existing_secret_is_read_under_its_own_key_names():
    values = {**MINIMAL, "secretKey": "", "postgresql": {"host": "db", "password": ""},
              "existingSecret": "from-vault", "secretsAs": "files",
              "existingSecretKeys": {"secretKey": "django-key", "postgresPassword": "password"}}
    env = container_env(kind(render(values), "Deployment"))
    assert env["SECRET_KEY_FILE"] == "/run/secrets/rowbook/django-key"
    assert env["POSTGRES_PASSWORD_FILE"] == "/run/secrets/rowbook/password"


# --- the Ingress -------------------------------------------------------------------------

def test_the_ingress_answers_for_the_domain_with_tls():
    manifests = render(with_values(ingress={"enabled": True, "className": "nginx",
                                            "tls": {"enabled": True}}))
    ingress = kind(manifests, "Ingress")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["rules"][0]["host"] == "rowbook.example.com"
    assert ingress["spec"]["tls"] == [{"hosts": ["rowbook.example.com"], "secretName": "rowbook-tls"}]
    # Behind the Ingress controller, Rowbook trusts its X-Forwarded-Proto.
    assert kind(manifests, "ConfigMap")["data"]["ROWBOOK_TRUST_PROXY"] == "true"


def test_no_ingress_unless_enabled():
    assert all(m.object["kind"] != "Ingress" for m in render(MINIMAL))


# --- every setting: where the configuration reference says a Helm install sets it ---

# A value for each values path the reference names, and the setting it must become.
SAMPLES = {
    "secretKey": ("s" * 40, "s" * 40), "postgresql.password": ("pw-sample", "pw-sample"),
    "domainName": ("rowbook.sample.example", "rowbook.sample.example"),
    "extraHosts": (["a.example", "10.0.0.9"], "a.example,10.0.0.9"),
    "postgresql.host": ("pg.sample.example", "pg.sample.example"), "postgresql.port": (6543, "6543"),
    "postgresql.user": ("sample_user", "sample_user"), "postgresql.database": ("sample_db", "sample_db"),
    "config.workers": (3, "3"), "config.logLevel": ("WARNING", "WARNING"),
    "config.trustProxy": (True, "true"), "config.updateCheck": (False, "false"),
}
SECRET_KEYS = {"SECRET_KEY": "secret-key", "POSTGRES_PASSWORD": "postgres-password"}


def settings_the_pods_get(manifests) -> dict[str, str]:
    """The ConfigMap's settings, and the secrets under their setting's name."""
    got = dict(kind(manifests, "ConfigMap")["data"])
    secret = next(m.object for m in manifests if m.object["kind"] == "Secret" and m.name == "Secret/rowbook")
    got.update({name: secret["stringData"][key] for name, key in SECRET_KEYS.items()})
    return got


@pytest.mark.parametrize("var", rowbook_config.VARIABLES, ids=lambda v: v.name)
def test_each_setting_is_set_where_the_configuration_reference_says_for_helm(var):
    """The reference's "Helm chart" row (docs_site/where_to_set.py) names a
    value of the chart, `config.extra`, or why the chart does not set it; a
    setting Rowbook reads that the row does not account for fails here."""
    how = where_to_set.helm_how(var.name, var.secret)
    if var.name in where_to_set.HELM_VALUES:
        path = re.search(r"`([^`]+)`", how)[1]
        value, setting = SAMPLES[path]
        got = settings_the_pods_get(render(with_values(**{path.replace(".", "__"): value})))
        assert got[var.name] == setting, f"{path}: {value!r} did not become {var.name}={setting}"
    elif how == where_to_set.HELM_EXTRA.format(name=var.name):
        got = settings_the_pods_get(render(with_values(config__extra={var.name: "sample-value"})))
        assert got[var.name] == "sample-value"
    else:
        assert how.startswith(("set for you", "not used", "not offered")), how
        assert var.name not in settings_the_pods_get(render(MINIMAL))
