"""Rowbook's Debian package (packaging/debian/, scripts/build-deb.sh) on a
fresh Debian 12 server, the test machine of the Install without Docker guide:
installed from a signed apt repository (scripts/publish-deb.sh) next to
Debian's PostgreSQL, configured, upgraded release by release with `apt-get
upgrade` and its data and settings kept, removed, then purged.

The package is checked here the way an admin meets it, before a guide page
("Install from the Debian package", issue #19) runs it through the runner."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from guide_runner.browser import sign_in_options
from guide_runner.machines import Machine
from guide_runner.project import current
from docs_site.paths import DOCS, ROOT

from docs_site.hooks.releases_feed import feed, load_releases, methods_documented

from tests.packaging.server_shell import root
from tests.service.rowbook_releases import releases
from tests.service.rowbook_testkit import stop_group
from tests.service.test_service_sign_in_limit import Browser

pytestmark = [pytest.mark.docker, pytest.mark.reads_pages()]

RELEASES = [r["version"] for r in releases()]
PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def apt_repository(tmp_path):
    """A signed apt repository with the oldest release, served over HTTP to
    Docker's bridge, where the server reaches the test host
    (scripts/serve-apt-repository.sh). Yields its URL and a function that
    publishes a newer release in it (the newer replaces the older).
    Publishing builds the release's package first (scripts/build-deb.sh,
    cached; it fails on a lintian error)."""
    state = tmp_path / "apt"

    def publish(version: str) -> None:
        run = subprocess.run([str(ROOT / "scripts" / "publish-deb.sh"), str(state), version],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr

    url_file = tmp_path / "apt-url"
    serve = subprocess.Popen([str(ROOT / "scripts" / "serve-apt-repository.sh"), str(state), RELEASES[0],
                              str(url_file)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not url_file.exists():
            assert serve.poll() is None, f"serve-apt-repository.sh exited {serve.returncode}: {serve.stderr.read()}"
            assert time.monotonic() < deadline, "the apt repository did not answer in 300 s"
            time.sleep(0.2)
        yield url_file.read_text().strip(), publish
    finally:
        stop_group(serve, "scripts/serve-apt-repository.sh", lambda: serve.stderr.read())


@pytest.fixture
def server(tmp_path_factory):
    """A fresh Debian 12 server."""
    scratch = tmp_path_factory.mktemp("deb-server")
    machine = Machine("debian-12", f"rbtest-deb-{scratch.name[-8:]}", scratch)
    try:
        machine.start()
        yield machine
    finally:
        machine.remove()


def healthz(server: Machine, deadline: float = 60) -> str:
    end = time.monotonic() + deadline
    while True:
        run = root(server, "python3 -c \"import urllib.request; "
                           "print(urllib.request.urlopen('http://127.0.0.1:8000/healthz').read().decode())\"",
                   check=False)
        if run.returncode == 0 or time.monotonic() > end:
            return run.stdout.strip()
        time.sleep(1)


def settings_digest(server: Machine) -> str:
    return hashlib.sha256(server.read_file("/etc/rowbook/rowbook.env")).hexdigest()


def admins(server: Machine) -> str:
    return root(server, "runuser -u postgres -- psql -XtAc 'SELECT username FROM auth_user' rowbook").stdout.strip()


def test_install_configure_upgrade_remove_and_purge(server, apt_repository):
    url, publish = apt_repository
    oldest, *newer = RELEASES
    root(server, "apt-get update -q && apt-get install -y -q postgresql curl")

    # The repository, without its key first: apt refuses it.
    root(server, "echo 'deb [signed-by=/etc/apt/keyrings/rowbook.gpg] "
                 f"{url} bookworm main' > /etc/apt/sources.list.d/rowbook.list")
    unsigned = root(server, "apt-get update -q", check=False)
    assert "is not signed" in unsigned.stderr or "NO_PUBKEY" in unsigned.stderr, unsigned.stderr
    root(server, "install -d -m 0755 /etc/apt/keyrings && "
                 f"curl -fsSL {url}/rowbook-archive-keyring.gpg -o /etc/apt/keyrings/rowbook.gpg")
    root(server, "apt-get update -q")

    # Installed with settings to complete: not started, and told what to do.
    output = root(server, "apt-get install -y -q rowbook").stdout
    assert root(server, "rowbook version").stdout.strip() == f"rowbook {oldest}"
    assert 'created the PostgreSQL user and database "rowbook"' in output
    assert "installed, not started: the settings in /etc/rowbook/rowbook.env are not complete" in output
    assert root(server, "systemctl is-active rowbook", check=False).stdout.strip() == "inactive"
    assert root(server, "systemctl is-enabled rowbook").stdout.strip() == "enabled"
    assert root(server, "stat -c '%a %U:%G' /etc/rowbook/rowbook.env").stdout.strip() == "640 root:rowbook"
    check = root(server, "rowbook check", check=False)
    assert check.returncode == 2 and "DOMAIN_NAME" in check.stderr, check.stderr

    # The admin sets the domain, starts it, creates the admin user.
    root(server, "sed -i 's/^DOMAIN_NAME=$/DOMAIN_NAME=rowbook.localhost/' /etc/rowbook/rowbook.env")
    root(server, "rowbook migrate >/dev/null && systemctl start rowbook")
    assert healthz(server) == "ok"
    root(server, f"ROWBOOK_ADMIN_PASSWORD={PASSWORD} rowbook createadmin --no-input "
                 "--username admin --email admin@example.com")
    assert admins(server) == "admin"
    settings = settings_digest(server)

    # Each newer release, once published: `apt-get upgrade` migrates and
    # restarts it, and keeps the settings and the data.
    for version in newer:
        publish(version)
        root(server, "apt-get update -q && apt-get upgrade -y -q")
        assert root(server, "rowbook version").stdout.strip() == f"rowbook {version}"
        assert healthz(server) == "ok"
        assert root(server, "systemctl is-active rowbook").stdout.strip() == "active"
        assert settings_digest(server) == settings, f"the upgrade to {version} changed the settings"
        assert admins(server) == "admin"
        assert "[ ]" not in root(server, "rowbook showmigrations").stdout, f"{version}: a migration is not applied"

    # apt remove: the program goes, the settings and the database stay.
    root(server, "apt-get remove -y -q rowbook")
    assert root(server, "test -e /opt/rowbook/bin/rowbook || test -e /usr/bin/rowbook", check=False).returncode == 1
    assert settings_digest(server) == settings
    assert admins(server) == "admin"

    # apt purge: nothing the package made is left, but the database (the admin drops it).
    root(server, "apt-get purge -y -q rowbook")
    left = root(server, "ls -d /opt/rowbook /etc/rowbook /var/lib/rowbook /lib/systemd/system/rowbook.service "
                        "/etc/systemd/system/multi-user.target.wants/rowbook.service 2>/dev/null || true").stdout
    assert left == ""
    assert root(server, "getent passwd rowbook; getent group rowbook", check=False).stdout == ""
    assert admins(server) == "admin"


def work_tree_package() -> Path:
    """The package of the work tree's Rowbook, which releases do not have yet
    (scripts/build-deb.sh work-tree; cached, lintian-checked)."""
    run = subprocess.run([str(ROOT / "scripts" / "build-deb.sh"), "work-tree"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    (package,) = (ROOT / ".cache" / "deb").glob("rowbook_*+worktree_amd64.deb")
    return package


# It opens the package page of the built site; which methods the feed links
# depends on the Upgrade page too (docs_site/hooks/releases_feed.py).
@pytest.mark.reads_pages("docs/install/debian-package.md", "docs/upgrade.md")
def test_the_work_tree_package_stops_on_bad_settings_shows_the_apt_steps_and_stops_on_remove(
        server, built_site, tmp_path):
    """The work tree's package (what releases do not have yet), on one server:

    - installed before PostgreSQL, it says how to make its database once
      PostgreSQL runs, and the page's answer makes it (the page itself
      installs PostgreSQL first);
    - started with incomplete settings, the service fails once with the
      message in `systemctl status`, and does not restart every 5 s;
    - an admin opens About and updates when a newer release is out: it
      names the install method, lists the steps of the package page's
      upgrade section, and links to that section (the docs site, with a feed
      that has a newer release, is served by the server itself, where
      Rowbook and the browser reach it);
    - PostgreSQL stopped: a sign-in answers 503 with the cause, `rowbook
      check` names it, and Rowbook carries on once it runs again;
    - `apt-get remove` stops the service: nothing of Rowbook keeps running
      from deleted files."""
    package = work_tree_package()
    newer = "0.2.0"
    address = server.address()
    feed_url = f"http://{address}:8081/releases.json"

    # Rowbook before PostgreSQL (the page installs PostgreSQL first: the other
    # order; in one `apt install rowbook`, apt may set its Recommends up in
    # either). The package says so, and the page's answer makes the database.
    subprocess.run(["docker", "cp", str(package), f"{server.container}:/tmp/rowbook.deb"], check=True)
    output = root(server, "apt-get update -q && apt-get install -y -q --no-install-recommends /tmp/rowbook.deb").stdout
    assert "rowbook: PostgreSQL does not run on this server (yet), so Rowbook's database was not made." in output
    assert "make it with: sudo dpkg-reconfigure rowbook" in output, output[-3000:]
    page = (DOCS / "install" / "debian-package.md").read_text()
    fix = "sudo apt-get install -y postgresql && sudo dpkg-reconfigure rowbook"
    assert "apt says `PostgreSQL does not run on this server (yet)`" in page and f"`{fix}`" in page
    output = root(server, fix).stdout
    assert 'created the PostgreSQL user and database "rowbook"' in output, output[-3000:]
    # The package says how it was installed, in the service and the rowbook command.
    assert "ROWBOOK_INSTALL_METHOD=deb" in root(server, "systemctl show -p Environment rowbook").stdout

    # Started before DOMAIN_NAME is set: failed, saying why, and not started again.
    root(server, "systemctl start rowbook")
    assert unit_state(server, "failed") == "failed"
    time.sleep(7)  # longer than RestartSec=5
    assert root(server, "systemctl show -p NRestarts --value rowbook").stdout.strip() == "0"
    assert unit_state(server, "failed") == "failed"
    status = root(server, "systemctl status --no-pager -n 20 rowbook", check=False).stdout
    assert "rowbook: error: DOMAIN_NAME is not set." in status, status

    subprocess.run(["docker", "cp", f"{built_site}/.", f"{server.container}:/srv/docs"], check=True)
    entries = [{"version": newer, "date": "2026-12-31", "summary": "A newer release."}, *load_releases()]
    document = feed(entries, methods_documented(DOCS))
    root(server, f"cat > /srv/docs/releases.json <<'FEED'\n{json.dumps(document)}\nFEED")
    subprocess.run(["docker", "exec", "-d", server.container, "python3", "-m", "http.server", "8081",
                    "--directory", "/srv/docs"], check=True)

    # Test-only: Rowbook on the server's address (the guide puts Caddy in front),
    # and the feed above in place of the docs site's.
    root(server, "sed -i 's/^DOMAIN_NAME=$/DOMAIN_NAME=rowbook.localhost/' /etc/rowbook/rowbook.env && "
                 f"printf 'ROWBOOK_HOST=0.0.0.0\\nROWBOOK_RELEASE_FEED_URL={feed_url}\\n' >> /etc/rowbook/rowbook.env")
    root(server, "rowbook migrate >/dev/null && systemctl start rowbook")
    assert healthz(server) == "ok"
    root(server, f"ROWBOOK_ADMIN_PASSWORD={PASSWORD} rowbook createadmin --no-input "
                 "--username admin --email admin@example.com")

    # PostgreSQL stopped: signing in answers 503 with the cause (the page's
    # failure box quotes it), `rowbook check` names it; back by itself.
    root(server, "systemctl stop postgresql")
    # The stop can return while the cluster still closes its connections: a
    # `rowbook check` then read "server closed the connection unexpectedly"
    # (one CI run). Wait until nothing answers on the port (pg_isready: 2).
    root(server, "timeout 20 sh -c 'until pg_isready -q -h 127.0.0.1 -p 5432; [ $? -eq 2 ]; do sleep 0.2; done'")
    status, answer, _ = Browser(8000, address=address, Host="rowbook.localhost").sign_in("admin", PASSWORD)
    assert status == 503 and "Rowbook cannot reach its database" in answer, (status, answer)
    assert "Rowbook shows `Rowbook cannot reach its database`" in page
    check = root(server, "rowbook check", check=False)
    assert check.returncode == 2 and "cannot reach PostgreSQL at 127.0.0.1:5432" in check.stderr, check.stderr
    root(server, "systemctl start postgresql")
    assert healthz(server) == "ok"

    (tmp_path / "admin-password.txt").write_text(PASSWORD)
    steps = [
        {"click": "About and updates"},
        {"sees": [f"Rowbook {newer} is available.", "Debian package (apt)", "ROWBOOK_INSTALL_METHOD=deb",
                  "sudo apt-get update", "sudo apt-get upgrade -y",
                  f"sudo cp -p /etc/rowbook/rowbook.env rowbook.env.before-{newer}"]},
        {"not-sees": "pip install"},
        {"click": "Upgrade to a new release"},
        {"sees": ["Install from the Debian package", "sudo apt-get upgrade -y"]},
    ]
    (tmp_path / "steps.yml").write_text(yaml.safe_dump(steps))
    check = subprocess.run([sys.executable, "-m", "guide_runner.browser", "--url", "http://rowbook.localhost:8000",
                            "--resolve", f"rowbook.localhost={address}", "--user", "admin",
                            "--password-file", str(tmp_path / "admin-password.txt"),
                            "--steps", str(tmp_path / "steps.yml"), *sign_in_options(current().sign_in)],
                           capture_output=True, text=True, cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr

    # apt remove: the service stops with the program.
    root(server, "apt-get remove -y -q rowbook")
    assert unit_state(server, "inactive") == "inactive"
    assert root(server, "pgrep -u rowbook", check=False).stdout == ""
    assert healthz(server, deadline=0) == ""


def unit_state(server: Machine, expected: str, deadline: float = 20) -> str:
    """rowbook.service's state once it is `expected`, or after `deadline` seconds."""
    end = time.monotonic() + deadline
    while True:
        state = root(server, "systemctl is-active rowbook", check=False).stdout.strip()
        if state == expected or time.monotonic() > end:
            return state
        time.sleep(0.5)
