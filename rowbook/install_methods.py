"""The ways Rowbook is installed, and which docs page section upgrades each.

Shared by the settings (ROWBOOK_INSTALL_METHOD), the About page, and the docs
build (docs_site/hooks/releases_feed.py writes these links into releases.json),
so it must stay importable without Django. Each method's page uses exactly its
heading (the Upgrade page, docs/upgrade.md, for all but the Debian package,
whose own page says how apt upgrades it, and the Helm chart, whose page
does); each anchor is the slug MkDocs makes
of its heading.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InstallMethod:
    name: str  # the value of ROWBOOK_INSTALL_METHOD
    label: str  # shown on the About page
    heading: str  # the section of `page` with the upgrade steps
    anchor: str  # MkDocs' slug of that heading
    page: str = "upgrade.md"  # that page, in docs/

    @property
    def upgrade_link(self) -> str:
        """Where this method's upgrade steps are, relative to the docs site root
        (the page's directory URL, as MkDocs serves it)."""
        return f"{self.page.removesuffix('.md')}/#{self.anchor}"

METHODS: tuple[InstallMethod, ...] = (
    InstallMethod("image", "Service image (docker run)",
                  "Upgrade a service image install", "upgrade-a-service-image-install"),
    InstallMethod("compose", "Docker Compose",
                  "Upgrade a Docker Compose install", "upgrade-a-docker-compose-install"),
    InstallMethod("all-in-one", "All-in-one image",
                  "Upgrade an all-in-one install", "upgrade-an-all-in-one-install"),
    InstallMethod("without-docker", "Without Docker (Python package and systemd)",
                  "Upgrade an install without Docker", "upgrade-an-install-without-docker"),
    InstallMethod("deb", "Debian package (apt)",
                  "Upgrade to a new release", "upgrade-to-a-new-release", page="install/debian-package.md"),
    # Set by the chart from the first release that knows it (CONTRIBUTING.md, Cut a release).
    InstallMethod("helm", "Helm chart (Kubernetes)",
                  "Upgrade Rowbook", "upgrade-rowbook", page="install/kubernetes.md"),
)

BY_NAME = {m.name: m for m in METHODS}
NAMES = tuple(BY_NAME)
DEFAULT = "without-docker"
