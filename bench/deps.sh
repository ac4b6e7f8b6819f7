#!/usr/bin/env bash
# make bench-deps: install the anchors that `make bench` measures beside
# Tandem, when missing, then check each one and print its state. An anchor
# that cannot be installed is reported as MISSING (and `make bench` reports it
# again in BENCHMARKS.md), never dropped silently.
#
# Debian packages (Debian's /usr/bin/python3 runs the Python anchors):
# jupyter_client and ipykernel (kernel figures), Jupyter Server (server
# figures), PyTorch and NumPy (runtime),
# scikit-learn (label-error effectiveness), matplotlib (plots), the
# Fashion-MNIST files (MLP epoch), psutil (kernel memory), hyperfine, and
# Chromium (page load in internal/e2e). GoNB is built from a pinned release
# in a scratch module (`go install …@latest` is refused by the module proxy);
# gophernotes is unavailable on this Go (see /work/shared/anchors/README.md).
set -uo pipefail
pkgs=(python3-jupyter-client python3-ipykernel python3-jupyter-server jupyter-nbconvert python3-torch python3-numpy
	python3-matplotlib python3-sklearn python3-psutil dataset-fashion-mnist hyperfine chromium)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for p in "${pkgs[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
	sudo=()
	[ "$(id -u)" = 0 ] || sudo=(sudo)
	echo "bench-deps: installing ${missing[*]}"
	"${sudo[@]}" apt-get update -q
	# One package at a time after a failed batch, so that one unavailable
	# package does not keep the others out.
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" ||
		for p in "${missing[@]}"; do
			DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$p" ||
				echo "bench-deps: apt-get could not install $p"
		done
fi

# GoNB v0.11.4 with goimports and gopls v0.23.0 (newer gopls needs Go 1.27).
gobin=$(go env GOPATH)/bin
if [ ! -x "$gobin/gonb" ] || [ ! -x "$gobin/goimports" ] || [ ! -x "$gobin/gopls" ]; then
	echo "bench-deps: building GoNB v0.11.4 (goimports, gopls v0.23.0) into $gobin"
	scratch=$(mktemp -d)
	(cd "$scratch" && go mod init scratch >/dev/null 2>&1 &&
		{ [ -x "$gobin/gonb" ] || { go get github.com/janpfeifer/gonb@v0.11.4 && go build -o "$gobin/gonb" github.com/janpfeifer/gonb; }; } &&
		{ [ -x "$gobin/goimports" ] || go install golang.org/x/tools/cmd/goimports@latest; } &&
		{ [ -x "$gobin/gopls" ] || go install golang.org/x/tools/gopls@v0.23.0; }) ||
		echo "bench-deps: building GoNB failed"
	rm -rf "$scratch"
fi
specs() { /usr/bin/python3 -m jupyter_client.kernelspecapp list 2>/dev/null; }
if [ -x "$gobin/gonb" ] && ! grep -qw gonb <<<"$(specs)"; then
	PATH="$gobin:$PATH" "$gobin/gonb" --install >/dev/null 2>&1 || echo "bench-deps: gonb --install failed"
fi

# What `make bench` will find.
status=0
report() { # NAME OK WHY
	if [ "$2" = 1 ]; then echo "bench-deps: ok      $1"; else echo "bench-deps: MISSING $1: $3"; status=1; fi
}
py() { /usr/bin/python3 -c "import $1" >/dev/null 2>&1 && echo 1 || echo 0; }
report "jupyter_client (kernel harness)" "$(py jupyter_client)" "python3-jupyter-client is not installed"
report "ipykernel" "$(py ipykernel)" "python3-ipykernel is not installed"
report "Jupyter Server" "$(py jupyter_server)" "python3-jupyter-server is not installed"
report "psutil (kernel memory)" "$(py psutil)" "python3-psutil is not installed"
report "PyTorch" "$(py torch)" "python3-torch is not installed"
report "NumPy" "$(py numpy)" "python3-numpy is not installed"
report "scikit-learn" "$(py sklearn)" "python3-sklearn is not installed"
report "matplotlib" "$(py matplotlib)" "python3-matplotlib is not installed"
report "Fashion-MNIST files" "$([ -d /usr/share/datasets/fashion-mnist ] && echo 1 || echo 0)" "dataset-fashion-mnist is not installed"
report "hyperfine" "$(command -v hyperfine >/dev/null && echo 1 || echo 0)" "hyperfine is not installed"
report "Chromium (page load)" "$(command -v chromium >/dev/null || command -v chromium-browser >/dev/null && echo 1 || echo 0)" "chromium is not installed"
report "GoNB kernelspec" "$(grep -qw gonb <<<"$(specs)" && echo 1 || echo 0)" "GoNB did not build or install (see above)"
report "gophernotes" 0 "v0.7.5 panics at start on Go 1.26 and no newer release is served"
echo "bench-deps: done (anchors marked MISSING are reported as such by make bench)"
exit 0
