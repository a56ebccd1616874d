"""What a connection to a user database may be, so that Rowbook cannot be
turned against itself or its users' servers.

A signed-in user chooses the host, port, user and database Rowbook connects
to, with Rowbook's own identity on the machine. So:

- The host is one host name or IP address: no socket directory (libpq would
  log in as Rowbook's system user, which peer authentication lets in as the
  owner of Rowbook's own database, with no password) and no list of hosts.
- Rowbook's own database is never a user database: by its address, and, for
  any address that leads to it, by its tables once connected.
- The host is one of ROWBOOK_DATABASE_HOSTS (by default this machine and
  private networks), by name or by every address its name resolves to; libpq
  then connects to those addresses (hostaddr), not to a second DNS answer.
- libpq must authenticate with SCRAM (`require_auth`): a server that asks for
  no password (trust, peer) or for a clear-text or MD5 one is refused before
  any password is sent.

Like config.py, this module stays importable without Django.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass

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


# ROWBOOK_DATABASE_HOSTS: the servers users may add as databases. Without it,
# a signed-in user could make Rowbook knock on any address its machine
# reaches (a port scanner with Rowbook's network position).
ANY = "*"
PRIVATE = "private"
# Loopback and the private networks: where the guides' databases are (a
# Compose service, the Docker host, a server on the same LAN). Link-local
# addresses (169.254.0.0/16, a cloud's metadata service) are not among them.
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7"))


@dataclass(frozen=True)
class AllowedHosts:
    """Parsed ROWBOOK_DATABASE_HOSTS: `*`, or names and networks."""

    text: str
    any: bool = False
    names: tuple[str, ...] = ()  # exact names, or ".example.com" for any name under it
    networks: tuple = ()  # ip_network, `private` expanded

    def __str__(self) -> str:
        return self.text

    def allows_name(self, host: str) -> bool:
        host = host.rstrip(".").lower()
        return self.any or any(host == name or (name.startswith(".") and host.endswith(name))
                               for name in self.names)

    def allows_address(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if ip.version == 6 and ip.ipv4_mapped:  # ::ffff:10.0.0.5 is 10.0.0.5
            ip = ip.ipv4_mapped
        return self.any or any(ip in network for network in self.networks)


def parse_allowed_hosts(raw: str, setting: str = "ROWBOOK_DATABASE_HOSTS") -> tuple[AllowedHosts | None, str]:
    """(AllowedHosts, "") or (None, why not): comma-separated `private`, `*`,
    IP addresses, networks (10.1.0.0/16), host names and `*.example.com`."""
    example = f"Example: {setting}=private,db.example.com,203.0.113.0/24"
    entries = [entry.strip() for entry in raw.split(",") if entry.strip()]
    if not entries:
        return None, (f"{setting} is empty: no database could be added. Set it to private (the "
                      f"default: this machine and private networks), or list the servers. {example}")
    names, networks, any_host = [], [], False
    for entry in entries:
        lowered = entry.lower()
        if lowered == ANY:
            any_host = True
        elif lowered == PRIVATE:
            networks.extend(PRIVATE_NETWORKS)
        elif _network(entry) is not None:
            networks.append(_network(entry))
        else:
            name = lowered[2:] if lowered.startswith("*.") else lowered
            problem = host_name_problem(name)
            if problem:
                return None, (f"{setting} holds {quoted(printable(entry))}, which is not an IP address, "
                              f"a network, a host name or *.domain ({problem}). {example}")
            names.append("." + name.rstrip(".") if lowered.startswith("*.") else name.rstrip("."))
    return AllowedHosts(",".join(entries), any_host, tuple(names), tuple(networks)), ""


def _network(entry: str):
    try:
        return ipaddress.ip_network(entry.strip("[]"), strict=False)
    except ValueError:
        return None


def host_name_problem(name: str) -> str:
    labels = name.rstrip(".").split(".")
    if not name or len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return "letters, digits, hyphens and dots only"
    return ""


_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


class NotAllowed(Exception):
    """The host is not among ROWBOOK_DATABASE_HOSTS, or has no address."""

    def __init__(self, sentence: str):
        super().__init__(sentence)
        self.sentence = sentence


def addresses_to_connect(host: str, port, allowed: AllowedHosts, where: str,
                         resolve=socket.getaddrinfo) -> tuple[str, ...]:
    """The addresses libpq may connect to for `host` (passed to it as
    hostaddr, so no second DNS answer can lead it elsewhere), or NotAllowed.
    () when any host is allowed and the name is left to libpq."""
    if allowed.any:
        return ()
    literal = _address(host)
    if literal is not None:
        if allowed.allows_address(literal):
            return (literal,)
        raise NotAllowed(_not_allowed(host, where, allowed))
    try:
        found = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise NotAllowed(f'{where}: no server named {quoted(printable(host))} was found. Check the '
                         "spelling; a name that only another machine knows does not work here.") from None
    addresses = tuple(dict.fromkeys(info[4][0] for info in found))
    if allowed.allows_name(host):
        return addresses
    refused = [address for address in addresses if not allowed.allows_address(address)]
    if refused or not addresses:
        raise NotAllowed(_not_allowed(host, where, allowed, refused[0] if refused else ""))
    return addresses


def _address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
    except ValueError:
        return None


def _not_allowed(host: str, where: str, allowed: AllowedHosts, address: str = "") -> str:
    shown = quoted(printable(host)) + (f" ({address})" if address and address != host else "")
    meaning = ("this machine and private networks" if allowed.text.lower() == PRIVATE
               else quoted(printable(allowed.text)))
    return (f"{where} {shown} is not among the servers this Rowbook may connect to "
            f"(ROWBOOK_DATABASE_HOSTS: {meaning}). An admin can add it to ROWBOOK_DATABASE_HOSTS, "
            f"for example ROWBOOK_DATABASE_HOSTS={allowed.text},{printable(host)[:100]}")
