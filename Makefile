# taxonn: every target does its own setup (Debian tools via apt when run as root, npm packages).
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPX := npx --no-install

.PHONY: help setup tools demo test typecheck lint unit bench bindings clean

help:
	@echo "make demo   - generate the TaxoNN blocks into rtl-out/ and check them against the golden model"
	@echo "make test   - type check, lint (format and rules) and run the whole test suite"
	@echo "make bench  - run the benchmarks (numbers go to BENCHMARKS.md by hand, with the command)"
	@echo "make setup  - install the Debian tools and npm packages the project needs"

setup: tools node_modules/.installed dist/.build-stamp

tools:
	@bash scripts/setup-tools.sh

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The compiled library and CLI (what the package ships; bin/taxonn.mjs runs it while it is newer
# than the sources, and the sources through tsx otherwise).
dist/.build-stamp: node_modules/.installed tsconfig.json tsconfig.build.json scripts/build.mjs $(shell find src generators -type f)
	npm run --silent build

demo: setup
	$(NPX) taxonn demo

typecheck: setup
	$(NPX) tsc --noEmit -p .

unit: setup
	$(NPX) vitest run

lint: setup
	npm run --silent lint

test: typecheck lint unit

bench: setup
	$(NPX) tsx bench/run.ts

bindings: setup
	$(NPX) taxonn bindings

clean:
	rm -rf .cache dist rtl-out/*.v
