#!/usr/bin/env bash
# A local stand-in for Docker Hub, so the guides' `docker pull`,
# `docker compose pull` and `docker compose up` really pull, under the names
# a reader types (rowbook/rowbook:0.1.3, not 127.0.0.1:5000/...).
#
#   scripts/local-registry.sh start      run the registry on 127.0.0.1:5000 and make
#                                        it the Docker daemon's mirror for Docker Hub
#   scripts/local-registry.sh push TAG…  put images into it under their Docker Hub names
#   scripts/local-registry.sh stop       take the mirror out of the daemon and stop
#                                        the registry (this undoes `start`)
#
# The registry is Debian's docker-registry (scripts/setup.sh installs it), with
# a config of our own: the packaged one requires htpasswd auth. It serves
# plain HTTP on loopback only, which Docker accepts without TLS there.
# The mirror is set in /etc/docker/daemon.json, merged into what is there,
# and the daemon reloads it on SIGHUP: no restart, running containers untouched.
# Both steps are idempotent.
set -euo pipefail

ADDRESS=127.0.0.1:5000
MIRROR="http://$ADDRESS"
STORAGE=/var/lib/rowbook-docs-registry
CONFIG="$STORAGE/config.yml"
PIDFILE="$STORAGE/registry.pid"
DAEMON_JSON=/etc/docker/daemon.json

answers() { curl -fs -o /dev/null --max-time 2 "$MIRROR/v2/"; }

set_mirrors() {  # set_mirrors '["http://..."]' or '[]': merge into daemon.json, reload dockerd
    python3 - "$DAEMON_JSON" "$1" <<'EOF'
import json, os, sys
path, mirrors = sys.argv[1], json.loads(sys.argv[2])
config = json.load(open(path)) if os.path.exists(path) and os.path.getsize(path) else {}
if config.get("registry-mirrors", []) != mirrors:
    config["registry-mirrors"] = mirrors
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as out:
        json.dump(config, out, indent=2)
    os.replace(path + ".tmp", path)
EOF
    kill -HUP "$(pidof dockerd)"
    for _ in $(seq 50); do  # the reload is asynchronous
        [[ "$(docker info --format '{{json .RegistryConfig.Mirrors}}')" == "$(python3 -c 'import json,sys; print(json.dumps([m.rstrip("/") + "/" for m in json.loads(sys.argv[1])]))' "$1")" ]] && return
        sleep 0.1
    done
    echo "registry: the Docker daemon did not take registry-mirrors=$1 from $DAEMON_JSON" >&2
    exit 1
}

start() {
    if ! answers; then
        mkdir -p "$STORAGE/data"
        cat > "$CONFIG" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STORAGE/data
  delete:
    enabled: true
http:
  addr: $ADDRESS
EOF
        # 9>&-: not the engine lock scripts/test.sh holds on fd 9, or the
        # registry, which outlives the run, would hold it for every later run.
        setsid docker-registry serve "$CONFIG" >> "$STORAGE/registry.log" 2>&1 < /dev/null 9>&- &
        echo $! > "$PIDFILE"
        for _ in $(seq 50); do answers && break; sleep 0.1; done
        answers || { echo "registry: docker-registry did not start; see $STORAGE/registry.log" >&2; exit 1; }
    fi
    set_mirrors "[\"$MIRROR\"]"
    echo "registry: $MIRROR serves Docker Hub names to this Docker daemon"
}

push() {  # push TAG...: rowbook/rowbook:0.1.3 as rowbook/rowbook, postgres:15 as library/postgres
    for tag in "$@"; do
        local name="$tag"
        [[ "${tag%%:*}" == */* ]] || name="library/$tag"
        # Already there, the same image (its config digest is the image ID): nothing to do.
        if [[ "$(curl -fs -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
                   "$MIRROR/v2/${name%:*}/manifests/${name##*:}" \
                 | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"])' 2>/dev/null)" \
              == "$(docker image inspect -f '{{.Id}}' "$tag")" ]]; then
            continue
        fi
        docker tag "$tag" "$ADDRESS/$name"
        docker push -q "$ADDRESS/$name" > /dev/null
        docker rmi "$ADDRESS/$name" > /dev/null  # the tag only; the image stays
    done
    echo "registry: holds $*"
}

stop() {
    set_mirrors "[]"
    if [[ -f "$PIDFILE" ]]; then
        kill "$(cat "$PIDFILE")" 2>/dev/null || true
        rm -f "$PIDFILE"
    fi
    echo "registry: stopped; the Docker daemon pulls from Docker Hub again"
}

case "${1:-}" in
    start) start ;;
    push) shift; push "$@" ;;
    stop) stop ;;
    *) echo "usage: $0 start | push TAG... | stop" >&2; exit 2 ;;
esac
