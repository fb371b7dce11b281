"""Fixtures of the packaging tests: a .deb built around a stub bundle (seconds, not minutes)."""

from pathlib import Path

import pytest

from tests.support.packaging import build_deb


@pytest.fixture(scope="module")
def stub_deb(tmp_path_factory) -> Path:
    """The .deb exactly as build_deb.sh makes it, around a one-file stand-in for the bundle."""
    base = tmp_path_factory.mktemp("deb")
    bundle = base / "tilldesk"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "VERSION").write_text("v0.1-3-gabc1234-dirty\n")
    binary = bundle / "tilldesk"
    binary.write_text("#!/bin/sh\necho 'tilldesk stub'\n")
    binary.chmod(0o755)
    return build_deb(bundle, base / "out")
