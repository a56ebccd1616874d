#!/usr/bin/env bash
# The docs editor's checks: Markdown lint, spelling, shellcheck on the shell
# blocks, the style rules of CONTRIBUTING.md, internal links and anchors.
#
#   scripts/check-docs.sh             check every page under docs/
#   scripts/check-docs.sh DIR         check the pages under DIR instead
#   scripts/check-docs.sh --no-links  skip the site build (faster)
#
# Prints each finding as path:line: rule: message; exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m docs_site.editor.check "$@"
