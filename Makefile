# Everyday targets. `make test` is what CI runs (through .ci/run).
SHELL := /bin/bash
export PATH := $(HOME)/.cache/racetel/bin:$(PATH)

.PHONY: deps build test bench e2e bench-e2e collector influxdb kafka gen lint helm cluster up down helm-sync helm-lint images run-ingest

deps:            ## install Debian/Python/Go/npm dependencies of the tests
	bash .ci/deps.sh

build: deps      ## generate code and compile every package
	npm run build

test: deps collector influxdb kafka test-collector  ## everything CI checks: generated code, lint, typecheck, unit, integration and e2e tests
	npm test

test-collector:  ## go vet and go test of racetel's collector component (deploy/collector/racetelinfluxexporter)
	cd deploy/collector/racetelinfluxexporter && go vet ./... && go test -count=1 ./...

bench: deps      ## benchmarks (figures printed, nothing asserted on speed)
	npm run bench

gen:             ## regenerate proto/gen from proto/racetel/v1
	npm run gen --workspace @racetel/proto

lint:
	npm run lint

helm-sync:       ## copy deploy/collector/config.yaml and grafana/dashboards/*.json into the chart
	node deploy/helm/sync-files.mjs

helm-lint: helm-sync  ## helm lint --strict and render the chart (helm comes from `make deps`)
	helm lint --strict deploy/helm/racetel
	helm template racetel deploy/helm/racetel >/dev/null

images:          ## build the racetel image with Docker (without Docker: bash deploy/buildah/build.sh)
	docker build -t racetel/racetel:dev .

cluster:         ## local kind cluster "racetel" (ctlptl + registry, or kind) with UDP 20777/9996 mapped
	bash deploy/kind/cluster.sh up

up: cluster helm-sync  ## the whole stack on kind through Tilt; Grafana on http://localhost:3000
	@command -v tilt >/dev/null || { echo "tilt is missing: install Tilt >= v0.33 (https://docs.tilt.dev/install.html)" >&2; exit 1; }
	tilt up

down:            ## tilt down and delete the cluster
	bash deploy/kind/cluster.sh down

collector:       ## build the OpenTelemetry Collector (ocb, pinned manifest), cached in ~/.cache/racetel
	bash deploy/collector/build.sh

influxdb:        ## build InfluxDB 1.8.3 from the Go module proxy, cached in ~/.cache/racetel
	bash deploy/influxdb/build.sh

kafka:           ## fetch Apache Kafka 4.1.1 (KRaft) jars from Maven Central, cached in ~/.cache/racetel
	bash deploy/kafka/build.sh

e2e: deps collector influxdb kafka  ## end-to-end tests: influxd + collector + rpc + ingest as real processes
	node scripts/test.mjs e2e/

bench-e2e: deps collector influxdb kafka  ## datagram -> queryable-in-InfluxDB latency and points/s
	node scripts/bench.mjs e2e/bench/

run-ingest:      ## ingest from source on UDP 20777 (HTTP 9464), frames as proto3 JSON lines on stdout
	node --conditions=racetel-src --import tsx cli/src/main.ts ingest --output stdout
