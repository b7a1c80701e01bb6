# One command to run the stack (`make up`), one to test it (`make test`). See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST := $(VENV)/bin/pytest
RUFF := $(VENV)/bin/ruff
PYTHON_INSTALLED := $(VENV)/.installed
ROUTER_INSTALLED := router/node_modules/.installed
DEV_ENV := .env.development
# The router and its tools run on the project's Node (scripts/ensure_node.sh installs it into
# .tools/node when the machine's is another major): prefix a command with $(WITH_NODE).
WITH_NODE := PATH="$$($(CURDIR)/scripts/ensure_node.sh):$$PATH"

# The Python found on PATH when python3.11 is not there under that name.
ifeq ($(shell command -v $(PYTHON) 2>/dev/null),)
PYTHON := python3
endif

# The subgraphs and their folders, from subgraphs.toml (one entry per subgraph).
SUBGRAPHS := $(shell $(PYTHON) scripts/subgraphs.py names)
SUBGRAPH_FOLDERS := $(shell $(PYTHON) scripts/subgraphs.py folders)
ifeq ($(SUBGRAPHS),)
$(error could not read subgraphs.toml with $(PYTHON) (Python 3.11 is required))
endif

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(PYTHON_INSTALLED): requirements-dev.txt $(addsuffix /requirements.txt,$(SUBGRAPH_FOLDERS)) subgraph_kit/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "Python 3.11 is required (found $$($(PYTHON) --version))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check --no-deps -e ./subgraph_kit
	touch $@

$(ROUTER_INSTALLED): router/package.json router/package-lock.json
	cd router && $(WITH_NODE) npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: install
install: $(PYTHON_INSTALLED) $(ROUTER_INSTALLED) ## Create the virtualenv and install Python and router dependencies

# The development settings (never the `.env` that docker compose reads).
$(DEV_ENV): | $(PYTHON_INSTALLED)
	$(PY) scripts/dev_env.py $(DEV_ENV)

.PHONY: migrate
migrate: $(PYTHON_INSTALLED) $(DEV_ENV) ## Apply every subgraph's migrations (SQLite files by default)
	for folder in $(SUBGRAPH_FOLDERS); do (cd $$folder && ENV_FILE=../$(DEV_ENV) ../$(PY) manage.py migrate --no-input -v 0); done

.PHONY: schema
schema: install ## Regenerate schema/*.graphql from the code
	$(PY) -m scripts.schema write

.PHONY: schema-check
schema-check: install ## Fail when schema/ differs from the code, composition fails or clients break
	$(PY) -m scripts.schema check

.PHONY: schema-accept
schema-accept: install ## Record the committed schema/api.graphql as the contract clients were given
	$(PY) -m scripts.schema accept

.PHONY: up
up: install $(DEV_ENV) migrate schema ## Run the stack until Ctrl-C (ports: ROUTER_PORT, USERS_PORT, POSTS_PORT)
	$(PY) -m scripts.up

.PHONY: lint
lint: $(PYTHON_INSTALLED) ## ruff lint and format check
	$(RUFF) check .
	$(RUFF) format --check .

.PHONY: format
format: $(PYTHON_INSTALLED) ## ruff fix and format
	$(RUFF) check --fix .
	$(RUFF) format .

.PHONY: test-kit
test-kit: $(PYTHON_INSTALLED)
	cd subgraph_kit && ../$(PYTEST) -q

# test-users, test-posts, ...: one subgraph's own suite.
define subgraph_test_target
.PHONY: test-$(1)
test-$(1): $$(PYTHON_INSTALLED)
	cd $(2) && ../$$(PYTEST) -q
endef
$(foreach index,$(shell seq $(words $(SUBGRAPHS))),$(eval $(call subgraph_test_target,$(word $(index),$(SUBGRAPHS)),$(word $(index),$(SUBGRAPH_FOLDERS)))))

.PHONY: test-router
test-router: $(ROUTER_INSTALLED) ## The router's modules and plugins (router/**/*.test.ts) with node --test, no stack
	cd router && $(WITH_NODE) npm test --silent

