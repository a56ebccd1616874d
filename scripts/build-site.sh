#!/usr/bin/env bash
# Build the published site into site/: strict, drafts left out.
# (`.venv/bin/mkdocs serve` is the preview, drafts shown with a banner.)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWBOOK_DOCS_DRAFTS=hide exec .venv/bin/mkdocs build --strict --clean -d site "$@"
