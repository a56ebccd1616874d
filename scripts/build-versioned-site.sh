#!/usr/bin/env bash
# Build the docs of every release side by side with mike, into OUT_DIR.
#
#   scripts/build-versioned-site.sh OUT_DIR
#
# Each version in docs-versions.toml is built (see that file for which docs a
# version gets) and committed by mike to the branch `versioned-site` of a
# throwaway clone of this repository; the newest version gets the alias `latest`, which
# is also the default. The branch is then exported into OUT_DIR, ready to be
# served by any static web server. Nothing is pushed anywhere, and this
# repository's branches are not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="${1:?usage: scripts/build-versioned-site.sh OUT_DIR}"
python="${PYTHON:-$root/.venv/bin/python}"
# mike runs the `mkdocs` next to it: put the venv on PATH.
export PATH="$(dirname "$python"):$PATH"
mike="$(dirname "$python")/mike"
branch=versioned-site

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A clone: mike notes the commit the docs were built from. It has no remote to push to.
git clone -q --no-checkout "$root" "$work/repo"
git -C "$work/repo" remote remove origin
# mike commits; a fixed identity keeps it from depending on the user's git config.
export GIT_AUTHOR_NAME="docs build" GIT_AUTHOR_EMAIL="docs@localhost"
export GIT_COMMITTER_NAME="docs build" GIT_COMMITTER_EMAIL="docs@localhost"

mapfile -t versions < <("$python" -c 'import tomllib; [print(v) for v in tomllib.load(open("docs-versions.toml", "rb"))["versions"]]')
newest="${versions[-1]}"
for version in "${versions[@]}"; do
    "$python" -m docs_site.versioned_config "$version" "$work/$version"
    aliases=()
    [[ "$version" == "$newest" ]] && aliases=(latest)
    (cd "$work/repo" && "$mike" deploy -F "$work/$version/mkdocs.yml" \
        --branch "$branch" --update-aliases "$version" "${aliases[@]}")
done
(cd "$work/repo" && "$mike" set-default -F "$work/$newest/mkdocs.yml" --branch "$branch" latest)

mkdir -p "$out"
git -C "$work/repo" archive "$branch" | tar -x -C "$out"
# The Helm chart repository once, at the root (`helm repo add rowbook
# https://docs.rowbook.example/charts`): the newest build's, which holds every
# release's chart. The versions' own copies stay where they are.
cp -r "$out/$newest/charts" "$out/charts"
echo "built versions ${versions[*]} (latest: $newest) into $out"
