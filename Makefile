# Two commands for a newcomer: `make run` and `make test`. Both install what they need.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PYTHON  ?= python3
HOST    ?= 127.0.0.1
PORT    ?= 8000
WORKERS ?= 1

.PHONY: run test lint browser-deps clean

$(STAMP):
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

## run: the service on SQLite + local index under var/, migrated and seeded
run: $(STAMP) browser-deps  # fonts and graphviz: the standard's PDF and concept diagrams
	$(BIN)/sfreg db upgrade
	$(BIN)/sfreg db seed --samples
	$(BIN)/sfreg serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

## test: the whole suite, on SQLite and on PostgreSQL (127.0.0.1:5432), browser tests included
test: $(STAMP) browser-deps
	$(BIN)/pytest -n 2 --dist loadgroup --durations=20

browser-deps:
	@{ command -v chromium >/dev/null 2>&1 && command -v dot >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 \
	   && fc-list 2>/dev/null | grep -qi "noto.*cjk"; } || { \
	  echo "installing Debian chromium, CJK fonts, graphviz and poppler-utils (browser tests, PDF and diagrams)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
	     graphviz poppler-utils) >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf var
