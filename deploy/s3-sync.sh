#!/usr/bin/env bash
# Publish a built site to S3 (behind CloudFront) with the right types and cache headers.
#
#   deploy/s3-sync.sh SITE_DIR s3://BUCKET/library/ [CLOUDFRONT_DISTRIBUTION_ID]
#
# SITE_DIR is the output of `sitegen build --base-url https://www.example.gov/library/`; the
# destination prefix is the path of base_url, so that the object keys are the URL paths
# (library/publications/x/index.html). Needs the AWS CLI and credentials (on GitHub Actions,
# aws-actions/configure-aws-credentials with OIDC). Environment:
#   CLOUDFRONT_DISTRIBUTION_ID  instead of the third argument
#   DRY_RUN=1                   show what would be uploaded and deleted, change nothing
#   AWS                         the aws command (default: aws)
#
# Order matters, so that no reader ever gets a page whose assets are missing:
#   1. hashed assets (/assets/: their names change with their bytes), cached for a year,
#      immutable; old ones are kept for now (cached pages still use them);
#   2. everything else, short-lived (5 minutes), with --delete: pages, feeds, catalogue,
#      sitemap, attachments, search index; each type set explicitly where S3's guess is wrong;
#   3. assets no page uses any more are deleted;
#   4. CloudFront forgets the cached copies of the files that changed in 2.
set -euo pipefail

usage() { echo "usage: $0 SITE_DIR s3://BUCKET/PREFIX/ [CLOUDFRONT_DISTRIBUTION_ID]" >&2; exit 2; }
[ $# -ge 2 ] || usage
site=${1%/}
dest=${2%/}/
distribution=${3:-${CLOUDFRONT_DISTRIBUTION_ID:-}}
aws=${AWS:-aws}
if [ ! -f "$site/index.html" ] || [ ! -f "$site/404.html" ]; then
  echo "$site is not a built site (no index.html or 404.html)" >&2
  exit 2
fi
case $dest in s3://?*/*) ;; *) usage ;; esac

IMMUTABLE="public, max-age=31536000, immutable"
SHORT="public, max-age=300"
common=(--no-progress)
[ "${DRY_RUN:-}" = 1 ] && common+=(--dryrun)
# Not part of the site: the build's marker and other dotfiles, the redirect files for hosts
# (s3-routing-rules.json goes into the bucket's website configuration, see deploy/README.md).
# (aws s3 sync applies filters in order, the last match wins: these come after any --include.)
skip=(--exclude ".*" --exclude "*/.*" --exclude "_redirects" --exclude "s3-routing-rules.json")

sync() {  # sync SOURCE DEST ARGS...; prints aws's "upload:" and "delete:" lines
  local source=$1 target=$2
  shift 2
  "$aws" s3 sync "$source" "$target" "${common[@]}" "$@"
}

changes=$(mktemp)
trap 'rm -f "$changes"' EXIT

echo "1/4 assets (immutable) -> ${dest}assets/" >&2
if [ -d "$site/assets" ]; then
  sync "$site/assets" "${dest}assets" --exclude "*.woff2" "${skip[@]}" --cache-control "$IMMUTABLE" >/dev/null
  sync "$site/assets" "${dest}assets" --exclude "*" --include "*.woff2" "${skip[@]}" \
    --content-type "font/woff2" --cache-control "$IMMUTABLE" >/dev/null
fi

echo "2/4 pages, feeds, data, attachments (short-lived) -> $dest" >&2
rest=(--exclude "assets/*" "${skip[@]}")
{
  sync "$site" "$dest" --exclude "*" --include "*.html" "${rest[@]}" \
    --content-type "text/html; charset=utf-8" --cache-control "$SHORT"
  sync "$site" "$dest" --exclude "*" --include "feed.xml" --include "*/feed.xml" "${rest[@]}" \
    --content-type "application/atom+xml; charset=utf-8" --cache-control "$SHORT"
  sync "$site" "$dest" --exclude "*" --include "*.xml" --exclude "feed.xml" --exclude "*/feed.xml" "${rest[@]}" \
    --content-type "application/xml; charset=utf-8" --cache-control "$SHORT"
  sync "$site" "$dest" --exclude "*" --include "*.json" "${rest[@]}" \
    --content-type "application/json; charset=utf-8" --cache-control "$SHORT"
  # Attachments, robots.txt, the search index: S3 guesses their types from their names.
  sync "$site" "$dest" --exclude "*.html" --exclude "*.xml" --exclude "*.json" "${rest[@]}" \
    --cache-control "$SHORT"
  # Deletes what the site no longer has; uploads nothing, every file was just synced.
  sync "$site" "$dest" "${rest[@]}" --delete --cache-control "$SHORT"
} | tee -a "$changes" >&2

echo "3/4 assets no longer used" >&2
if [ -d "$site/assets" ]; then
  sync "$site/assets" "${dest}assets" "${skip[@]}" --delete --cache-control "$IMMUTABLE" >/dev/null
fi

echo "4/4 CloudFront invalidation" >&2
if [ -z "$distribution" ]; then
  echo "no CLOUDFRONT_DISTRIBUTION_ID: skipped (pages refresh within 5 minutes anyway)" >&2
  exit 0
fi
bucket=${dest#s3://}
bucket=${bucket%%/*}
# "upload: ./x to s3://bucket/library/a/index.html" and "delete: s3://bucket/library/old.html"
# -> /library/a/index.html and /library/a/ (the address readers use).
mapfile -t paths < <(
  sed -n -E "s#^(\(dryrun\) )?(upload: .* to|delete:) s3://${bucket}(/.*)\$#\3#p" "$changes" |
    sed -E 's#^(.*/)index\.html$#\1index.html\n\1#' | sort -u
)
if [ ${#paths[@]} -eq 0 ]; then
  echo "nothing changed: no invalidation" >&2
  exit 0
fi
prefix=/${dest#s3://"$bucket"/}
if [ ${#paths[@]} -gt 1000 ]; then
  paths=("${prefix}*")  # one wildcard path costs as much as one file
fi
if [ "${DRY_RUN:-}" = 1 ]; then
  printf '(dryrun) invalidate %s\n' "${paths[@]}" >&2
  exit 0
fi
"$aws" cloudfront create-invalidation --distribution-id "$distribution" --paths "${paths[@]}" \
  --query 'Invalidation.Id' --output text
