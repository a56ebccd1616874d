"""The four ways Rowbook is installed, and where the Upgrade page covers each.

Shared by the settings (ROWBOOK_INSTALL_METHOD), the About page, and the docs
build (docs_site/hooks/releases_feed.py writes these anchors into releases.json), so
it must stay importable without Django. The Upgrade page (docs/upgrade.md) uses
exactly these headings; each anchor is the slug MkDocs makes of its heading.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InstallMethod:
    name: str  # the value of ROWBOOK_INSTALL_METHOD
    label: str  # shown on the About page
    heading: str  # the section on the Upgrade page
    anchor: str  # MkDocs' slug of that heading

    @property
    def upgrade_link(self) -> str:
        """Where this method's upgrade steps are, relative to the docs site root."""
        return f"{UPGRADE_PAGE}#{self.anchor}"


UPGRADE_PAGE = "upgrade/"

METHODS: tuple[InstallMethod, ...] = (
    InstallMethod("image", "Service image (docker run)",
                  "Upgrade a service image install", "upgrade-a-service-image-install"),
    InstallMethod("compose", "Docker Compose",
                  "Upgrade a Docker Compose install", "upgrade-a-docker-compose-install"),
    InstallMethod("all-in-one", "All-in-one image",
                  "Upgrade an all-in-one install", "upgrade-an-all-in-one-install"),
    InstallMethod("without-docker", "Without Docker (Python package and systemd)",
                  "Upgrade an install without Docker", "upgrade-an-install-without-docker"),
)

BY_NAME = {m.name: m for m in METHODS}
NAMES = tuple(BY_NAME)
DEFAULT = "without-docker"
