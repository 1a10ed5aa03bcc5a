# BankFlow — see README.md. `make help` lists the targets.
GO        ?= go
# Go 1.26.10 carries the net/http, crypto/tls and crypto/x509 fixes that
# govulncheck finds reachable on this machine's Go 1.26.8; the go command
# fetches it from the module proxy once (about 76 MB).
GOTOOLCHAIN ?= go1.26.10
export GOTOOLCHAIN
PKGS      := ./...
FUZZTIME  ?= 10s
BIN       := bin/bankflow

.PHONY: help run build test test-short bench lint fuzz css migrate screenshots e2e-deps tools vuln

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## start BankFlow on the embedded default (SQLite + files under ./data) at http://localhost:8080
	$(GO) run ./cmd/bankflow serve

build: ## build the static binary into bin/
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/bankflow

test: ## all tests (PostgreSQL/Redis/Chromium tests say why they skip when a service is missing)
	$(GO) test -count=1 -timeout 20m $(PKGS)

test-short: ## unit tests only
	$(GO) test -short -count=1 $(PKGS)

bench: ## benchmarks on one core, then ofxgo side by side (figures go to docs/BENCHMARKS.md; BENCH_LARGE=1 adds 1M transactions)
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 -count=3 $(PKGS)
	cd bench/ofxgo && $(GO) test -run '^$$' -bench Bankflow -benchmem -cpu 1 . && $(GO) test -run '^$$' -bench Ofxgo -benchmem -cpu 1 -benchtime 3x .

fuzz: ## run every fuzz target for FUZZTIME each
	bash scripts/fuzz.sh $(FUZZTIME)

lint: ## gofmt, go vet, staticcheck
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

migrate: ## apply database migrations to DATABASE_URL (or the embedded SQLite)
	$(GO) run ./cmd/bankflow migrate

css: ## vendor htmx/Alpine and build the Tailwind CSS into static/ (needs Node/npm; outputs are committed)
	cd web && npm ci --no-audit --no-fund && npm run vendor && npm run css

e2e-deps: ## install what the browser tests need (Debian's Chromium, as root)
	bash scripts/test-deps.sh

screenshots: ## regenerate docs/screenshots/*.png in headless Chromium from a real session (needs make e2e-deps)
	SCREENSHOTS=1 $(GO) test -count=1 -run '^TestScreenshots$$' ./e2e

vuln: ## govulncheck against a vulnerability database built offline from golang.org/x/vulndb
	bash scripts/vuln.sh
