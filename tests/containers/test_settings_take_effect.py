"""Every setting of the configuration reference takes effect, set the way
each install method's page sets it: a line in `.env` for Docker Compose, the
`--env-file` of `docker run` for the service image and the all-in-one image,
`rowbook.env` read through ROWBOOK_ENV_FILE (as the systemd unit has it)
without Docker, and the file the Debian package made, on a Debian server
with the package installed.

Per method, two Rowbooks run one after the other: one with every setting at
a value other than its default (and the update check on, to see the feed
URL), one with the update check off and the log level raised. Each entry of
EFFECTS observes one setting in the running service, the way its user or
admin notices it: the address it answers at, the page it shows, its logs.
A setting added to rowbook/config.py fails the first test until it has an
effect here or a reason in docs_site/where_to_set.py, which the configuration
reference prints."""

from __future__ import annotations

import functools
import html
import http.cookiejar
import re
import secrets
import shlex
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest
from django.core import signing
from psycopg import sql

from docs_site.release_tree import config_of
from docs_site.where_to_set import METHODS, SET_ELSEWHERE
from guide_runner import releases
from guide_runner.machines import Machine
from docs_site.paths import ROOT
from rowbook import config
from tests.containers.conftest import Project, docker
from tests.packaging.server_shell import root
from tests.service.rowbook_testkit import VENV_BIN, free_port, pg, stop_group  # noqa: F401  (fixture)

pytestmark = pytest.mark.docker

DOMAIN, EXTRA_HOST = "books.test", "rowbook.internal"
FEED_URL = "http://127.0.0.1:9/releases.json"  # nothing listens: the About page names it all the same
ADMIN, ADMIN_PASSWORD = "effect-admin", secrets.token_hex(12)


class BrowserBehindHttps(http.cookiejar.DefaultCookiePolicy):
    """Secure cookies go back with every request: the browser's side of the proxy is https."""

    def return_ok_secure(self, cookie, request):
        return True


@dataclass
class Rowbook:
    """A running Rowbook, however it was installed."""

    url: str  # where this test reaches it, e.g. http://127.0.0.1:8123
    settings: dict[str, str]
    logs: Callable[[], str]
    run_shell: Callable[[str], str]  # `rowbook shell -c CODE`, the way the method runs commands

    def shell(self, code: str) -> str:
        """What CODE prints (Django's shell first says what it imported: not that)."""
        return self.run_shell(code).strip().split("\n")[-1]

    def get(self, path: str, host: str = DOMAIN, opener=None, **headers) -> tuple[int, str]:
        request = urllib.request.Request(self.url + path, headers={"Host": host, **headers})
        try:
            with (opener or urllib.request.build_opener()).open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def signed_in(self, **headers):
        """An opener signed in as the admin, through the sign-in form as a browser does it.
        With X-Forwarded-Proto: https, as a browser at https://DOMAIN behind the proxy:
        it sends back the Secure cookies Rowbook then sets, though this test speaks http."""
        behind_https = headers.get("X-Forwarded-Proto") == "https"
        jar = http.cookiejar.CookieJar(BrowserBehindHttps() if behind_https else None)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        _, form = self.get("/login/", opener=opener)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": ADMIN,
                                       "password": ADMIN_PASSWORD}).encode()
        request = urllib.request.Request(self.url + "/login/", data=body, headers={"Host": DOMAIN, **headers})
        try:
            with opener.open(request, timeout=20) as response:
                page = response.read().decode()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"signing in failed with {error.code}: {error.read().decode()[:300]}")
        assert "Sign out" in page, page[:500]
        return opener


# --- One check per setting -------------------------------------------------

def signer(key: str) -> signing.TimestampSigner:
    """Django's signing.dumps/loads with this key (and no settings in this process)."""
    return signing.TimestampSigner(key=key, salt="django.core.signing", fallback_keys=[])


def secret_key(rb: Rowbook) -> None:
    token = rb.shell("from django.core import signing; print(signing.dumps('effect'))").strip()
    assert signer(rb.settings["SECRET_KEY"]).unsign_object(token) == "effect"


def secret_key_fallbacks(rb: Rowbook) -> None:
    token = signer(rb.settings["SECRET_KEY_FALLBACKS"]).sign_object("signed with the old key")
    assert rb.shell(f"from django.core import signing; print(signing.loads({token!r}))").strip() \
        == "signed with the old key"


