"""The layers hold: the import contract is kept, and docs/architecture.md draws the one in force."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dailypapers.testing import architecture

pytestmark = pytest.mark.skipif(
    not architecture.CONTRACT_FILE.exists(),
    reason="the import contract (.importlinter) is only in a source checkout",
)


def test_import_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--config", str(architecture.CONTRACT_FILE)],
        cwd=architecture.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_two_apps_import_each_other() -> None:
    edges = architecture.app_edges(architecture.app_imports())
    two_way = sorted(
        f"{app}<->{other}" for app in edges for other in edges[app] if app in edges.get(other, ())
    )
    assert two_way == []


def test_every_cross_app_import_inside_a_function_says_why() -> None:
    unexplained = [
        f"{found.source_file.relative_to(architecture.PACKAGE_DIR)}:{found.line}"
        for found in architecture.app_imports()
        if found.inside_function and not found.has_reason
    ]
    assert unexplained == []


def test_every_app_folder_is_placed_in_a_layer() -> None:
    placed = {app for layer in architecture.declared_layers() for app in layer}
    app_folders = {path.parent.name for path in architecture.PACKAGE_DIR.glob("*/apps.py")}
    assert app_folders - placed == set()


def test_architecture_page_shows_the_layers_in_force() -> None:
    page = architecture.ARCHITECTURE_DOC.read_text(encoding="utf-8")
    assert architecture.generated_diagram() in page, (
        "docs/architecture.md is out of date: paste the output of "
        "python -m dailypapers.testing.architecture between its layer markers"
    )
