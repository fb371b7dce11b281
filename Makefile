# The two commands of the README: `make demo` and `make test`. Both set themselves up.
.PHONY: setup demo test lint bench package bundle

setup:
	@packaging/dev/bootstrap.sh

demo: setup
	@packaging/dev/demo.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/mypy

# The suite on 2 workers and, beside it, the bundle built once and run from dist/ (tests/packaging).
test: lint
	@packaging/test_suite_and_bundle.sh

bench: setup
	.venv/bin/tilldesk bench --consumers 1000000 --payments 1000000

# A one-folder PyInstaller bundle in dist/tilldesk/ (packaging/README.md).
package: setup bundle

# The bundle alone, in the environment `make setup` made (what `make test` builds).
bundle:
	.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/tilldesk.spec
	@du -sh dist/tilldesk