def domain_name(rb: Rowbook) -> None:
    assert rb.get("/healthz", host=DOMAIN)[0] == 200
    status, page = rb.get("/healthz", host="elsewhere.test")
    assert status == 400 and DOMAIN in page


def extra_hosts(rb: Rowbook) -> None:
    assert rb.get("/healthz", host=EXTRA_HOST)[0] == 200


def internal_database(rb: Rowbook) -> None:
    """POSTGRES_*: Rowbook's own tables are in that database, reached as that user."""
    seen = rb.shell("from django.db import connection; s = connection.settings_dict; connection.ensure_connection(); "
                    "print(s['HOST'], s['PORT'], s['USER'], s['NAME'])").split()
    want = rb.settings
    assert seen == [want["POSTGRES_HOST"], want["POSTGRES_PORT"], want["POSTGRES_USER"], want["POSTGRES_DB"]]
    assert rb.get("/healthz")[0] == 200  # the password works: the database answers


def user_database_url(rb: Rowbook) -> None:
    _, page = rb.get("/databases/", opener=rb.signed_in())
    assert "From ROWBOOK_USER_DATABASE_URL" in page


def listen_host(rb: Rowbook) -> None:
    host = urllib.parse.urlsplit(rb.url).hostname
    assert host == rb.settings["ROWBOOK_HOST"] != "127.0.0.1"
    with pytest.raises(urllib.error.URLError):  # not on the default address
        urllib.request.urlopen(rb.url.replace(host, "127.0.0.1") + "/healthz", timeout=5)


def listen_port(rb: Rowbook) -> None:
    assert rb.get("/healthz")[0] == 200  # rb.url has the port the settings name


def workers(rb: Rowbook) -> None:
    assert rb.logs().count("Booting worker") == int(rb.settings["ROWBOOK_WORKERS"])


def trust_proxy(rb: Rowbook) -> None:
    """Behind an HTTPS proxy, sign-in passes Django's origin check."""
    rb.signed_in(**{"X-Forwarded-Proto": "https", "Origin": f"https://{DOMAIN}"})


def debug(rb: Rowbook) -> None:
    status, page = rb.get("/no-such-page/")
    assert status == 404 and "Using the URLconf defined in" in page


def log_level(rb: Rowbook) -> None:
    assert rb.settings["ROWBOOK_LOG_LEVEL"] == "WARNING"
    assert "Booting worker" not in rb.logs() and " INFO " not in rb.logs()


def install_method(rb: Rowbook) -> None:
    _, page = rb.get("/about/", opener=rb.signed_in())
    assert f"(ROWBOOK_INSTALL_METHOD={rb.settings['ROWBOOK_INSTALL_METHOD']})" in page


def update_check(rb: Rowbook) -> None:
    _, page = rb.get("/about/", opener=rb.signed_in())
    assert "Update checks are off (ROWBOOK_UPDATE_CHECK=false)" in page


def release_feed_url(rb: Rowbook) -> None:
    _, page = rb.get("/about/", opener=rb.signed_in())
    assert f"Releases are read from {FEED_URL}" in page


