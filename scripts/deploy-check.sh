#!/usr/bin/env bash
# Follows docs/deploy.md from scratch on this machine, in a scratch directory standing in
# for /: builds and installs as the page says, writes its relay.toml, runs check-config,
# starts the relay with the unit's ExecStart (plus --demo, so there is a mailbox to
# reach), reloads and stops it as systemd would, and opens a WebSocket session through
# nginx and through Caddy configured with the page's snippets. Exits non-zero at the
# first step that does not do what the page says.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
page="$root/docs/deploy.md"
work=$(mktemp -d /tmp/cartero-deploy-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
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
# A WebSocket handshake through URL; prints what came back.
websocket() {
    curl -sk --http1.1 --no-buffer --max-time 3 -i \
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

say "OK: docs/deploy.md followed from scratch"
