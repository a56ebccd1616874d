#!/usr/bin/env bash
# Build the published site into site/: strict, drafts left out.
# (`.venv/bin/mkdocs serve` is the preview, drafts shown with a banner.)
# Every code block shows what the tests proved: the build fails unless
# reports/coverage.json (or $ROWBOOK_DOCS_RESULTS) holds a run of every page
# as it is now.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWBOOK_DOCS_DRAFTS=hide ROWBOOK_DOCS_REQUIRE_RESULTS=true exec .venv/bin/mkdocs build --strict --clean -d site "$@"
