# Sourced by the build scripts, with their arguments: [--force] [VERSION ...]
# Sets root, python, force (1 with --force, else 0) and versions (the
# VERSIONs, or every release of releases.toml, oldest first).
root="$PWD"
python="${PYTHON:-$root/.venv/bin/python}"
force=0
if [[ "${1:-}" == "--force" ]]; then force=1; shift; fi
versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
    mapfile -t versions < <("$python" scripts/release-info.py versions)
fi
