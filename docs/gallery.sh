#!/usr/bin/env bash
# gallery.sh regenerates the README's gallery of the example notebooks:
# docs/gallery.png (the index page of `tandem export --to gallery`) and
# docs/gallery-<name>.png (the top of each notebook's exported page), from a
# fresh headless run of each notebook. Needs Go and Chromium (CHROME=path to
# choose one). The exported HTML itself goes to ${OUT:-/tmp/tandem-gallery}
# (about 5 MB; not committed).
#
#   bash docs/gallery.sh
set -euo pipefail
cd "$(dirname "$0")/.."
names=(tour tensors gradient-descent iris fix-the-labels risk-scoring eda)
out=${OUT:-/tmp/tandem-gallery}
chrome=${CHROME:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[ -n "$chrome" ] || { echo "gallery.sh: Chromium not found (set CHROME)" >&2; exit 1; }

go build -o bin/tandem ./cmd/tandem
bin="$PWD/bin/tandem"
rm -rf "$out" && mkdir -p "$out/run" "$out/html"
cp notebooks/*.ipynb notebooks/*.csv "$out/run/"
pages=()
for n in "${names[@]}"; do
	# Exit status 1 is expected for tour and tensors: each has a cell that
	# fails on purpose (tagged raises-exception) to show how errors look.
	(cd "$out/run" && TANDEM_WORKSPACE="$out/run" TANDEM_USER=gallery \
		"$bin" run --keep-going "$n.ipynb" -o "$out/html/$n.ipynb" >/dev/null 2>&1) || true
	pages+=("$out/html/$n.ipynb")
done
"$bin" export --to gallery "${pages[@]}" -o "$out/site"

shot() { # shot URL PNG WIDTH HEIGHT
	"$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=30000 \
		--window-size="$3,$4" --screenshot="$2" "$1" >/dev/null 2>&1
}
shot "file://$out/site/index.html" docs/gallery.png 1280 1400
for n in "${names[@]}"; do
	shot "file://$out/site/$n.html" "docs/gallery-$n.png" 1000 1500
done
echo "gallery.sh: wrote docs/gallery.png and docs/gallery-*.png (pages in $out/site)"
