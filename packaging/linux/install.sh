#!/usr/bin/env bash
# Install musicpractice's desktop integration for the current user (no root needed):
# menu entry, icon, AppStream metainfo, and the session MIME types, so the file manager
# opens *.mpsession folders, *.mpsz files and audio files with musicpractice.
#
#   packaging/linux/install.sh                    for the `musicpractice` command on PATH (pipx)
#   packaging/linux/install.sh dist/musicpractice  also install the frozen build: copied to
#                                                 ~/.local/lib/musicpractice, linked from ~/.local/bin
#   packaging/linux/install.sh --uninstall        remove all of it again
#
# Follows XDG_DATA_HOME (default ~/.local/share).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
id=io.github.musicpractice.MusicPractice
data="${XDG_DATA_HOME:-$HOME/.local/share}"
lib="$HOME/.local/lib/musicpractice"
bin="$HOME/.local/bin/musicpractice"
files=("$data/applications/$id.desktop" "$data/metainfo/$id.metainfo.xml"
       "$data/mime/packages/$id.xml" "$data/icons/hicolor/scalable/apps/$id.svg")

refresh() {
    command -v update-mime-database >/dev/null && update-mime-database "$data/mime"
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications"
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -qtf "$data/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "${files[@]}"
    if [ -L "$bin" ] && [ "$(readlink "$bin")" = "$lib/musicpractice" ]; then rm -f "$bin"; fi
    rm -rf "$lib"
    refresh
    echo "musicpractice's desktop integration removed"
    exit 0
fi

if [ -n "${1:-}" ]; then
    [ -x "$1/musicpractice" ] || { echo "install.sh: $1/musicpractice is not a built application" >&2; exit 2; }
    rm -rf "$lib"
    mkdir -p "$(dirname "$lib")" "$(dirname "$bin")"
    cp -a "$1" "$lib"
    ln -sfn "$lib/musicpractice" "$bin"
    exe="$lib/musicpractice"
else
    exe="$(command -v musicpractice || true)"
    [ -n "$exe" ] || { echo "install.sh: no musicpractice command on PATH (pipx install . first, or give the built folder)" >&2; exit 2; }
fi

mkdir -p "$data/applications" "$data/metainfo" "$data/mime/packages" "$data/icons/hicolor/scalable/apps"
# the menu entry starts this very executable, whatever PATH the desktop session has
sed "s|^Exec=musicpractice |Exec=\"$exe\" |" "$here/$id.desktop" > "$data/applications/$id.desktop"
cp "$here/$id.metainfo.xml" "$data/metainfo/"
cp "$here/$id.xml" "$data/mime/packages/"
cp "$here/../../resources/icons/musicpractice.svg" "$data/icons/hicolor/scalable/apps/$id.svg"
refresh
echo "musicpractice ($exe) added to the applications menu; sessions and audio files open with it"
