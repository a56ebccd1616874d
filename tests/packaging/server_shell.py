"""Commands as root on a Debian test server, as `sudo` runs them: for the
package's tests and for the settings effect check of the Debian package."""

from __future__ import annotations

import subprocess

from guide_runner.machines import Machine


def root(server: Machine, script: str, check: bool = True) -> subprocess.CompletedProcess:
    """A shell script as root on the server, as `sudo` would run it."""
    run = subprocess.run(["docker", "exec", "-i", "-e", "DEBIAN_FRONTEND=noninteractive", server.container,
                          "bash", "-e", "-o", "pipefail", "-c", script], capture_output=True, text=True, timeout=900)
    if check:
        assert run.returncode == 0, f"{script}\nexited {run.returncode}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run