def failed_sign_in(rb: Rowbook, address: str) -> tuple[int, str, str]:
    """(status, page, Retry-After) of a wrong password for "intruder", sent as
    the proxy sends it for a browser at `address` (ROWBOOK_TRUST_PROXY is on):
    the admin and this test's own address are never paused."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, form = rb.get("/login/", opener=opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "intruder",
                                   "password": "wrong"}).encode()
    request = urllib.request.Request(rb.url + "/login/", data=body,
                                     headers={"Host": DOMAIN, "X-Forwarded-For": address})
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.read().decode(), response.headers.get("Retry-After", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("Retry-After", "")


def sign_in_attempts(rb: Rowbook) -> None:
    limit = int(rb.settings["ROWBOOK_SIGN_IN_ATTEMPTS"])
    answers = [failed_sign_in(rb, "198.51.100.23")[0] for _ in range(limit)]
    assert answers == [200] * (limit - 1) + [429], answers


def sign_in_pause_minutes(rb: Rowbook) -> None:
    minutes = rb.settings["ROWBOOK_SIGN_IN_PAUSE_MINUTES"]
    for _ in range(int(rb.settings["ROWBOOK_SIGN_IN_ATTEMPTS"])):
        status, page, retry_after = failed_sign_in(rb, "198.51.100.24")
    assert status == 429 and f"paused for up to {minutes} minutes" in page
    assert retry_after == str(int(minutes) * 60)


def database_hosts(rb: Rowbook) -> None:
    """A user adding a server outside the list is told which list refused it."""
    opener = rb.signed_in()
    _, form = rb.get("/databases/add/", opener=opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "name": "Outside", "host": "198.51.100.7",
                                   "port": "5432", "dbname": "shop", "user": "reader", "password": "x"}).encode()
    request = urllib.request.Request(rb.url + "/databases/add/", data=body, headers={"Host": DOMAIN})
    with opener.open(request, timeout=20) as response:
        page = html.unescape(response.read().decode())
    assert f'(ROWBOOK_DATABASE_HOSTS: "{rb.settings["ROWBOOK_DATABASE_HOSTS"]}")' in page, page[-2000:]


EFFECTS: dict[str, Callable[[Rowbook], None]] = {
    "SECRET_KEY": secret_key, "SECRET_KEY_FALLBACKS": secret_key_fallbacks,
    "DOMAIN_NAME": domain_name, "ROWBOOK_EXTRA_HOSTS": extra_hosts,
    **dict.fromkeys(["POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"],
                    internal_database),
    "ROWBOOK_USER_DATABASE_URL": user_database_url, "ROWBOOK_HOST": listen_host, "ROWBOOK_PORT": listen_port,
    "ROWBOOK_WORKERS": workers, "ROWBOOK_TRUST_PROXY": trust_proxy, "ROWBOOK_DEBUG": debug,
    "ROWBOOK_LOG_LEVEL": log_level, "ROWBOOK_INSTALL_METHOD": install_method,
    "ROWBOOK_UPDATE_CHECK": update_check, "ROWBOOK_RELEASE_FEED_URL": release_feed_url,
    "ROWBOOK_SIGN_IN_ATTEMPTS": sign_in_attempts, "ROWBOOK_SIGN_IN_PAUSE_MINUTES": sign_in_pause_minutes,
    "ROWBOOK_DATABASE_HOSTS": database_hosts,
}
# Seen in the second Rowbook of each method (they would hide the others' effects).
SECOND = {"ROWBOOK_UPDATE_CHECK": "false", "ROWBOOK_LOG_LEVEL": "WARNING"}


# The Rowbook each method runs here: Compose and the service image run the
# newest release's image, the install without Docker this checkout. Each is
# checked for the settings its own version reads, so a setting not released
# yet is checked without Docker until its release's image exists.
RUNS_RELEASE = {"compose": True, "image": True, "all-in-one": True, "without-docker": False, "deb": True}


@functools.cache
def checked_in(method: str) -> list[str]:
    variables = config_of(releases.newest()).VARIABLES if RUNS_RELEASE[method] else config.VARIABLES
    return [var.name for var in variables if var.name not in SET_ELSEWHERE[method]]


def test_every_setting_has_an_effect_check_for_each_method_that_sets_it():
    for method in METHODS:
        missing = [name for name in checked_in(method) if name not in EFFECTS]
        assert not missing, f"{method}: no effect check for {missing} (EFFECTS), nor a reason in where_to_set.py"


def settings_for(method: str, db: dict[str, str], port: int, second: bool) -> dict[str, str]:
    """Every setting the method's reader sets, at a value other than its
    default; `db` says where the internal database is (and may name it)."""
    values = {
        "SECRET_KEY": secrets.token_hex(32), "DOMAIN_NAME": DOMAIN,
        "POSTGRES_USER": "books", "POSTGRES_PASSWORD": secrets.token_hex(16), "POSTGRES_DB": "booksdb",
        **db,
    }
    if second:
        return {**values, **SECOND}
    values |= {
        "SECRET_KEY_FALLBACKS": secrets.token_hex(32), "ROWBOOK_EXTRA_HOSTS": EXTRA_HOST,
        "ROWBOOK_HOST": "127.0.0.2", "ROWBOOK_PORT": str(port), "ROWBOOK_WORKERS": "3",
        "ROWBOOK_TRUST_PROXY": "true", "ROWBOOK_DEBUG": "true", "ROWBOOK_INSTALL_METHOD": method,
        "ROWBOOK_RELEASE_FEED_URL": FEED_URL, "ROWBOOK_SIGN_IN_ATTEMPTS": "2",
        "ROWBOOK_SIGN_IN_PAUSE_MINUTES": "7", "ROWBOOK_DATABASE_HOSTS": "private,db.example.com",
    }
    values["ROWBOOK_USER_DATABASE_URL"] = (f"postgresql://{values['POSTGRES_USER']}:{values['POSTGRES_PASSWORD']}"
                                           f"@{values.get('POSTGRES_HOST', 'db')}:{values.get('POSTGRES_PORT', '5432')}"
                                           f"/{values['POSTGRES_DB']}")
    return {k: v for k, v in values.items() if k in checked_in(method)}


def env_file(values: dict[str, str]) -> str:
    return "".join(f"{k}={v}\n" for k, v in values.items())


def wait_for(url: str, host: str, alive: Callable[[], bool], logs: Callable[[], str], deadline: float = 90) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            request = urllib.request.Request(url + "/healthz", headers={"Host": host})
            if urllib.request.urlopen(request, timeout=5).status == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        assert alive(), f"Rowbook stopped:\n{logs()[-3000:]}"
        time.sleep(0.5)
    pytest.fail(f"Rowbook does not answer at {url}:\n{logs()[-3000:]}")


# --- Each method, as its page installs it ----------------------------------

@contextmanager
def with_compose(tmp_path: Path, second: bool, request) -> Iterator[Rowbook]:
    port = free_port()
    values = settings_for("compose", {}, port, second)
    values["ROWBOOK_PORT"] = str(port)  # in .env: the port on this machine
    for name in ("compose.yml", "Caddyfile"):
        shutil.copy(ROOT / "docker" / name, tmp_path / name)
    (tmp_path / ".env").write_text(env_file(values))
    project = Project(tmp_path, f"rbtest-effects-{uuid.uuid4().hex[:6]}")
    try:
        project.up()
        internal = {**values, "POSTGRES_HOST": "db", "POSTGRES_PORT": "5432"}
        rb = Rowbook(f"http://127.0.0.1:{port}", internal,
                     lambda: project.compose("logs", "rowbook", "--no-log-prefix", check=False).stdout,
                     lambda code: project.exec("rowbook", "rowbook", "shell", "-c", code))
        rb.shell(create_admin())
        yield rb
    finally:
        project.compose("down", "-v", "--remove-orphans", check=False)


def docker_run_rowbook(tmp_path: Path, name: str, values: dict[str, str], seen: dict[str, str], image: str,
                       *options: str) -> Rowbook:
    """`docker run` of the newest release's `image` with `values` in its
    --env-file, published on a free port; `seen`: the settings it runs with."""
    host_port = free_port()
    (tmp_path / "rowbook.env").write_text(env_file(values))
    inside = values.get("ROWBOOK_PORT", "8000")
    docker("run", "-d", "--name", name, *options, "--env-file", str(tmp_path / "rowbook.env"),
           "-p", f"127.0.0.1:{host_port}:{inside}", f"{image}:{releases.newest()}")

    def logs() -> str:
        run = docker("logs", name, check=False)
        return run.stdout + run.stderr

    running = lambda: docker("inspect", "-f", "{{.State.Running}}", name, check=False).stdout.strip() == "true"  # noqa: E731
    wait_for(f"http://127.0.0.1:{host_port}", DOMAIN, running, logs)
    rb = Rowbook(f"http://127.0.0.1:{host_port}", seen, logs,
                 lambda code: docker("exec", name, "rowbook", "shell", "-c", code).stdout)
    rb.shell(create_admin())
    return rb


@contextmanager
def with_image(tmp_path: Path, second: bool, request) -> Iterator[Rowbook]:
    name = f"rbtest-effects-{uuid.uuid4().hex[:6]}"
    database = {"POSTGRES_HOST": "pgdb", "POSTGRES_PORT": "5433"}
    values = settings_for("image", database, 9123, second)
    try:
        docker("network", "create", name)
        docker("run", "-d", "--name", f"{name}-db", "--network", name, "--network-alias", "pgdb",
               "-e", f"POSTGRES_USER={values['POSTGRES_USER']}", "-e", f"POSTGRES_PASSWORD={values['POSTGRES_PASSWORD']}",
               "-e", f"POSTGRES_DB={values['POSTGRES_DB']}", "postgres:15", "postgres", "-c", "port=5433")
        until = time.monotonic() + 60  # as the service-image guide does: PostgreSQL first
        while docker("exec", f"{name}-db", "pg_isready", "--host=127.0.0.1", "--port=5433", "--quiet",
                     check=False).returncode:
            assert time.monotonic() < until, docker("logs", f"{name}-db", check=False).stderr
            time.sleep(0.5)
        yield docker_run_rowbook(tmp_path, name, values, values, "rowbook/rowbook", "--network", name)
    finally:
        docker("rm", "-f", "-v", name, f"{name}-db", check=False)
        docker("network", "rm", name, check=False)


@contextmanager
def with_all_in_one(tmp_path: Path, second: bool, request) -> Iterator[Rowbook]:
    """The Quickstart's `docker run` with the settings added: its own
    PostgreSQL, made on first start with the user, database and password given."""
    name = f"rbtest-effects-{uuid.uuid4().hex[:6]}"
    own_database = {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "5432"}
    values = settings_for("all-in-one", own_database, 9123, second)
    try:
        yield docker_run_rowbook(tmp_path, name, values, {**values, **own_database}, "rowbook/all-in-one",
                                 "-v", f"{name}:/data")
    finally:
        docker("rm", "-f", "-v", name, check=False)
        docker("volume", "rm", "-f", name, check=False)


@contextmanager
def without_docker(tmp_path: Path, second: bool, request) -> Iterator[Rowbook]:
    """`rowbook serve` of this checkout, reading rowbook.env through
    ROWBOOK_ENV_FILE as the systemd unit of the page has it."""
    pg = request.getfixturevalue("pg")
    db = f"books_{uuid.uuid4().hex[:6]}"  # the cluster is the whole run's: a user and database of its own
    database = {"POSTGRES_HOST": pg.host, "POSTGRES_PORT": str(pg.port), "POSTGRES_USER": db, "POSTGRES_DB": db}
    port = free_port()
    values = settings_for("without-docker", database, port, second)
    with pg.connect() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(db), sql.Literal(values["POSTGRES_PASSWORD"])))
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(db), sql.Identifier(db)))
    settings_file = tmp_path / "rowbook.env"
    settings_file.write_text(env_file(values))
    # The unit's environment: ROWBOOK_ENV_FILE, nothing of ours.
    env = {"PATH": f"{VENV_BIN}:/usr/bin:/bin", "LANG": "C.UTF-8", "ROWBOOK_ENV_FILE": str(settings_file)}
    rowbook = str(VENV_BIN / "rowbook")
    subprocess.run([rowbook, "migrate"], env=env, cwd=tmp_path, check=True, capture_output=True, text=True)
    log = tmp_path / "rowbook.log"
    with log.open("w") as out:
        server = subprocess.Popen([rowbook, "serve"], env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        url = f"http://{values.get('ROWBOOK_HOST', '127.0.0.1')}:{values.get('ROWBOOK_PORT', '8000')}"
        wait_for(url, DOMAIN, lambda: server.poll() is None, log.read_text)
        rb = Rowbook(url, values, log.read_text,
                     lambda code: subprocess.run([rowbook, "shell", "-c", code], env=env, cwd=tmp_path, check=True,
                                                 capture_output=True, text=True).stdout)
        rb.shell(create_admin())
        yield rb
    finally:
        stop_group(server, "rowbook serve", log.read_text)


@pytest.fixture
def deb_server(tmp_path_factory) -> Iterator[Machine]:
    """A fresh Debian 12 server with Debian's PostgreSQL, then the newest
    release's package, installed in that order as its page installs them."""
    scratch = tmp_path_factory.mktemp("deb-effects")
    server = Machine("debian-12", f"rbtest-effects-deb-{uuid.uuid4().hex[:6]}", scratch)
    try:
        server.start()
        package = ROOT / ".cache" / "deb" / f"rowbook_{releases.newest()}_amd64.deb"
        if not package.is_file():  # scripts/test.sh builds it; cached
            run = subprocess.run([str(ROOT / "scripts" / "build-deb.sh"), releases.newest()],
                                 capture_output=True, text=True)
            assert run.returncode == 0, run.stdout + run.stderr
        docker("cp", str(package), f"{server.container}:/tmp/rowbook.deb")
        on_server(server, "apt-get update -q && apt-get install -y -q postgresql "
                          "&& apt-get install -y -q /tmp/rowbook.deb")
        yield server
    finally:
        server.remove()


