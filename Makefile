# The two commands of the README: `make demo` and `make test`. Both set themselves up.
.PHONY: setup demo test lint bench

setup:
	@packaging/dev/bootstrap.sh

demo: setup
	@packaging/dev/demo.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

# A rare segfault inside Qt while a UI test worker tears down (under investigation, see the
# issue notes) would fail the whole run: the tests that failed are run once more, on their own.
test: lint
	.venv/bin/pytest -q -n 2 || .venv/bin/pytest -q --last-failed --last-failed-no-failures none

bench: setup
	.venv/bin/tilldesk bench --consumers 1000000 --payments 1000000
