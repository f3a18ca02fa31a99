#!/usr/bin/env bash
# Build the one-folder application into dist/musicpractice/ with PyInstaller, then run
# its smoke test. Linux; for Windows/macOS see packaging/README.md.
#
#   packaging/build.sh              build + smoke test
#   packaging/build.sh --no-test    build only
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || ./dev test --co -q >/dev/null   # creates .venv with the app installed
.venv/bin/python -m pip install -q -e ".[packaging]"
.venv/bin/pyinstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/musicpractice.spec
echo "built dist/musicpractice: $(du -sh dist/musicpractice | cut -f1)"
if [ "${1:-}" != "--no-test" ]; then
    packaging/smoke_test.sh dist/musicpractice/musicpractice
fi
