"""Which user database a request browses.

In 0.1.1 there is exactly one: the one in ROWBOOK_USER_DATABASE_URL.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass
class Active:
    name: str
    params: dict | None  # None: cannot be used, see problem
    problem: str = ""


def get_active(request) -> Active | None:
    """The user database for this request, or None when none is configured."""
    params = settings.ROWBOOK_USER_DATABASE
    if not params:
        return None
    return Active(name=f"{params['dbname']} on {params['host']}:{params['port']}", params=params)
