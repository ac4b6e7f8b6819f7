#!/usr/bin/env bash
# Install the anchors that `make bench` measures beside Tandem, when missing.
# An anchor that cannot be installed is reported as missing, never dropped silently.
set -uo pipefail
pkgs=(python3-jupyter-client python3-ipykernel jupyter-nbconvert python3-torch python3-numpy
      python3-matplotlib python3-sklearn dataset-fashion-mnist hyperfine)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "bench-deps: installing ${missing[*]}"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" ||
		echo "bench-deps: MISSING some of: ${missing[*]}"
fi

# GoNB: `go install …@latest` is refused; build a pinned release in a scratch module.
gobin=$(go env GOPATH)/bin
if ! command -v gonb >/dev/null 2>&1 && [ ! -x "$gobin/gonb" ]; then
	scratch=$(mktemp -d)
	(cd "$scratch" && go mod init scratch >/dev/null 2>&1 &&
		go get github.com/janpfeifer/gonb@v0.11.4 >/dev/null 2>&1 &&
		go build -o "$gobin/gonb" github.com/janpfeifer/gonb &&
		go install golang.org/x/tools/cmd/goimports@latest &&
		go install golang.org/x/tools/gopls@v0.23.0) || echo "bench-deps: MISSING gonb (build failed)"
	rm -rf "$scratch"
fi
if [ -x "$gobin/gonb" ]; then
	PATH="$gobin:$PATH" "$gobin/gonb" --install >/dev/null 2>&1 || echo "bench-deps: gonb --install failed"
fi
echo "bench-deps: gophernotes is unavailable (v0.7.5 panics at start on Go 1.26; no newer release is served)"
echo "bench-deps: done"
