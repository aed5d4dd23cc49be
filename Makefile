# Kutsu: `make run` to try it, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint format bench install clean-instance translations

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

instance/config.py: | $(STAMP)
	$(FLASK) init-config

run: $(STAMP) instance/config.py
	$(FLASK) translations compile
	$(FLASK) db upgrade
	$(FLASK) demo load
	@# Last before the servers start, so it is not lost among the lines above; and as it is
	@# now (a demo password changed since is not printed).
	@$(FLASK) demo sign-in --url http://127.0.0.1:5000
	@# Ctrl+C reaches the web server; the catcher and the worker, started in the background,
	@# ignore it, so the trap stops them (resetting itself first, or kill would re-enter it).
	@trap 'trap - INT TERM EXIT; kill $$catcher $$worker 2>/dev/null; wait' INT TERM EXIT; \
	$(FLASK) mail catch --port 1025 & catcher=$$!; \
	$(FLASK) mail work & worker=$$!; \
	$(FLASK) run --debug --host 127.0.0.1 --port 5000

# Two processes (pytest-xdist): the real-server tests wait on servers and mail, not the CPU;
# a third made a run on two cores slower, not faster (the CPU is the limit). PYTEST_WORKERS=0
# runs everything in one process. A file's tests run in one process (--dist loadfile): each
# accessibility file's checks count the walks of their own process.
# (loadgroup would be finer, but pytest 9.2 stopped it grouping: pytest-xdist issue 1386.)
# Files are handed out heaviest first (tests/file_weights.py, by the seconds in
# tests/file_weights.json; a new file by its number of tests), so that a long journey file
# does not start last and keep one process busy while the other waits. After adding or
# growing files, refresh the table: make test PYTEST_ARGS=--record-weights.
PYTEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# About 10 minutes, on 127.0.0.1 only; the report goes to bench-results/latest.md.
# BENCH_ARGS="--no-postgres" without PostgreSQL, "--quick" to try it out.
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench needs wrk (Debian: apt-get install wrk)"; exit 1; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# After changing user-visible text: new messages into the catalogues, to be translated.
translations: $(STAMP)
	$(FLASK) translations update

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
