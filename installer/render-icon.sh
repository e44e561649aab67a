#!/bin/sh
# Renders pmfx's icon from installer/pmfx.svg: the PNG jpackage uses on Linux (and the window's
# own icon), the ICO for Windows. macOS's ICNS is made on a Mac (see .github/workflows).
# Needs ImageMagick. Run after changing the SVG; the outputs are committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
convert -background none "$here/pmfx.svg" -resize 256x256 -depth 8 "$here/pmfx.png"
cp "$here/pmfx.png" "$here/../src/main/resources/dev/pmfx/pmfx.png"
convert -background none "$here/pmfx.svg" -define icon:auto-resize=256,128,64,48,32,16 "$here/pmfx.ico"
