"""Migrations are history: they must not import application code, which changes after them."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = {path.parent.parent.name for path in ROOT.glob("*/migrations/__init__.py")}

# No exception: the User manager is kept out of migrations (use_in_migrations = False).
ALLOWED: set[tuple[str, str]] = set()


def imported_modules(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "import_module"
            and isinstance(node.args[0], ast.Constant)
        ):
            modules.append(node.args[0].value)
    return modules


def test_no_migration_imports_application_code():
    offenders = []
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        name = path.relative_to(ROOT).as_posix()
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] not in PROJECT_APPS or (len(parts) > 1 and parts[1] == "migrations"):
                continue
            if (name, module) not in ALLOWED:
                offenders.append(f"{name} imports {module}")
    assert PROJECT_APPS >= {"portal", "inventory", "contracts"}
    assert offenders == []
