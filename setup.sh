#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for sitegen and builds the sample site into _site/.
# Installs: Debian packages (Chromium for browser tests, xmllint, Java for the HTML checker,
# Hugo for the benchmark, nginx/openssl/shellcheck for the deployment tests), the Python package with its test extras, and the pinned npm packages
# (USWDS, axe-core, vnu-jar, linkinator, sitemap) from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v xmllint >/dev/null || need_apt+=(libxml2-utils)
command -v java >/dev/null || need_apt+=(default-jre-headless)
command -v hugo >/dev/null || need_apt+=(hugo)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
command -v shellcheck >/dev/null || need_apt+=(shellcheck)
command -v openssl >/dev/null || need_apt+=(openssl)
if ((${#need_apt[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=120 install -y -qq "${need_apt[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
npm ci --no-audit --no-fund --loglevel=error
python3 build.py
