#!/usr/bin/env bash
# Follows docs/deploy.md from scratch on this machine, in a scratch directory standing in
# for /: builds and installs as the page says, writes its relay.toml, runs check-config,
# starts the relay with the unit's ExecStart (plus --demo, so there is a mailbox to
# reach), reloads and stops it as systemd would, and opens a WebSocket session through
# nginx and through Caddy configured with the page's snippets; then runs the
# Containerfile's stages without a container engine (a debootstrap root and namespaces).
# Exits non-zero at the first step that does not do what the page says.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
page="$root/docs/deploy.md"
work=$(mktemp -d /tmp/cartero-deploy-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    # The container's PID 1 first: killing it ends its namespace. (unshare's
    # --kill-child does not reach it: chroot --userspec changes its uid, which clears
    # the parent-death signal.)
    [ -z "${relay_in_container:-}" ] || kill -KILL "$relay_in_container" 2>/dev/null || true
    [ -z "${container_pid:-}" ] || kill -KILL "$container_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
say() { echo "==> deploy-check: $*"; }
fail() { echo "deploy-check FAILED: $*" >&2; exit 1; }

# The fenced block of the page whose info string ends with NAME.
block() { awk -v name="$1" '$0 ~ "^```[a-z]+ " name "$" {on = 1; next} on && /^```$/ {exit} on {print}' "$page"; }
# The page's paths, moved under the scratch root.
relocate() { sed -e "s#/usr/local/bin#$work/usr/local/bin#g" -e "s#/srv/cartero#$work/srv/cartero#g" -e "s#/etc/cartero#$work/etc/cartero#g"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # URL: until it answers, up to 20 s
    for _ in $(seq 200); do curl -skf -o /dev/null "$1" && return 0; sleep 0.1; done
    fail "$1 did not answer"
}

say "build as section 1 says (the app is built by cargo xtask test before this)"
(cd "$root" && cargo build --locked -q --profile relay -p cartero-relay)

say "install (section 1) into $work"
(cd "$root" && block install.sh | relocate | bash -e)
[ -x "$work/usr/local/bin/cartero-relay" ] || fail "the binary was not installed"

say "write relay.toml (section 2) and check it"
relay_port=$(free_port)
block relay.toml | relocate | sed "s#127.0.0.1:8080#127.0.0.1:$relay_port#" >"$work/etc/cartero/relay.toml"
"$work/usr/local/bin/cartero-relay" check-config --config "$work/etc/cartero/relay.toml" >"$work/effective.toml" 2>"$work/check.err" \
    || fail "check-config refused the page's file: $(cat "$work/check.err")"
grep -q '^allow = \["mail.example.org:995", "mail.example.org:110"\]' "$work/effective.toml" || fail "check-config lost the allowlist"
printf 'listen = "nope"\n' >"$work/bad.toml"
if "$work/usr/local/bin/cartero-relay" check-config --config "$work/bad.toml" 2>/dev/null; then fail "check-config accepted a bad listen"; fi

say "start it as the unit's ExecStart does (section 3)"
exec_start=$(block cartero-relay.service | sed -n 's/^ExecStart=//p' | relocate)
[ -n "$exec_start" ] || fail "no ExecStart in the unit"
$exec_start --demo >"$work/relay.log" 2>&1 &
relay_pid=$!
pids+=("$relay_pid")
wait_http "http://127.0.0.1:$relay_port/healthz"
curl -sf "http://127.0.0.1:$relay_port/" | grep -q cartero-frontend || fail "the app is not served"

say "reload as ExecReload does: the relay stays up"
reload=$(block cartero-relay.service | sed -n 's/^ExecReload=//p' | sed "s/\$MAINPID/$relay_pid/")
$reload
sleep 0.5
kill -0 "$relay_pid" 2>/dev/null || fail "ExecReload ended the relay"
curl -sf "http://127.0.0.1:$relay_port/healthz" >/dev/null || fail "not healthy after reload"

demo=$(curl -sf "http://127.0.0.1:$relay_port/demo.json")
demo_port=$(echo "$demo" | python3 -c 'import json,sys; print(json.load(sys.stdin)["port"])')
# A WebSocket handshake through URL; prints what came back. $net may name a command
# that runs curl elsewhere (in the container's network).
net=""
websocket() {
    $net curl -sk --http1.1 --no-buffer --max-time 3 -i \
        -H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" \
        -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" -H "Origin: https://mail.example.org" \
        "$1/pop3?host=127.0.0.1&port=$demo_port&security=none" 2>/dev/null || true
}
expect_session() { # NAME URL
    local out
    out=$(websocket "$2" | tr -d '\0')
    echo "$out" | grep -q "^HTTP/1.1 101" || fail "$1: no WebSocket upgrade: $(echo "$out" | head -3)"
    echo "$out" | grep -aq '"type":"connected"' || fail "$1: the relay did not connect the session"
    echo "$out" | grep -aq '+OK' || fail "$1: no POP3 greeting came through"
}

say "nginx with the page's snippet (section 4), TLS with a throwaway certificate"
mkdir -p "$work/nginx/logs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=mail.example.org -keyout "$work/nginx/key.pem" -out "$work/nginx/cert.pem" 2>/dev/null
nginx_port=$(free_port)
{
    echo "pid $work/nginx/nginx.pid; error_log $work/nginx/logs/error.log; events {}"
    echo "http { access_log off;"
    block nginx-cartero.conf |
        sed -e "s#listen 443 ssl;#listen 127.0.0.1:$nginx_port ssl;#" \
            -e "s#/etc/letsencrypt/live/mail.example.org/fullchain.pem#$work/nginx/cert.pem#" \
            -e "s#/etc/letsencrypt/live/mail.example.org/privkey.pem#$work/nginx/key.pem#" \
            -e "s#127.0.0.1:8080#127.0.0.1:$relay_port#"
    echo "}"
} >"$work/nginx/nginx.conf"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=("$!")
wait_http "https://127.0.0.1:$nginx_port/healthz"
expect_session nginx "https://127.0.0.1:$nginx_port"
[ "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$nginx_port/metrics")" = 404 ] || fail "nginx exposes /metrics"

say "Caddy with the page's Caddyfile (section 4), plain HTTP on a test port"
caddy_port=$(free_port)
mkdir -p "$work/caddy"
{
    echo "{"; echo "    admin off"; echo "    auto_https off"; echo "}"
    block Caddyfile | sed -e "s#^mail.example.org {#http://127.0.0.1:$caddy_port {#" -e "s#127.0.0.1:8080#127.0.0.1:$relay_port#"
} >"$work/caddy/Caddyfile"
XDG_DATA_HOME="$work/caddy" XDG_CONFIG_HOME="$work/caddy" HOME="$work/caddy" \
    caddy run --config "$work/caddy/Caddyfile" --adapter caddyfile >"$work/caddy/log" 2>&1 &
pids+=("$!")
wait_http "http://127.0.0.1:$caddy_port/healthz"
expect_session Caddy "http://127.0.0.1:$caddy_port"

say "stop as systemd does (SIGTERM): it drains and exits 0"
kill -TERM "$relay_pid"
status=0
wait "$relay_pid" || status=$?
[ "$status" = 0 ] || fail "the relay exited $status on SIGTERM: $(tail -5 "$work/relay.log")"
grep -q "shutting down" "$work/relay.log" || fail "no shutdown line in the log"
if grep -q $'\e' "$work/relay.log"; then fail "the log holds terminal colour codes (journald shows them raw)"; fi

say "container (section 5): the page's Containerfile is the repository's"
block Containerfile | cmp -s - "$root/Containerfile" || fail "docs/deploy.md section 5 differs from Containerfile"
# The Containerfile's instructions, continuation lines joined, comments dropped.
instructions=$(sed -e '/^#/d' -e '/^$/d' "$root/Containerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
stage() { echo "$instructions" | awk -v n="$1" '/^FROM /{i++} i==n'; }
stages=$(echo "$instructions" | grep -c '^FROM ')
# An exec-form (JSON) argument list into the array named $2; anything else fails.
json_args() {
    python3 -c 'import json,sys; a=json.loads(sys.argv[1]); assert a and all(isinstance(x,str) for x in a); print("\0".join(a), end="")' \
        "$1" >"$work/args" 2>/dev/null || fail "not an exec-form argument list: $1"
    mapfile -d '' -t "$2" <"$work/args"
}

say "container build stage: its RUN, here (Debian 12, as the rust:bookworm image)"
stage 1 | grep -q '^FROM docker.io/library/rust:.*-bookworm AS build$' || fail "the build stage is not a bookworm Rust image"
build_run=$(stage 1 | sed -n 's/^RUN //p')
(cd "$root" && sh -c "$build_run") >"$work/container-build.log" 2>&1 || fail "the build stage's RUN failed: $(tail -5 "$work/container-build.log")"

say "container final stage: a debootstrap root stands in for its FROM"
from=$(stage "$stages" | sed -n 's/^FROM //p')
[ "$from" = docker.io/library/debian:bookworm-slim ] || fail "the check knows how to stand in for debian:bookworm-slim, not $from"
base="$root/target/tools/container-root/bookworm-minbase"
if [ ! -x "$base/bin/bash" ]; then
    rm -rf "$base.partial" && mkdir -p "$(dirname "$base")"
    debootstrap --variant=minbase bookworm "$base.partial" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
        fail "debootstrap failed: $(tail -3 "$work/debootstrap.log")"
    mv "$base.partial" "$base"
fi
rootfs="$work/rootfs"
cp -a "$base" "$rootfs"
user="" entrypoint="" healthcheck="" stopsignal="" expose=""
container_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/)
while read -r word rest; do
    case "$word" in
    FROM) ;;
    COPY)
        read -r from_flag src dst <<<"$rest"
        [ "$from_flag" = --from=build ] || fail "COPY without --from=build: $rest"
        mkdir -p "$(dirname "$rootfs$dst")"
        cp -a "$root/${src#/src/}" "$rootfs$dst" ;;
    USER) user=$rest ;;
    ENV)
        read -ra pairs <<<"$rest"
        for pair in "${pairs[@]}"; do
            [[ $pair =~ ^[A-Za-z_][A-Za-z0-9_]*=[^\"\'\$]*$ ]] || fail "the check reads only plain ENV KEY=value pairs, not: $pair"
        done
        container_env+=("${pairs[@]}") ;;
    EXPOSE) expose=$rest ;;
    STOPSIGNAL) stopsignal=${rest#SIG} ;;
    HEALTHCHECK)
        [[ $rest == "CMD ["* ]] || fail "the check reads only HEALTHCHECK CMD [...], not: $rest"
        healthcheck=${rest#CMD } ;;
    ENTRYPOINT) entrypoint=$rest ;;
    *) fail "the check cannot stand in for $word" ;;
    esac
