# logto-twilio — make help lists the targets.
GOLANGCI_LINT := github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
GOFUMPT := mvdan.cc/gofumpt@v0.9.2

.PHONY: help test test-short lint fmt fmt-check vet golden sandbox e2e build fuzz bench picture recording snapshot docs

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

snapshot: ## what a release makes, in dist/, without publishing: archives, checksums, cask, .deb/.rpm (GoReleaser)
	go run github.com/goreleaser/goreleaser/v2@v2.17.0 release --snapshot --clean

build: ## build the binary into ./bin (without debug information: 14 MiB instead of 19)
	go build -ldflags='-s -w' -o bin/logto-twilio ./cmd/logto-twilio

test: ## run every test, end-to-end ones included (the release snapshot too), with the race detector
	go test -race -timeout 30m ./...

test-short: ## run the tests without the end-to-end ones
	go test -race -short ./...

e2e: ## run only the end-to-end tests (Chromium, tmux, npm, the release snapshot)
	go test -race -timeout 30m -run 'TestE2E' -count=1 ./...

vet: ## go vet
	go vet ./...

lint: ## golangci-lint with .golangci.yml
	go run $(GOLANGCI_LINT) run ./...

fmt: ## format the code (gofumpt)
	go run $(GOFUMPT) -w .

fmt-check: ## fail when a file is not gofmt-formatted
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "not formatted:"; echo "$$out"; exit 1; fi

golden: ## rewrite the frame goldens
	go test ./tui ./steps -update

sandbox: ## run the wizard offline against the in-process stand-ins
	go run ./cmd/logto-twilio --sandbox

bench: ## sizes, first frame (and ratio to a minimal huh form), idle CPU, peak RSS, workshop prepare at N=10/100/500, action counts
	./scripts/bench

docs: ## regenerate docs/reference.md, the command reference, from the command tree
	go run ./scripts/gendocs

picture: ## redraw docs/wizard.svg from the real program (tmux + freeze)
	./scripts/picture.sh

recording: ## re-record docs/sandbox.svg, a whole --sandbox run (tmux + Chromium + svg-term-cli)
	./scripts/recording.sh

fuzz: ## run each fuzz target for 30 seconds
	@for f in $$(go test -list 'Fuzz.*' ./twiliosetup | grep ^Fuzz); do go test -run '^$$' -fuzz "^$$f$$" -fuzztime 30s ./twiliosetup || exit 1; done
