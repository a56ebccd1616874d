"""Which user database a request browses: the user's active stored connection."""

from dataclasses import dataclass

from rowbook.connections.crypto import UndecryptablePassword
from rowbook.connections.models import Connection, UserPreference, undecryptable


@dataclass
class Active:
    name: str
    params: dict | None  # None: cannot be used, see problem
    problem: str = ""
    connection: Connection | None = None


def active_connection(user) -> Connection | None:
    """The user's chosen connection; without a choice, the first one (remembered)."""
    preference = UserPreference.objects.filter(user=user).select_related("active").first()
    if preference and preference.active:
        return preference.active
    connection = Connection.objects.order_by("-from_env", "name").first()
    if connection is not None:
        set_active(user, connection)
    return connection


def set_active(user, connection: Connection) -> None:
    UserPreference.objects.update_or_create(user=user, defaults={"active": connection})


def get_active(request) -> Active | None:
    """The user database for this request, or None when none is stored."""
    connection = active_connection(request.user)
    if connection is None:
        return None
    try:
        params = connection.params()
    except UndecryptablePassword:
        return Active(connection.name, None, undecryptable(connection.name), connection)
    return Active(connection.name, params, "", connection)