done < <(stage "$stages")
[ -n "$user" ] && [ -n "$entrypoint" ] && [ -n "$healthcheck" ] && [ -n "$stopsignal" ] && [ -n "$expose" ] ||
    fail "the final stage lacks USER, ENTRYPOINT, HEALTHCHECK, STOPSIGNAL or EXPOSE"
json_args "$entrypoint" entry
json_args "$healthcheck" check

say "container run: ENTRYPOINT as $user, PID 1 in its own mount, PID and network namespaces"
# As `podman run -e ...` in the page, plus the demo mailbox to reach.
run_env=("${container_env[@]}" CARTERO_ALLOW=mail.example.org:995 CARTERO_ORIGIN=https://mail.example.org CARTERO_DEMO=true)
uid=${user%%:*} gid=${user##*:}
unshare --mount --pid --net --fork --kill-child bash -ec '
    rootfs=$1 uid=$2 gid=$3; shift 3
    ip link set lo up
    mount -t proc proc "$rootfs/proc"
    mount --rbind /dev "$rootfs/dev"
    exec env -i "$@"
' _ "$rootfs" "$uid" "$gid" "${run_env[@]}" chroot --userspec="$uid:$gid" --groups="$gid" "$rootfs" "${entry[@]}" \
    >"$work/container.log" 2>&1 &
container_pid=$!
for _ in $(seq 100); do
    relay_in_container=$(cat "/proc/$container_pid/task/$container_pid/children" 2>/dev/null || true)
    relay_in_container=${relay_in_container%% }
    [ -n "$relay_in_container" ] && break
    sleep 0.1
done
[ -n "$relay_in_container" ] || fail "the container's process did not start: $(cat "$work/container.log")"
net="nsenter --target $relay_in_container --net"
for try in $(seq 200); do
    $net curl -sf -o /dev/null "http://127.0.0.1:$expose/healthz" && break
    [ "$try" -lt 200 ] || fail "the container's relay did not answer on port $expose: $(cat "$work/container.log")"
    sleep 0.1
done
[ "$(stat -c %u "/proc/$relay_in_container")" = "$uid" ] || fail "the relay does not run as $user"
nsenter --target "$relay_in_container" --mount --net --pid --root --wd --setuid "$uid" --setgid "$gid" \
    /usr/bin/env -i "${container_env[@]}" "${check[@]}" || fail "the HEALTHCHECK failed: $(cat "$work/container.log")"
$net curl -sf "http://127.0.0.1:$expose/" | grep -q cartero-frontend || fail "the container does not serve the app"
demo_port=$($net curl -sf "http://127.0.0.1:$expose/demo.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["port"])')
expect_session container "http://127.0.0.1:$expose"

say "container stop: STOPSIGNAL ($stopsignal) drains and exits 0"
kill -s "$stopsignal" "$relay_in_container"
status=0
wait "$container_pid" || status=$?
container_pid=""
[ "$status" = 0 ] || fail "the container exited $status on $stopsignal: $(tail -5 "$work/container.log")"

say "OK: docs/deploy.md followed from scratch"
