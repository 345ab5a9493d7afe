#!/bin/sh
# Installs every Debian package vzsim needs to build, test and benchmark.
# Safe to run repeatedly; needs root (or sudo) on Debian 12 "bookworm".
set -eu
PKGS="build-essential cmake pkg-config ninja-build python3 \
  libsystemc-dev libboost-dev libboost-program-options-dev \
  libgtest-dev libgmock-dev libsqlite3-dev sqlite3 libelf-dev libinih-dev \
  gcc-mipsisa64r6el-linux-gnuabi64 binutils-mipsisa64r6el-linux-gnuabi64 \
  qemu-user qemu-system-mips clang \
  chromium"
# clang: the gcc-vs-clang cycle determinism test (tests/timing)
# chromium: tests/traces renders the HTML trace report headless (docs/traces.md)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
else
  echo "setup: all packages present"
fi
