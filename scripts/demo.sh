#!/usr/bin/env bash
# `make run`: the main job on the CLI, until the team server exists. Creates nothing outside
# a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
pm=.venv/bin/pm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== 1. pm new: a skeleton to fill in =="
$pm new "Checkout API returned 502s" -o "$tmp/new.md"
sed -n '1,25p' "$tmp/new.md"
echo "…"
echo
echo "== 2. pm parse --format extract on a finished postmortem (examples/checkout-502.md) =="
$pm parse --format extract examples/checkout-502.md | .venv/bin/python -m json.tool
echo
echo "== 3. pm parse --format markdown: any shape in, the canonical form out =="
cat > "$tmp/messy.md" <<'MD'
**Issue Summary:** checkout was down for 25 minutes; about 40% of users saw errors.

**Timeline (all times PST)**
* 2:05 PM: pager alert on 5xx rate
* 2:12 PM: rolled back the 1:50 PM deploy
* 2:30 PM: errors back to baseline

Root cause: a config push removed the upstream pool.

Action items
1. Validate config pushes in CI (Owner: Bob, Deadline: March 1, 2024)
MD
$pm parse --format markdown "$tmp/messy.md"
echo
echo "== 4. a bad file is reported, the others still parsed (exit status 3) =="
printf '\x89PNG\r\n\x1a\n\0\0' > "$tmp/diagram.md"
$pm parse --format extract "$tmp/diagram.md" examples/checkout-502.md | cut -c1-100 || true
