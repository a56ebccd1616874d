"""Every bad setting gives one clear line, via the real `rowbook check` command."""

import subprocess
import sys

import pytest

from tests.service.rowbook_testkit import VENV_BIN, assert_clean, base_env, free_port, run_rowbook


def test_config_module_imports_without_django_or_env():
    code = ("import sys, rowbook.config as c; assert 'django' not in sys.modules; "
            "print(len(c.VARIABLES))")
    out = subprocess.run([sys.executable, "-c", code], env={"PATH": str(VENV_BIN)},
                         capture_output=True, text=True, cwd="/")
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) >= 12


def test_every_variable_is_documented():
    from rowbook import config

    for var in config.VARIABLES:
        assert var.help and var.example, var.name
        assert not (var.required and var.default is not None), var.name


BAD = {
    "missing SECRET_KEY": (
        {"SECRET_KEY": None},
        'rowbook: error: SECRET_KEY is not set. Set it to a long random string, for example the '
        'output of: python3 -c "import secrets; print(secrets.token_urlsafe(50))"'),
    "short SECRET_KEY": ({"SECRET_KEY": "short-key"},
                         "rowbook: error: SECRET_KEY is too short (9 characters; at least 32"),
    "insecure SECRET_KEY": ({"SECRET_KEY": "django-insecure-" + "a" * 40},
                            'rowbook: error: SECRET_KEY starts with "django-insecure-"'),
    "DOMAIN_NAME with scheme": (
        {"DOMAIN_NAME": "https://rowbook.example.com"},
        'rowbook: error: DOMAIN_NAME must be a host name without a scheme (got '
        '"https://rowbook.example.com"). Example: DOMAIN_NAME=rowbook.example.com'),
    "DOMAIN_NAME with port": ({"DOMAIN_NAME": "rowbook.example.com:8443"},
                              "rowbook: error: DOMAIN_NAME must be a host name without a port"),
    "DOMAIN_NAME with path": ({"DOMAIN_NAME": "rowbook.example.com/app"},
                              "rowbook: error: DOMAIN_NAME must be a host name without a path"),
    "bad POSTGRES_PORT": (
        {"POSTGRES_PORT": "54x32"},
        'rowbook: error: POSTGRES_PORT must be a whole number between 1 and 65535 (got "54x32"). '
        'Example: POSTGRES_PORT=5432'),
    "bad bool": (
        {"ROWBOOK_TRUST_PROXY": "maybe"},
        'rowbook: error: ROWBOOK_TRUST_PROXY must be one of true, false, 1, 0, yes, no '
        '(got "maybe"). Example: ROWBOOK_TRUST_PROXY=true'),
    "no sign-in attempts": (
        {"ROWBOOK_SIGN_IN_ATTEMPTS": "0"},
        'rowbook: error: ROWBOOK_SIGN_IN_ATTEMPTS must be a whole number between 1 and 1000 '
        '(got "0"). Example: ROWBOOK_SIGN_IN_ATTEMPTS=10'),
    "database hosts empty": (
        {"ROWBOOK_DATABASE_HOSTS": " , "},
        "rowbook: error: ROWBOOK_DATABASE_HOSTS is empty: no database could be added. Set it to private "
        "(the default: this machine and private networks), or list the servers. "
        "Example: ROWBOOK_DATABASE_HOSTS=private,db.example.com,203.0.113.0/24"),
    "database hosts with a space": (
        {"ROWBOOK_DATABASE_HOSTS": "private,db one.example.com"},
        'rowbook: error: ROWBOOK_DATABASE_HOSTS holds "db one.example.com", which is not an IP address, '
        "a network, a host name or *.domain (letters, digits, hyphens and dots only). "
        "Example: ROWBOOK_DATABASE_HOSTS=private,db.example.com,203.0.113.0/24"),
    "database hosts with an escape code": (
        {"ROWBOOK_DATABASE_HOSTS": "private,\x1b[31mdb"},
        'rowbook: error: ROWBOOK_DATABASE_HOSTS holds "\\x1b[31mdb", which is not an IP address, '
        "a network, a host name or *.domain (letters, digits, hyphens and dots only). "
        "Example: ROWBOOK_DATABASE_HOSTS=private,db.example.com,203.0.113.0/24"),
    "sign-in pause in hours": (
        {"ROWBOOK_SIGN_IN_PAUSE_MINUTES": "2h"},
        'rowbook: error: ROWBOOK_SIGN_IN_PAUSE_MINUTES must be a whole number between 1 and 10080 '
        '(got "2h"). Example: ROWBOOK_SIGN_IN_PAUSE_MINUTES=30'),
    "bad log level": ({"ROWBOOK_LOG_LEVEL": "LOUD"},
                      "rowbook: error: ROWBOOK_LOG_LEVEL must be one of DEBUG, INFO"),
    "missing POSTGRES_HOST": ({"POSTGRES_HOST": None},
                              "rowbook: error: POSTGRES_HOST is not set."),
    "bad user database URL": (
        {"ROWBOOK_USER_DATABASE_URL": "mysql://reader:reader-Secret-pw-3Z@h/db"},
        'rowbook: error: ROWBOOK_USER_DATABASE_URL must look like '
        'postgresql://user:password@host:5432/dbname (got "mysql://reader:***@h/db")'),
    "bad install method": (
        {"ROWBOOK_INSTALL_METHOD": "kubernetes"},
        'rowbook: error: ROWBOOK_INSTALL_METHOD must be one of image, compose, all-in-one, '
        'without-docker, deb, helm (got "kubernetes"). Example: ROWBOOK_INSTALL_METHOD=compose'),
    "bad update check switch": (
        {"ROWBOOK_UPDATE_CHECK": "never"},
        'rowbook: error: ROWBOOK_UPDATE_CHECK must be one of true, false, 1, 0, yes, no '
        '(got "never"). Example: ROWBOOK_UPDATE_CHECK=false'),
    "bad release feed URL": (
        {"ROWBOOK_RELEASE_FEED_URL": "docs.rowbook.example/releases.json"},
        'rowbook: error: ROWBOOK_RELEASE_FEED_URL must be an http:// or https:// URL (got '
        '"docs.rowbook.example/releases.json"). Example: '
        'ROWBOOK_RELEASE_FEED_URL=https://docs.rowbook.example/releases.json'),
    "missing env file": ({"ROWBOOK_ENV_FILE": "/nonexistent/rowbook.env"},
                         'rowbook: error: ROWBOOK_ENV_FILE is "/nonexistent/rowbook.env", but'),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_setting_gives_clear_message(pg, case):
    overrides, expected = BAD[case]
    out = run_rowbook(["check"], base_env(pg, "postgres", **overrides))
    assert out.returncode == 2, out.stdout + out.stderr
    assert expected in out.stderr, out.stderr
    assert_clean(out.stdout + out.stderr)


def test_about_page_settings_defaults_and_spellings(tmp_path):
    from rowbook import config

    (tmp_path / "empty.env").write_text("")
    values = config.load({"SECRET_KEY": "k" * 40, "DOMAIN_NAME": "rowbook.example.com",
                          "POSTGRES_HOST": "db", "POSTGRES_USER": "u", "POSTGRES_PASSWORD": "p",
                          "POSTGRES_DB": "d",
                          "ROWBOOK_ENV_FILE": str(tmp_path / "empty.env")}).values
    assert values["ROWBOOK_INSTALL_METHOD"] == "without-docker"
    assert values["ROWBOOK_UPDATE_CHECK"] is True
    assert values["ROWBOOK_RELEASE_FEED_URL"] == config.DOCS_SITE_URL + "releases.json"
    method, _ = config._convert(config.BY_NAME["ROWBOOK_INSTALL_METHOD"], "All-In-One")
    assert method == "all-in-one"


def test_all_problems_reported_at_once(pg):
    env = base_env(pg, "postgres", SECRET_KEY=None, DOMAIN_NAME="http://x.example.com",
                   POSTGRES_PORT="0", ROWBOOK_DEBUG="perhaps")
    out = run_rowbook(["serve"], env)
    lines = [line for line in out.stderr.splitlines() if line.startswith("rowbook: error: ")]
    assert out.returncode == 2
    assert len(lines) == 4, out.stderr
    assert_clean(out.stdout + out.stderr)


def test_wrong_internal_password(pg):
    out = run_rowbook(["check"], base_env(pg, "postgres", POSTGRES_PASSWORD="wrong-Secret-pw-00"))
    assert out.returncode == 2
    assert (f'rowbook: error: authentication failed for user "rowbook" on 127.0.0.1:{pg.port}. '
            "Check POSTGRES_PASSWORD") in out.stderr, out.stderr
    assert "wrong-Secret-pw-00" not in out.stdout + out.stderr
    assert_clean(out.stdout + out.stderr)


def test_unreachable_internal_database(pg):
    port = free_port()
    out = run_rowbook(["check"], base_env(pg, "postgres", POSTGRES_PORT=str(port)))
    assert out.returncode == 2
    assert (f"rowbook: error: cannot reach PostgreSQL at 127.0.0.1:{port} (connection refused). "
            "Check POSTGRES_HOST/POSTGRES_PORT and that PostgreSQL is running.") in out.stderr
    assert_clean(out.stdout + out.stderr)


CONTAINER_SENTENCE = (
    "Check POSTGRES_HOST/POSTGRES_PORT and that PostgreSQL is running. Rowbook runs in a container, where "
    "localhost is the container itself, not the machine Docker runs on. To reach a PostgreSQL server on that "
    "machine, use the host name host.docker.internal: start the container with "
    "--add-host=host.docker.internal:host-gateway")


@pytest.mark.parametrize("method, in_a_container", [("image", True), ("compose", True),
                                                    ("all-in-one", False), ("without-docker", False)])
def test_localhost_in_a_container_is_said_to_be_the_container_and_the_way_to_the_host_named(
        pg, method, in_a_container):
    # The all-in-one's own PostgreSQL is on localhost; without Docker, localhost is this machine.
    port = free_port()
    out = run_rowbook(["check"], base_env(pg, "postgres", POSTGRES_HOST="localhost", POSTGRES_PORT=str(port),
                                          ROWBOOK_INSTALL_METHOD=method))
    assert out.returncode == 2
    assert f"rowbook: error: cannot reach PostgreSQL at localhost:{port} (connection refused). " in out.stderr
    assert (CONTAINER_SENTENCE in out.stderr) == in_a_container, out.stderr
    assert_clean(out.stdout + out.stderr)


def test_a_user_database_on_localhost_in_a_container_gets_the_same_sentence(pg):
    port = free_port()
    url = f"postgresql://reader:pw@127.0.0.1:{port}/shop"
    out = run_rowbook(["check"], base_env(pg, "postgres", ROWBOOK_USER_DATABASE_URL=url,
                                          ROWBOOK_INSTALL_METHOD="image"))
    assert f"cannot reach PostgreSQL at 127.0.0.1:{port} (connection refused)" in out.stderr, out.stderr
    assert "where 127.0.0.1 is the container itself" in out.stderr


def test_unreachable_internal_database_on_migrate(pg):
    out = run_rowbook(["migrate"], base_env(pg, "postgres", POSTGRES_PORT=str(free_port())))
    assert out.returncode == 2
    assert "rowbook: error: cannot reach PostgreSQL" in out.stderr
    assert_clean(out.stdout + out.stderr)


def test_wrong_user_database_password(pg):
    env = base_env(pg, "postgres",
                   ROWBOOK_USER_DATABASE_URL=pg.url("shop", password="wrong-Secret-pw-00"))
    out = run_rowbook(["check"], env)
    assert out.returncode == 2
    assert 'authentication failed for user "reader"' in out.stderr
    assert "ROWBOOK_USER_DATABASE_URL" in out.stderr
    assert "wrong-Secret-pw-00" not in out.stdout + out.stderr
    assert_clean(out.stdout + out.stderr)


def test_env_file_is_read_and_environment_wins(pg, tmp_path):
    env = base_env(pg, "postgres")
    (tmp_path / ".env").write_text(
        f"# comment\nexport SECRET_KEY='{env.pop('SECRET_KEY')}'\nDOMAIN_NAME=https://bad.example\n")
    out = run_rowbook(["check"], env, cwd=tmp_path)  # DOMAIN_NAME from env wins
    assert out.returncode == 0, out.stderr
    del env["DOMAIN_NAME"]
    out = run_rowbook(["check"], env, cwd=tmp_path)
    assert "DOMAIN_NAME must be a host name without a scheme" in out.stderr


def test_check_passes_against_real_server(pg, internal_db):
    env = base_env(pg, internal_db)
    assert run_rowbook(["migrate"], env).returncode == 0
    out = run_rowbook(["check"], env)
    assert out.returncode == 0, out.stderr
    assert "rowbook: ok: configuration is valid" in out.stdout
    assert f'rowbook: ok: internal database "{internal_db}"' in out.stdout
    assert 'rowbook: ok: user database "shop"' in out.stdout
    assert "rowbook: ok: Django system checks passed" in out.stdout
    assert_clean(out.stdout + out.stderr)


def test_version_command():
    out = run_rowbook(["version"], {"PATH": str(VENV_BIN)})
    import rowbook

    assert out.stdout.strip() == f"rowbook {rowbook.__version__}"


def test_check_deploy_fails_on_a_deployment_warning_unless_told_otherwise(pg, internal_db):
    """Issue #38: `rowbook check --deploy` exited 0 with warnings. It takes Django's
    own `check` options, since it takes that command's name."""
    env = base_env(pg, internal_db)
    assert run_rowbook(["migrate"], env).returncode == 0
    plain = run_rowbook(["check"], env)
    assert plain.returncode == 0, plain.stderr
    deploy = run_rowbook(["check", "--deploy"], env)
    assert deploy.returncode == 2
    assert "rowbook: error: Django system check security." in deploy.stderr
    lenient = run_rowbook(["check", "--deploy", "--fail-level", "ERROR"], env)
    assert lenient.returncode == 0, lenient.stderr
    assert "rowbook: warning: Django system check security." in lenient.stderr
    tagged = run_rowbook(["check", "--tag", "models"], env)
    assert tagged.returncode == 0, tagged.stderr
    unknown = run_rowbook(["check", "--tag", "no-such-tag"], env)
    assert unknown.returncode == 2
    assert "no Django check has the tag no-such-tag; the tags are: " in unknown.stderr and "models" in unknown.stderr
    for out in (deploy, lenient, tagged, unknown):
        assert_clean(out.stdout + out.stderr)