.PHONY: test-e2e
test-e2e: install ## The whole stack through the router, as real processes over HTTP
	$(PYTEST) -q tests/e2e tests/account_deletion tests/schema_contract tests/observability tests/development

.PHONY: test-hardening
test-hardening: install ## Router limits, CSRF, fuzzing, hostile input, races and faults on the real stack
	$(PYTEST) -q tests/hardening

.PHONY: test-deploy
test-deploy: install ## compose.yaml and the Dockerfiles, checked and replayed without Docker
	$(PYTEST) -q tests/deploy

# compose.yaml for real (root): starts a Docker engine when none answers (scripts/docker_engine.sh),
# provides the base images (scripts/build_base_images.sh), builds the images, runs the stack and
# checks it through the router, then removes all it created. -s: each step prints as it ends.
.PHONY: test-compose
test-compose: $(PYTHON_INSTALLED) ## compose.yaml run for real in Docker, checked through the router (root)
	$(PYTEST) -q -s tests/compose

# The fuzzing test at length: FUZZ_EXAMPLES operations per root field, generation mode and caller
# (a few thousand in all). The report is printed; FUZZ_REPORT=path also writes it to a file.
FUZZ_EXAMPLES ?= 40
FUZZ_REPORT ?=

.PHONY: fuzz-long
fuzz-long: install ## Fuzz the router and both subgraphs (schemathesis) with a few thousand operations
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_REPORT=$(FUZZ_REPORT) $(PYTEST) -q tests/hardening/test_fuzz.py

# Benchmark (bench/): make bench [USERS=1000 POSTS=20000 DURATION=10 ROUNDS=3 WORKERS=2]
# [BENCH_ARGS="--quick --profile ..."]; `.venv/bin/python -m bench --help` lists every option.
BENCH_INSTALLED := $(VENV)/.bench-installed

$(BENCH_INSTALLED): bench/requirements.txt | $(PYTHON_INSTALLED)
	$(PIP) install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

.PHONY: bench
bench: install $(BENCH_INSTALLED) ## Benchmark the stack against a Django monolith (results in bench/results/)
	@apt_get="apt-get"; [ "$$(id -u)" = 0 ] || apt_get="sudo apt-get"; \
	missing=""; command -v wrk >/dev/null || missing="wrk"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; $$apt_get update -qq && $$apt_get install -y -qq $$missing; \
	fi
	$(PY) -m bench $(if $(USERS),--users $(USERS)) $(if $(POSTS),--posts $(POSTS)) \
	  $(if $(DURATION),--duration $(DURATION)) $(if $(ROUNDS),--rounds $(ROUNDS)) \
	  $(if $(WORKERS),--workers $(WORKERS)) $(BENCH_ARGS)

CLIENTS_INSTALLED := tests/clients/node_modules/.installed

$(CLIENTS_INSTALLED): tests/clients/package.json tests/clients/package-lock.json
	cd tests/clients && npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: test-clients
test-clients: install $(CLIENTS_INSTALLED) ## Real client libraries (Apollo, urql, graphql-request, gql, curl) through the router
	$(PYTEST) -q tests/clients

WEB_INSTALLED := examples/web/node_modules/.installed

$(WEB_INSTALLED): examples/web/package.json examples/web/package-lock.json
	cd examples/web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: test-web-types
test-web-types: $(WEB_INSTALLED) ## Type-check the web client against schema/api.graphql (codegen + tsc)
	cd examples/web && npm run --silent typecheck

.PHONY: test-browser
test-browser: install $(WEB_INSTALLED) ## GraphiQL and the web client (examples/web) in headless Chromium
	scripts/ensure_chromium.sh
	$(PYTEST) -q tests/browser

.PHONY: screenshots
screenshots: install ## Retake docs/graphiql.png (GraphiQL showing a federated query's result)
	scripts/ensure_chromium.sh
	UPDATE_DOCS_SCREENSHOT=1 $(PYTEST) -q tests/browser/test_graphiql.py

.PHONY: test
test: install lint test-kit $(addprefix test-,$(SUBGRAPHS)) test-router schema-check test-web-types test-e2e test-clients test-hardening test-deploy test-browser ## Run every test (PostgreSQL when DATABASE_URL is set)
