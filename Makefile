# The two commands of the README: `make demo` and `make test`. Both set themselves up.
.PHONY: setup demo test lint bench package

setup:
	@packaging/dev/bootstrap.sh

demo: setup
	@packaging/dev/demo.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

test: lint
	.venv/bin/pytest -q -n 2

bench: setup
	.venv/bin/tilldesk bench --consumers 1000000 --payments 1000000

# A one-folder PyInstaller bundle in dist/tilldesk/ (packaging/README.md).
package: setup
	.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/tilldesk.spec
	@du -sh dist/tilldesk
