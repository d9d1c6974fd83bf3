#!/bin/sh
# Install (or update) Spine Treatment Explorer for the current user, without root:
#
#   ./install.sh               install or update: the program in ~/.local/opt, a menu entry,
#                              the `explorer` command in ~/.local/bin
#   ./install.sh --uninstall   remove the program; the data folder stays
#
# The data (consults, PIN, settings, backups) lives in ~/.local/share/SpineTreatmentExplorer
# and ~/.config/SpineTreatmentExplorer; this script never touches either. The database is
# upgraded by the program itself at its first start after an update (docs/install.md).
set -eu

NAME=spine-treatment-explorer
HERE=$(cd "$(dirname "$0")" && pwd)
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
PREFIX=${EXPLORER_PREFIX:-$HOME/.local/opt}
APP="$PREFIX/$NAME"
BIN_DIR=${EXPLORER_BIN_DIR:-$HOME/.local/bin}
DESKTOP="$DATA_HOME/applications/$NAME.desktop"

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$APP" "$APP.old"
    rm -f "$DESKTOP"
    if [ -L "$BIN_DIR/explorer" ]; then rm -f "$BIN_DIR/explorer"; fi
    echo "Removed the program. Your data is still in $DATA_HOME/SpineTreatmentExplorer;"
    echo "delete that folder yourself only if you no longer need the consults in it."
    exit 0
fi
if [ $# -gt 0 ]; then
    echo "usage: $0 [--uninstall]" >&2
    exit 2
fi
if [ ! -x "$HERE/$NAME/explorer" ]; then
    echo "$HERE/$NAME/explorer is missing: unpack the whole archive, then run install.sh from it." >&2
    exit 1
fi

# Copy beside the old version, then swap: a failed copy (disk full) leaves the old one working.
mkdir -p "$PREFIX" "$BIN_DIR" "$DATA_HOME/applications"
rm -rf "$APP.new" "$APP.old"
cp -R "$HERE/$NAME" "$APP.new"
if [ -d "$APP" ]; then mv "$APP" "$APP.old"; fi
mv "$APP.new" "$APP"
rm -rf "$APP.old"

ln -sfn "$APP/explorer" "$BIN_DIR/explorer"
# The menu entry runs the installed program by its full path, quoted (the path may hold
# spaces) and escaped as desktop entries require, then for sed.
EXEC=$(printf '%s' "$APP/explorer" | sed -e 's/[\\"`$]/\\&/g' -e 's/[\\|&]/\\&/g')
sed "s|^Exec=.*|Exec=\"$EXEC\"|" "$HERE/$NAME.desktop" > "$DESKTOP.partial"
mv "$DESKTOP.partial" "$DESKTOP"
echo "Installed Spine Treatment Explorer in $APP"
echo "Start it from the applications menu, or type: explorer   (in $BIN_DIR)"
