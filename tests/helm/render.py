"""Check a values file against the Rowbook chart, as `helm install -f FILE` would.

    python -m tests.helm.render [--chart DIR] values.yaml [more.yaml ...]

Renders and lints the chart (this repository's, or the one in DIR: the
release the docs page pulled) with each file and checks every object against
the Kubernetes API schemas (see tests/helm/chart.py). Prints what it checked,
or why the chart refused the file, and exits with 1 then. The docs page
runs it on each values file it shows.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.helm.chart import CHART, KUBERNETES_VERSIONS, ChartRefused, check, load_values


def main(argv: list[str]) -> int:
    chart_dir = CHART
    if argv[:1] == ["--chart"] and len(argv) > 1:
        chart_dir, argv = Path(argv[1]), argv[2:]
    if not argv:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    failed = False
    for name in argv:
        try:
            manifests = check(load_values(Path(name)), chart_dir)
        except (ChartRefused, OSError, ValueError) as exc:
            sys.stderr.write(f"{name}: the Rowbook chart refuses these values:\n{exc}\n")
            failed = True
            continue
        names = ", ".join(m.name for m in manifests)
        print(f"{name}: rendered, linted and valid for Kubernetes "
              f"{' and '.join(KUBERNETES_VERSIONS)}: {names}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
