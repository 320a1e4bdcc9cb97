#!/usr/bin/env bash
# Makes sure the tools the test suite needs are installed: Debian's `docker-registry` (the
# integration tests start a local registry). As root with apt-get it installs what is missing;
# otherwise it says what to install and fails.
set -euo pipefail

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

echo "missing ${missing[*]}: install it first (Debian/Ubuntu: sudo apt-get install -y ${missing[*]})" >&2
exit 1
