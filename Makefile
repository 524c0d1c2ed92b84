# flightwatch: make run (the demo on the embedded store), make test (everything).
GO        ?= go
BIN       := bin/flightwatch
REDIS_URL ?= redis://127.0.0.1:6379/15
export FLIGHTWATCH_TEST_REDIS_URL ?= $(REDIS_URL)

.PHONY: build bench-tool run test test-go test-e2e lint-js vet bench fuzz load screenshots clean

build:
	CGO_ENABLED=1 $(GO) build -o $(BIN) ./cmd/flightwatch

bench-tool:
	$(GO) build -o bin/flightwatch-bench ./cmd/flightwatch-bench

# The demo scenario on the embedded store at http://localhost:8080.
run: build
	FLIGHTWATCH_DEMO=$${FLIGHTWATCH_DEMO:-1} ./$(BIN) serve $(if $(CONFIG),--config $(CONFIG),)

test: vet lint-js test-go test-e2e

vet:
	$(GO) vet ./...

# Every Go test, with the race detector, against the real Redis at
# FLIGHTWATCH_TEST_REDIS_URL (a private database and key prefix).
test-go:
	$(GO) test -race -count=1 -timeout 20m ./...

# Type-check the browser modules (static/web/*.js, JSDoc types, strict)
# with the TypeScript of static/package-lock.json. --ignore-scripts: the
# install runs nothing; static/web/vendor changes only by static/vendor.sh.
lint-js:
	cd static && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts && ./node_modules/.bin/tsc -p .

# The browser test: Chromium drives the map of a demo server it starts.
test-e2e:
	cd e2e && npm ci --no-audit --no-fund --loglevel=error && node --test

# The README's pictures (docs/*.png) from the demo; not part of make test.
screenshots:
	cd e2e && npm ci --no-audit --no-fund --loglevel=error && node screenshots.mjs

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./...

# A short run of every fuzz target.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 10s $$pkg || exit 1; \
	  done; \
	done

# Drive a running server: make load URL=http://127.0.0.1:8080 TOKEN=... PID=...
# (LOAD_FLAGS adds flags, e.g. --url2 ... --pid2 ... --format delta).
load: bench-tool
	./bin/flightwatch-bench --url $${URL:-http://127.0.0.1:8080} --token $${TOKEN:-} \
	  --pid $${PID:-0} --duration $${DURATION:-20s} $(LOAD_FLAGS)

clean:
	rm -rf bin e2e/out
