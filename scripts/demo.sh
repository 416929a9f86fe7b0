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
