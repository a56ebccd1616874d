"""A Caddyfile block is checked by Caddy's own parser, whatever the page's shell holds."""

from pathlib import Path

import pytest

from guide_runner import configs

# Reads no page of docs/ (its pages are tests/runner/pages): --changed does not run it for a page change.
pytestmark = pytest.mark.reads_pages()

SITE = "{$DOMAIN_NAME} {\n\treverse_proxy {\n\t\tdynamic a rowbook 8000\n\t}\n}\n"


def block(source: str, cwd: Path) -> configs.ConfigBlock:
    return configs.ConfigBlock(source, None, {"PATH": "/usr/bin:/bin", "HOME": str(cwd)}, cwd)


def test_a_variable_that_caddy_reads_where_it_runs_gets_a_stand_in_and_says_so(tmp_path):
    assert configs.check("caddy", block(SITE, tmp_path)) == "caddy adapt (DOMAIN_NAME=example.com)"


def test_a_caddyfile_caddy_cannot_read_is_refused_with_caddys_message(tmp_path):
    with pytest.raises(ValueError, match="(?s)caddy adapt rejected it:.*unrecognized subdirective dynamic_a"):
        configs.check("caddy", block(SITE.replace("dynamic a", "dynamic_a"), tmp_path))


BASE = "services:\n  web:\n    image: nginx\n    ports: ['127.0.0.1:8000:80']\n"
REPLICAS = "services:\n  web:\n    deploy:\n      replicas: 3\n    ports: !reset []\n"


def written(directory: Path, name: str, source: str) -> configs.ConfigBlock:
    (directory / name).write_text(source)
    return configs.ConfigBlock(source, directory / name, {"PATH": "/usr/bin:/bin", "HOME": str(directory)}, directory)


def test_a_compose_file_named_for_what_it_adds_is_checked_on_top_of_the_compose_file_beside_it(tmp_path):
    (tmp_path / "compose.yml").write_text(BASE)
    assert configs.check("yaml", written(tmp_path, "compose.replicas.yml", REPLICAS)) \
        == "docker compose config on top of compose.yml"


def test_an_addition_compose_cannot_merge_is_refused_with_composes_message(tmp_path):
    (tmp_path / "compose.yml").write_text(BASE)
    with pytest.raises(ValueError, match="(?s)docker compose config rejected it:.*replica"):
        configs.check("yaml", written(tmp_path, "compose.replicas.yml", REPLICAS.replace("replicas: 3", "replica: 3")))


def test_an_addition_without_a_compose_file_beside_it_says_so(tmp_path):
    with pytest.raises(ValueError, match="compose.replicas.yml goes on top of a compose.yml, and there is none"):
        configs.check("yaml", written(tmp_path, "compose.replicas.yml", REPLICAS))


def test_a_yaml_file_with_the_tags_of_the_program_that_reads_it_is_yaml(tmp_path):
    """Issue #41: MkDocs' own tags in an mkdocs.yml a page shows; broken YAML is still refused."""
    mkdocs = ("site_name: Docs\ndocs_dir: !relative $config_dir/docs\n"
              "plugins:\n  - htmlproofer:\n      enabled: !ENV [CHECK_LINKS, false]\n"
              "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
              "        - name: mermaid\n          format: !!python/name:pymdownx.superfences.fence_code_format\n")
    assert configs.check("yaml", written(tmp_path, "mkdocs.yml", mkdocs)) == "YAML parser"
    with pytest.raises(Exception, match="mapping values are not allowed here"):
        configs.check("yaml", written(tmp_path, "mkdocs.yml", "site_name: Docs\nnav: a: b\n"))
