"""The Rowbook chart, rendered and checked offline, with no cluster.

Helm's own engine (helm-python-sdk: Helm 4's Go SDK, no helm binary) renders
and lints the chart, so values.schema.json, `required` and `fail` refuse
values exactly as `helm install` would. Every rendered object is then checked
against the Kubernetes API schemas (kubernetes-validate, strict: an unknown
field is an error) for the oldest Kubernetes the chart supports and the newest
the package knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import helm_python as helm
import kubernetes_validate
import yaml
from kubernetes_validate.utils import latest_version, major_minor

from docs_site.paths import ROOT

CHART = ROOT / "deploy" / "helm" / "rowbook"
# The example values files the docs page includes (snippets/ is where pages include files from).
EXAMPLES = ROOT / "snippets" / "helm"
RELEASE = "rowbook"
NAMESPACE = "rowbook"
# Chart.yaml's kubeVersion (>=1.25) and the newest API schemas we have.
KUBERNETES_VERSIONS = ("1.25", major_minor(latest_version()))
# What `helm lint` says of every chart with no icon: an INFO, not a warning.
ACCEPTED_LINT = {("Chart.yaml", "icon is recommended")}
LINT_SEVERITY = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


# The least a values file must set: the chart refuses less.
MINIMAL = {
    "domainName": "rowbook.example.com",
    "postgresql": {"host": "db.example.com", "password": "a-database-password"},
    "secretKey": "k" * 40,
}


class ChartRefused(Exception):
    """The chart refused the values (schema, `required`, `fail`) or broke rendering them."""


@dataclass(frozen=True)
class Manifest:
    template: str  # e.g. rowbook/templates/deployment.yaml
    object: dict

    @property
    def name(self) -> str:
        return f"{self.object['kind']}/{self.object['metadata']['name']}"


def load_values(path: Path) -> dict:
    """A values file as `helm install -f` reads it."""
    return helm.values_from_yaml(Path(path).read_text())


def render(values: dict | None, chart_dir: Path = CHART) -> list[Manifest]:
    """Every object `helm install` would send for these values, hooks included."""
    with helm.Chart.load(chart_dir) as chart:
        try:
            rendered = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
        except helm.HelmError as exc:
            raise ChartRefused(str(exc)) from None
    return [Manifest(template, obj)
            for template, text in sorted(rendered.items()) if not template.endswith("NOTES.txt")
            for obj in yaml.safe_load_all(text) if obj]


def kind(manifests: list[Manifest], wanted: str) -> dict:
    """The one object of that kind the chart makes."""
    (found,) = [m.object for m in manifests if m.object["kind"] == wanted]
    return found


def pod_spec(obj: dict) -> dict:
    """The pod spec of a Deployment or a Job."""
    return obj["spec"]["template"]["spec"]


def api_problems(manifests: list[Manifest]) -> list[str]:
    """One line per object the Kubernetes API would refuse, for each version we check."""
    problems = []
    for manifest in manifests:
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(manifest.object, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                where = ".".join(str(part) for part in exc.path) or "(top)"
                problems.append(f"{manifest.template}: {manifest.name} is not valid for "
                                f"Kubernetes {version}: {where}: {exc.message}")
            except kubernetes_validate.SchemaNotFoundError as exc:
                problems.append(f"{manifest.template}: {exc.message}")
    return problems


def lint_findings(values: dict | None, chart_dir: Path = CHART) -> list[str]:
    """What `helm lint -f VALUES` reports, less the accepted INFO lines."""
    report = helm.lint(chart_dir, values, namespace=NAMESPACE,
                       kube_version=f"v{KUBERNETES_VERSIONS[-1]}")
    return [f"{LINT_SEVERITY.get(m['severity'], m['severity'])} {m['path']}: {m['error'].strip()}"
            for m in report["messages"] if (m["path"], m["error"]) not in ACCEPTED_LINT]


def check(values: dict | None, chart_dir: Path = CHART) -> list[Manifest]:
    """Render, lint and validate; raise ChartRefused naming every problem.
    `chart_dir`: this repository's chart, or a release's (the one the docs page pulled)."""
    manifests = render(values, chart_dir)
    problems = lint_findings(values, chart_dir) + api_problems(manifests)
    if problems:
        raise ChartRefused("\n".join(problems))
    return manifests
