#!/usr/bin/env bash
# Serve Rowbook's signed apt repository to Docker's bridge network, where a
# test server (a container) reaches the test host, as it would reach Rowbook's
# real repository on the internet:
#
#   scripts/serve-apt-repository.sh STATE VERSION URL_FILE
#
# Publishes VERSION in the repository at STATE (scripts/publish-deb.sh; run
# that script again to publish a newer release while this one serves), then
# serves STATE/public over HTTP on a free port of the bridge's gateway, writes
# the repository's URL to URL_FILE once it answers, and serves until stopped.
set -euo pipefail
state="$(realpath -m "$1")" version="$2" url_file="$3"
here="$(dirname "$0")"
"$here/publish-deb.sh" "$state" "$version"

# The bridge's gateway, the test host's address on it: the engine names it,
# or (as on Docker 20.10 here) it is the first address of the bridge's subnet.
gateway="$(docker network inspect bridge -f '{{(index .IPAM.Config 0).Gateway}}')"
if [[ -z "$gateway" ]]; then
    subnet="$(docker network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}')"
    gateway="$(python3 -c 'import ipaddress, sys; print(next(ipaddress.ip_network(sys.argv[1]).hosts()))' "$subnet")"
fi
port="$(python3 -c 'import socket, sys; s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$gateway")"
url="http://$gateway:$port"
python3 -m http.server --bind "$gateway" "$port" --directory "$state/public" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null' EXIT
trap 'exit 143' TERM INT
for _ in $(seq 100); do
    curl -fsS -o /dev/null "$url/rowbook-archive-keyring.gpg" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || { echo "serve-apt-repository: the HTTP server on $url stopped" >&2; exit 1; }
    sleep 0.1
done
echo "$url" > "$url_file.new" && mv "$url_file.new" "$url_file"
echo "apt repository: serving $state/public at $url"
wait "$server"
