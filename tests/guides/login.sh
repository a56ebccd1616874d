#!/usr/bin/env bash
# Sign in to Rowbook the way a browser does: get the form (and its CSRF
# token), post it, and load the first page behind the login. Used by hidden
# blocks of the guides to check the step "sign in" really works.
#
# Usage: login.sh BASE_URL USERNAME PASSWORD_FILE
set -euo pipefail
url="$1" user="$2" password="$(cat "$3")"
jar="$(mktemp)"
trap 'rm -f "$jar"' EXIT

form="$(curl -fsS -c "$jar" "$url/login/")"
grep -q "Sign in to Rowbook" <<<"$form" || { echo "login.sh: $url/login/ is not the Rowbook sign-in page" >&2; exit 1; }
token="$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' <<<"$form" | head -n 1)"

status="$(curl -sS -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' -H "Referer: $url/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$user" \
    --data-urlencode "password=$password" "$url/login/")"
[[ "$status" == 302 ]] || { echo "login.sh: signing in as $user failed (HTTP $status)" >&2; exit 1; }

page="$(curl -fsSL -b "$jar" "$url/")"
grep -q "Sign out" <<<"$page" || { echo "login.sh: signed in, but $url/ does not show a signed-in page" >&2; exit 1; }
echo "login.sh: signed in to $url as $user"
