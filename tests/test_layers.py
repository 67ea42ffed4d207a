"""The architecture's layering (pyproject's [tool.importlinter]) holds: a lower layer never imports a
higher one (e.g. agent → services, storage → agent, anything → api)."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_lower_layers_never_import_higher_ones(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_routes_never_commit() -> None:
    """Transactions belong to services: the edge layer neither commits nor rolls back."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "api").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".commit()" in line or ".rollback()" in line
    ]
    assert offenders == []
