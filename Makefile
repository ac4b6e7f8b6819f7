# Tandem: a thin index of tasks. `make run` and `make test` are the two set-up commands.
GO      ?= go
BIN     := bin/tandem
PKGS    := ./...

.PHONY: build run test test-go test-frontend check generate frontend fuzz bench bench-quick bench-deps clean

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/tandem

run: build
	./$(BIN) serve notebooks

test: test-go test-frontend

test-go:
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 20m $(PKGS)

# Front-end unit tests (node + npm; npm ci needs the npm registry).
test-frontend:
	npm --prefix frontend ci --no-audit --no-fund
	npm --prefix frontend test

generate:
	$(GO) generate ./...

frontend:
	npm --prefix frontend ci --no-audit --no-fund
	npm --prefix frontend run build

# Rebuild everything generated and fail on any difference from what is committed.
check: generate frontend
	$(GO) vet $(PKGS)
	git diff --exit-code -- . ':!go.sum'

# Short fuzzing runs of every decoder (seeds are committed under testdata/fuzz).
FUZZTIME ?= 20s
fuzz:
	@for spec in $$($(GO) test -list 'Fuzz.*' $(PKGS) 2>/dev/null | awk '/^Fuzz/{f[n++]=$$1} /^ok/{for(i=0;i<n;i++) print $$2 ":" f[i]; n=0}' | sort -u); do \
		pkg=$${spec%%:*}; fn=$${spec##*:}; echo "== $$pkg $$fn"; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

bench-deps:
	bash bench/deps.sh

bench:
	bash bench/run.sh

bench-quick:
	QUICK=1 bash bench/run.sh

clean:
	rm -rf bin
