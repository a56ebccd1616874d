"""What a connection to a user database may be, so that Rowbook cannot be
turned against itself or its users' servers.

A signed-in user chooses the host, port, user and database Rowbook connects
to, with Rowbook's own identity on the machine. So:

- The host is one host name or IP address: no socket directory (libpq would
  log in as Rowbook's system user, which peer authentication lets in as the
  owner of Rowbook's own database, with no password) and no list of hosts.
- Rowbook's own database is never a user database: by its address, and, for
  any address that leads to it, by its tables once connected.
- libpq must authenticate with SCRAM (`require_auth`): a server that asks for
  no password (trust, peer) or for a clear-text or MD5 one is refused before
  any password is sent.

Like config.py, this module stays importable without Django.
"""

from __future__ import annotations

from rowbook.core.logsafe import printable
from rowbook.hostnames import quoted

# libpq's require_auth: a password goes only to a server that proves it knows it.
REQUIRE_AUTH = "scram-sha-256"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
# Tables only Rowbook's internal database has: found in a "user" database, it is one.
OWN_TABLES = ("rowbook_connections_connection", "django_session")


def host_problem(host: str, where: str) -> str:
    """'' for a host Rowbook may connect to, else one sentence; `where` names
    where the host is set ("Host", "the host in ROWBOOK_USER_DATABASE_URL")."""
    host = str(host)
    if not host.strip():
        return f"{where} is empty. Enter the host name or IP address of the PostgreSQL server."
    got = quoted(printable(host))
    if host.startswith("@") or "/" in host:  # a socket directory, or Linux's abstract socket
        return (f"{where} must be a host name or an IP address, not a socket directory (got "
                f"{got}): through a socket PostgreSQL may let Rowbook in as its own system user, "
                "with no password. For a server on this machine, use 127.0.0.1 and a user with a "
                "password.")
    if "," in host:
        return f"{where} must be one host, not a list (got {got}). Add each server as a database of its own."
    if any(not c.isprintable() or c.isspace() for c in host):  # control, format, any space
        return (f"{where} must not hold spaces or control characters (got {got}). Enter the host "
                "name or IP address only.")
    return ""


def _same_server(host: str, port, own: dict) -> bool:
    if str(port) != str(own["port"]):
        return False
    own_host = str(own["host"])
    if host.lower() == own_host.lower():
        return True
    # Rowbook's own server on this machine, reached through its socket or loopback.
    own_is_local = own_host.startswith("/") or own_host.lower() in LOCAL_HOSTS
    return own_is_local and host.strip("[]").lower() in LOCAL_HOSTS


def own_database_problem(params: dict, own: dict, where: str) -> str:
    """'' unless `params` name Rowbook's own (internal) database `own`."""
    if params["dbname"] == own["dbname"] and _same_server(str(params["host"]), params["port"], own):
        return (f'{where} names Rowbook\'s own database ("{own["dbname"]}"), which holds its '
                "users, sessions and stored passwords: it cannot be browsed. Add the database "
                "you want to see instead.")
    return ""


def problem(params: dict, own: dict, where_host: str, where: str) -> str:
    """'' if Rowbook may try `params`, else why not (before connecting)."""
    return host_problem(params["host"], where_host) or own_database_problem(params, own, where)


OWN_DATABASE_FOUND = ("this database holds Rowbook's own tables (users, sessions and stored "
                      "passwords): it is the internal database of a Rowbook and cannot be "
                      "browsed. Add the database you want to see instead.")
