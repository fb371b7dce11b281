# The two commands of the README: `make demo` and `make test`. Both set themselves up.
.PHONY: setup demo test lint bench

DEMO_DB ?= $(CURDIR)/out/demo.sqlite

setup:
	@packaging/dev/bootstrap.sh

demo: setup
	@mkdir -p out
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	.venv/bin/tilldesk demo --db $(DEMO_DB)
	.venv/bin/tilldesk kpis --db $(DEMO_DB)
	.venv/bin/tilldesk payments list --db $(DEMO_DB) --limit 10

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

test: lint
	.venv/bin/pytest -q

bench: setup
	.venv/bin/tilldesk bench --consumers 1000000 --payments 1000000
