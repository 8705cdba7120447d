#!/usr/bin/env bash
# Starts a one-node OpenStack Swift with the s3api middleware on loopback, as a
# real S3-compatible server for tests (MinIO, Garage and SeaweedFS are not
# installable here; see docs and shared/reference/stack.md §5).
#
#   scripts/s3-test-server.sh          install if needed, start, wait until healthy
#   scripts/s3-test-server.sh stop     stop it
#
# Endpoint http://127.0.0.1:${S3_TEST_PORT:-8089}, access key "test:tester", secret "testing".
set -euo pipefail

DIR=${S3_TEST_DIR:-/tmp/hookline-swift}
PORT=${S3_TEST_PORT:-8089}
ENDPOINT="http://127.0.0.1:${PORT}"

healthy() { curl -fsS -m 2 "${ENDPOINT}/healthcheck" >/dev/null 2>&1; }

if [[ "${1:-}" == "stop" ]]; then
  pkill -f "swift-.*-server ${DIR}" || true
  exit 0
fi

if healthy; then echo "s3-test-server: already running at ${ENDPOINT}"; exit 0; fi

if ! command -v swift-proxy-server >/dev/null || ! command -v memcached >/dev/null; then
  echo "s3-test-server: installing Debian's swift + memcached (once)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends swift swift-proxy swift-object swift-container swift-account memcached python3-swift >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends swift swift-proxy swift-object swift-container swift-account memcached python3-swift >/dev/null; }
fi

mkdir -p "${DIR}/etc" "${DIR}/devices/d1" "${DIR}/log" "${DIR}/cache"
ETC="${DIR}/etc"

cat > "${ETC}/swift.conf" <<CONF
[swift-hash]
swift_hash_path_prefix = hookline
swift_hash_path_suffix = tests
[storage-policy:0]
name = gold
default = yes
CONF

ring() { # name port
  if [[ ! -f "${ETC}/$1.ring.gz" ]]; then
    (cd "${ETC}" && swift-ring-builder "$1.builder" create 6 1 1 >/dev/null \
      && swift-ring-builder "$1.builder" add "r1z1-127.0.0.1:$2/d1" 1 >/dev/null \
      && swift-ring-builder "$1.builder" rebalance >/dev/null)
  fi
}
ring object 6210
ring container 6211
ring account 6212

server_conf() { # type port
  cat > "${ETC}/$1-server.conf" <<CONF
[DEFAULT]
devices = ${DIR}/devices
mount_check = false
bind_ip = 127.0.0.1
bind_port = $2
workers = 1
user = root
swift_dir = ${ETC}
log_name = $1
[pipeline:main]
pipeline = $1-server
[app:$1-server]
use = egg:swift#$1
CONF
}
server_conf object 6210
server_conf container 6211
server_conf account 6212
# The object server also runs the replicator/updater sections it expects.
printf '[object-replicator]\n[object-updater]\n[object-auditor]\n' >> "${ETC}/object-server.conf"
printf '[container-replicator]\n[container-updater]\n[container-auditor]\n' >> "${ETC}/container-server.conf"
printf '[account-replicator]\n[account-auditor]\n[account-reaper]\n' >> "${ETC}/account-server.conf"

cat > "${ETC}/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = ${PORT}
workers = 1
user = root
swift_dir = ${ETC}
log_name = proxy
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:11211
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF

pgrep -x memcached >/dev/null || memcached -u root -l 127.0.0.1 -p 11211 -d

for t in account container object proxy; do
  nohup "swift-${t}-server" "${ETC}/${t}-server.conf" >"${DIR}/log/${t}.log" 2>&1 &
done

for _ in $(seq 1 60); do
  if healthy; then echo "s3-test-server: ready at ${ENDPOINT} (access key test:tester, secret testing)"; exit 0; fi
  sleep 0.5
done
echo "s3-test-server: did not become healthy; logs in ${DIR}/log" >&2
tail -n 20 "${DIR}"/log/*.log >&2 || true
exit 1
