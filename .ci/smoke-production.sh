#!/usr/bin/env bash
# The production install, as an operator makes it: a fresh clone, `npm ci --omit=dev` (no test or
# build tools), then `serve` on the embedded database. It must answer /readyz, take one post over
# SMTP from a member (the README's curl example) and deliver the member's copy to the outbox.
# Usage: .ci/smoke-production.sh [NODE]   (NODE: the node program to run it with; default: node)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
node_bin="${1:-node}"
work="$(mktemp -d /tmp/socialgov-smoke.XXXXXX)"
chmod 755 "$work" # the embedded PostgreSQL runs as "postgres" and must reach its folder
app="$work/app"
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -INT "$serve_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "smoke: FAILED: $*" >&2
  [ -f "$work/serve.log" ] && sed 's/^/  serve: /' "$work/serve.log" >&2
  exit 1
}
free_port() { "$node_bin" -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

echo "smoke: clone and production install ($("$node_bin" --version))"
git clone -q "$repo" "$app"
cd "$app"
PATH="$(dirname "$(command -v "$node_bin")"):$PATH" npm ci --omit=dev --no-fund --no-audit --loglevel=error
[ ! -e node_modules/typescript ] || fail "typescript was installed: --omit=dev should leave out the dev dependencies"
[ -e dist/cli/main.js ] || fail "npm ci did not build dist/"

start=$(date +%s%N)
"$node_bin" bin/socialgov.js --help > /dev/null || fail "socialgov --help failed"
echo "smoke: socialgov --help took $(( ($(date +%s%N) - start) / 1000000 )) ms"

export SOCIALGOV_DATA_DIR="$work/data" PORT="$(free_port)" SMTP_IN_PORT="$(free_port)" LOG_LEVEL=warn
unset DATABASE_URL SOCIALGOV_CONFIG
"$node_bin" bin/socialgov.js serve > "$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 120); do
  grep -q "running at" "$work/serve.log" && break
  kill -0 "$serve_pid" 2>/dev/null || fail "serve exited before it was ready"
  sleep 0.5
done
grep -q "running at" "$work/serve.log" || fail "serve did not start within 60 s"
curl -fsS "http://127.0.0.1:$PORT/readyz" > /dev/null || fail "/readyz did not answer 200"
echo "smoke: serve is up and /readyz answers"

"$node_bin" bin/socialgov.js members add smoke@gsa.gov --community social-media > /dev/null 2>"$work/add.log" || { cat "$work/add.log" >&2; fail "members add failed"; }
printf 'From: Smoke Test <smoke@gsa.gov>\r\nTo: social-media@localhost\r\nSubject: Smoke test\r\nMessage-ID: <smoke-%s@gsa.gov>\r\n\r\nFirst post from the production install.\r\n' "$$" > "$work/post.eml"
curl -fsS "smtp://127.0.0.1:$SMTP_IN_PORT" --mail-from smoke@gsa.gov --mail-rcpt social-media@localhost --upload-file "$work/post.eml" || fail "the SMTP listener refused the post"
for _ in $(seq 1 60); do
  if grep -rlq "Smoke test" "$work/data/outbox/lists" 2>/dev/null; then
    echo "smoke: the post was delivered to the outbox: $(grep -rl 'Smoke test' "$work/data/outbox/lists" | head -n 1 | sed "s|$work/||")"
    echo "smoke: passed"
    exit 0
  fi
  sleep 0.5
done
fail "no copy of the post reached data/outbox/lists within 30 s"
