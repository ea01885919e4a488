#!/usr/bin/env bash
# Build the library on cloud.gov Pages ("Node.js" site engine).
#
# Pages clones the repository, runs `npm ci` (so USWDS is installed from package-lock.json),
# then the npm script named `pages` (older builders: `federalist`) with these variables set:
#   BRANCH, OWNER, REPOSITORY, SITE_PREFIX, BASEURL (the path the build is served under:
#   /preview/<owner>/<repository>/<branch> for a branch preview, empty on a custom domain)
# and publishes whatever is in _site/. package.json carries:
#   "scripts": {"pages": "bash deploy/cloud-gov-pages.sh", "federalist": "bash deploy/cloud-gov-pages.sh"}
#
# The base URL of the build is, in order:
#   SITEGEN_BASE_URL                   a Pages environment variable (site settings), used as is;
#   SITE_ORIGIN + BASEURL + /          SITE_ORIGIN a Pages environment variable, such as
#                                      https://www.example.gov or https://<site>.sites.pages.cloud.gov;
#   the origin of site.yaml's base_url + BASEURL + /
# so every link carries the path Pages serves the build under, previews included.
#
# Needs Python 3.11 or later in the build container (sitegen's requirement); the package is
# installed into a virtual environment from PyPI. PYTHON names the interpreter to use;
# SITEGEN_PAGES_NO_INSTALL=1 uses it as it is, sitegen already installed (tests).
set -euo pipefail
cd "$(dirname "$0")/.."

python=""
for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3 python; do
  if command -v "$candidate" >/dev/null &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=$(command -v "$candidate")
    break
  fi
done
if [ -z "$python" ]; then
  echo "error: sitegen needs Python 3.11 or later, and this build container has none" >&2
  echo "($(python3 --version 2>&1 || echo 'no python3')); build elsewhere (GitHub Actions) or ask cloud.gov Pages support" >&2
  exit 1
fi

if [ "${SITEGEN_PAGES_NO_INSTALL:-}" != 1 ]; then
  "$python" -m venv .venv-pages
  python=.venv-pages/bin/python
  "$python" -m pip install --quiet --disable-pip-version-check .
fi

base_url=$("$python" - <<'EOF'
import os
from urllib.parse import urlsplit

import yaml

explicit = os.environ.get("SITEGEN_BASE_URL", "").strip()
if explicit:
    print(explicit if explicit.endswith("/") else explicit + "/")
else:
    origin = os.environ.get("SITE_ORIGIN", "").strip().rstrip("/")
    if not origin:
        with open("content/site.yaml", encoding="utf-8") as handle:
            parts = urlsplit(yaml.safe_load(handle)["base_url"])
        origin = f"{parts.scheme}://{parts.netloc}"
    path = "/" + os.environ.get("BASEURL", "").strip("/")
    print(origin + path.rstrip("/") + "/")
EOF
)
echo "Building ${BRANCH:-this branch} for $base_url" >&2
"$python" build.py --base-url "$base_url" -o _site
