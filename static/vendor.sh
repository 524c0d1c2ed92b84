#!/bin/sh
# Refresh the vendored front-end libraries in web/vendor from node_modules.
# package-lock.json is the source of truth; the copies are kept in the tree so
# that `go build` works without npm.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
src=node_modules/maplibre-gl/dist
dst=web/vendor
mkdir -p "$dst"
cp "$src/maplibre-gl.js" "$dst/maplibre-gl.js"
cp "$src/maplibre-gl.css" "$dst/maplibre-gl.css"
cp "$src/LICENSE.txt" "$dst/maplibre-gl.LICENSE.txt"
version=$(node -p "require('./node_modules/maplibre-gl/package.json').version")
echo "maplibre-gl $version" > "$dst/VERSIONS"
echo "vendored maplibre-gl $version into $dst"
