"""What each release changed in Rowbook's settings, for its "Upgrading to X"
section on the Releases page (hooks/releases_feed.py).

Read from rowbook/config.py as each release has it (its commit in
releases.toml), compared with the release before it: the settings it added,
the ones it deprecated, the ones it no longer reads. Nobody writes these
lists, so they cannot miss a setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from docs_site.release_tree import config_of


@dataclass
class Changes:
    first: bool = False  # the first release: nothing to upgrade from
    added: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)  # of the added ones, those an install must set
    deprecated: dict[str, str] = field(default_factory=dict)  # name: why, and what to use instead
    removed: list[str] = field(default_factory=list)


@cache
def _variables(release: str) -> dict[str, tuple[str, bool]]:
    """{name: (its deprecation text or "", required)} of every setting `release` reads."""
    return {var.name: (var.deprecated, var.required) for var in config_of(release).VARIABLES}


def between(older: str | None, newer: str) -> Changes:
    """What `newer` changed since `older` (None: `newer` is the first release, nothing to compare)."""
    if older is None:
        return Changes(first=True)
    before, after = _variables(older), _variables(newer)
    added = [name for name in after if name not in before]
    return Changes(
        added=added,
        required=[name for name in added if after[name][1]],
        deprecated={name: why for name, (why, _) in after.items() if why and not before.get(name, ("", False))[0]},
        removed=[name for name in before if name not in after],
    )
