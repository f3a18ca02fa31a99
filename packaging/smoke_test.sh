#!/usr/bin/env bash
# Smoke test of a built application: start it headless, open the demo session, import
# and analyse a take, exit 0 (see musicpractice/gui/smoke_test.py).
#
#   packaging/smoke_test.sh [EXECUTABLE]   default: dist/musicpractice/musicpractice
#
# Runs with a throw-away HOME, so nothing of the user's is read or written.
set -euo pipefail
cd "$(dirname "$0")/.."
exe="${1:-dist/musicpractice/musicpractice}"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
"$exe" --version
HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
    XDG_RUNTIME_DIR="$home" QT_QPA_PLATFORM=offscreen "$exe" --smoke-test
"$exe" analyze resources/examples/twinkle_voice.flac | head -n 5
echo "smoke test of $exe passed"
