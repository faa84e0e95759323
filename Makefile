# Everyday targets. `make test` is what CI runs (through .ci/run).
SHELL := /bin/bash
export PATH := $(HOME)/.cache/racetel/bin:$(PATH)

.PHONY: deps build test bench e2e bench-e2e collector gen lint helm cluster up down

deps:            ## install Debian/Python/Go/npm dependencies of the tests
	bash .ci/deps.sh

build: deps      ## generate code and compile every package
	npm run build

test: deps       ## everything CI checks: generated code, lint, typecheck, unit, integration and e2e tests
	npm test

bench: deps      ## benchmarks (figures printed, nothing asserted on speed)
	npm run bench

gen:             ## regenerate proto/gen from proto/racetel/v1
	npm run gen --workspace @racetel/proto

lint:
	npm run lint