def on_server(server: Machine, script: str) -> str:
    """A shell script as root on the server, as `sudo` runs it; its output."""
    return root(server, script).stdout


@contextmanager
def with_deb(tmp_path: Path, second: bool, request) -> Iterator[Rowbook]:
    """The package's Rowbook, its settings written into the file the package
    made (/etc/rowbook/rowbook.env, kept root:rowbook 0640), then the tables
    and the restart its page has the reader run. The server is the test's:
    both Rowbooks run on it, one after the other."""
    server = request.getfixturevalue("deb_server")
    address = server.address()
    database = {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "5432"}
    # Reached from this test, on the server's address (127.0.0.1 is the server's own).
    values = settings_for("deb", database, 9123, second) | {"ROWBOOK_HOST": address, "ROWBOOK_PORT": "9123"}
    if not second:
        on_server(server, f"runuser -u postgres -- psql -Xq -v ON_ERROR_STOP=1 <<'SQL'\n"
                          f"CREATE ROLE {values['POSTGRES_USER']} LOGIN PASSWORD '{values['POSTGRES_PASSWORD']}';\n"
                          f"CREATE DATABASE {values['POSTGRES_DB']} OWNER {values['POSTGRES_USER']};\nSQL")
    else:
        on_server(server, f"runuser -u postgres -- psql -Xq -v ON_ERROR_STOP=1 -c "
                          f"\"ALTER ROLE {values['POSTGRES_USER']} PASSWORD '{values['POSTGRES_PASSWORD']}'\"")
    # `cat >` keeps the file's owner and mode, as an editor does.
    on_server(server, f"cat > /etc/rowbook/rowbook.env <<'SETTINGS'\n{env_file(values)}SETTINGS\n"
                      "stat -c '%a %U:%G' /etc/rowbook/rowbook.env | grep -qx '640 root:rowbook'\n"
                      "rowbook migrate > /dev/null && systemctl restart rowbook")

    def logs() -> str:
        """This start's journal: the restart above, not the ones before."""
        return on_server(server, "journalctl -u rowbook --no-pager -o cat "
                                 "_SYSTEMD_INVOCATION_ID=$(systemctl show -p InvocationID --value rowbook)")

    def running() -> bool:  # started, or starting
        state = subprocess.run(["docker", "exec", server.container, "systemctl", "show", "-p", "ActiveState",
                                "--value", "rowbook"], capture_output=True, text=True).stdout.strip()
        return state in ("active", "activating", "reloading")

    url = f"http://{address}:{values['ROWBOOK_PORT']}"
    wait_for(url, DOMAIN, running, logs)
    rb = Rowbook(url, {**values, "ROWBOOK_INSTALL_METHOD": "deb"}, logs,
                 lambda code: on_server(server, f"rowbook shell -c {shlex.quote(code)}"))
    if not second:
        rb.shell(create_admin())
    yield rb


def create_admin() -> str:
    return ("from django.contrib.auth.models import User; "
            f"User.objects.create_superuser({ADMIN!r}, 'admin@books.test', {ADMIN_PASSWORD!r})")


INSTALLS = {"compose": with_compose, "image": with_image, "all-in-one": with_all_in_one,
            "without-docker": without_docker, "deb": with_deb}


@pytest.mark.parametrize("method", list(METHODS))
def test_every_setting_takes_effect_set_the_way_the_methods_page_sets_it(method, tmp_path, request):
    names = checked_in(method)
    first = [n for n in names if n not in SECOND]
    with INSTALLS[method](tmp_path, False, request) as rb:
        failures = _check(rb, first)
    with INSTALLS[method](tmp_path, True, request) as rb:
        failures += _check(rb, [n for n in names if n in SECOND])
    assert not failures, f"{method}: settings without their effect:\n" + "\n".join(failures)


def _check(rb: Rowbook, names: list[str]) -> list[str]:
    failures = []
    for name in names:
        try:
            EFFECTS[name](rb)
        except Exception as error:  # report every setting, not only the first
            failures.append(f"  {name}: {type(error).__name__}: {str(error)[:500]}")
    return failures
