#!/bin/sh
# Copies xterm.js and its addons from node_modules/ into static/vendor/xterm/, which is committed so
# the site works offline with no CDN and no Node.js at run time. Run after changing package.json.
# The trailing sourceMappingURL comments are dropped because the .map files are not vendored (a
# manifest static storage would otherwise fail on the missing files).
set -eu
cd "$(dirname "$0")/.."
[ -d node_modules/@xterm/xterm ] || npm install --no-audit --no-fund --no-package-lock
dest=static/vendor/xterm
rm -rf "$dest"
mkdir -p "$dest"
copy_js() {
    sed '/^\/\/# sourceMappingURL=/d' "$1" > "$dest/$2"
}
copy_js node_modules/@xterm/xterm/lib/xterm.js xterm.js
cp node_modules/@xterm/xterm/css/xterm.css "$dest/xterm.css"
cp node_modules/@xterm/xterm/LICENSE "$dest/LICENSE.xterm"
copy_js node_modules/@xterm/addon-fit/lib/addon-fit.js addon-fit.js
cp node_modules/@xterm/addon-fit/LICENSE "$dest/LICENSE.addon-fit"
copy_js node_modules/@xterm/addon-unicode11/lib/addon-unicode11.js addon-unicode11.js
cp node_modules/@xterm/addon-unicode11/LICENSE "$dest/LICENSE.addon-unicode11"
node -e '
const fs = require("fs");
const names = ["@xterm/xterm", "@xterm/addon-fit", "@xterm/addon-unicode11"];
const lines = names.map((n) => n + " " + JSON.parse(fs.readFileSync("node_modules/" + n + "/package.json")).version);
fs.writeFileSync(process.argv[1] + "/VERSIONS", lines.join("\n") + "\n");
' "$dest"
echo "vendored into $dest:"; cat "$dest/VERSIONS"
