#!/usr/bin/env bash
# Installs Debian's chromium for the browser test of `stcluster report` when
# it is missing. Exit 0 when chromium is there, 77 (CTest SKIP_RETURN_CODE)
# with a message when it cannot be installed (no root, no network).
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo"; else
    echo "SKIP: chromium is not installed and installing it needs root (apt-get install chromium)"
    exit 77
  fi
fi
echo "report_chromium_setup: installing chromium (apt-get)" >&2
if ! $SUDO apt-get update -qq >/dev/null 2>&1 ||
   ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
       chromium >/dev/null 2>&1; then
  echo "SKIP: chromium could not be installed (no network or no Debian mirror reachable)"
  exit 77
fi
command -v chromium >/dev/null 2>&1 || { echo "SKIP: apt-get installed no chromium binary"; exit 77; }
