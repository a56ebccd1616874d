"""The chart repository the docs site serves at /charts/ (docs_site/chart_repository.py),
read as Helm reads one: its index fetched and each release's chart pulled
with Helm's SDK (`helm repo add`, `helm pull`), over HTTP from the built site."""

from __future__ import annotations

import helm_python as helm
import pytest
import yaml

from docs_site.chart_repository import NAME, build, releases_with_chart
from guide_runner import releases
from tests.browser.site_build import serve
from tests.helm.chart import MINIMAL, kind, pod_spec, render
from tests.helm.repository import pull

pytestmark = pytest.mark.reads_pages()


def test_every_release_with_the_chart_is_in_the_index_by_its_own_number(tmp_path):
    with serve(tmp_path) as url:
        build(tmp_path / "charts", f"{url}charts/")
        index = helm.repo_index(f"{url}charts/")
    versions = [(entry["version"], entry["appVersion"]) for entry in index["entries"][NAME]]
    expected = [(version, version) for version, _ in releases_with_chart()]
    assert sorted(versions) == sorted(expected)
    assert releases.newest() in dict(versions)  # the newest release's docs install the newest chart
    assert all(entry["urls"] == [f"{url}charts/{NAME}-{entry['version']}.tgz"] for entry in index["entries"][NAME])


@pytest.mark.parametrize("version", [version for version, _ in releases_with_chart()])
def test_a_pulled_chart_runs_the_release_it_is_named_after_without_an_image_tag(version, tmp_path):
    """The chart at a release's tag defaulted to the release before it; its
    packaged chart's appVersion is the release, so the default image is too."""
    with serve(tmp_path) as url:
        build(tmp_path / "charts", f"{url}charts/")
        chart = pull(version, f"{url}charts/", tmp_path / "pulled")
    metadata = yaml.safe_load((chart / "Chart.yaml").read_text())
    assert (metadata["version"], metadata["appVersion"]) == (version, version)
    container = pod_spec(kind(render(MINIMAL, chart), "Deployment"))["containers"][0]
    assert container["image"] == f"rowbook/rowbook:{version}"

