"""The lower layers never import Qt: checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys


def test_domain_data_and_services_import_without_qt() -> None:
    code = (
        "import sys\n"
        "import explorer.domain.models, explorer.kb.validate, explorer.store.kb_reader\n"
        "import explorer.services.knowledge, explorer.cli, explorer.cli.commands\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6', 'pyqtgraph'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_package_init_stays_empty_for_fast_start() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import explorer"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = [line.split("|")[-1].strip() for line in result.stderr.splitlines()[1:]]
    assert not [m for m in imported if m.startswith(("sqlalchemy", "PySide6", "pydantic"))]


def test_window_module_imports_nothing_heavy_before_the_first_paint() -> None:
    """The shell must paint before SQLAlchemy, pydantic and pyqtgraph are imported."""
    code = (
        "import sys\n"
        "import explorer.ui.window.app\n"
        "heavy = {'sqlalchemy', 'pydantic', 'pyqtgraph', 'alembic', 'numpy'}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == ""


def test_report_layer_loads_no_widgets_pyqtgraph_or_numpy() -> None:
    """The report (and so the headless export) paints with QtGui only."""
    code = (
        "import sys\n"
        "import explorer.report.build, explorer.report.print_charts\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'pyqtgraph', 'numpy'}"
        " or m.startswith(('PySide6.QtWidgets', 'explorer.ui')))\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_only_the_backend_branches_on_the_engine() -> None:
    """Nothing outside explorer/store/backend/ asks which engine it runs on (the import
    contract "Only the backend knows the engines" keeps the engine parts and the driver
    inside it; this keeps the questions there too)."""
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "explorer"
    backend = package / "store" / "backend"
    asks = re.compile(r"\.dialect\b|\bdialect\.name\b|drivername|[\"']postgresql[\"']")
    found = [
        f"{path.relative_to(package)}:{number}: {line.strip()}"
        for path in sorted(package.rglob("*.py"))
        if backend not in path.parents
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if asks.search(line.split("#", 1)[0])
    ]
    assert found == []
