"""A pause in a user's connection tests after too many failed ones.

Each test of the Databases form connects to the server given, and its answer
(refused, timed out, a wrong password, no such database) is what an admin
needs to fix a connection. The same answers, and how long they take, would
tell a user which hosts and ports answer on the networks Rowbook may reach
(ROWBOOK_DATABASE_HOSTS). After FAILURES failed tests within WINDOW, a
user's tests pause until the oldest of them is older than WINDOW: enough
tries to fix a typo, far too few to scan a network.

Kept in Rowbook's database, not in a worker's memory: every worker (and
every container of a Compose install with replicas) counts the same tests.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from django.utils import timezone

from rowbook.connections.models import FailedConnectionTest
from rowbook.core.logsafe import printable

FAILURES = 10
WINDOW = timedelta(minutes=10)

log = logging.getLogger("rowbook.connections")


def pause_left(user, now: datetime | None = None) -> timedelta | None:
    """How long the user's tests stay paused, or None if they may test now."""
    now = now or timezone.now()
    recent = list(FailedConnectionTest.objects.filter(user_pk=user.pk, at__gt=now - WINDOW)
                  .order_by("-at").values_list("at", flat=True)[:FAILURES])
    if len(recent) < FAILURES:
        return None
    return recent[-1] + WINDOW - now


def record_failure(user, now: datetime | None = None) -> timedelta | None:
    """Counts a failed test; returns the pause it starts, if it starts one."""
    now = now or timezone.now()
    FailedConnectionTest.objects.filter(at__lte=now - WINDOW).delete()  # anyone's, no longer counted
    FailedConnectionTest.objects.create(user_pk=user.pk, at=now)
    left = pause_left(user, now)
    if left is not None:
        log.warning('connection tests paused for user "%s" for %s after %d failed tests in %d minutes',
                    printable(user.get_username()), _minutes(left), FAILURES, _window_minutes())
    return left


def paused_message(left: timedelta) -> str:
    return (f"Connection tests are paused for you for {_minutes(left)}: {FAILURES} tests failed within "
            f"{_window_minutes()} minutes. Rowbook pauses them so that this form cannot be used to "
            f"find out which servers answer on your network. Check the details while you wait, or ask "
            f"the person who runs the database server for them.")


def _minutes(left: timedelta) -> str:
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _window_minutes() -> int:
    return int(WINDOW.total_seconds() // 60)
