"""The layout's rules, read from the source: rooms by domain, imports that point down,
one home for the "which office's records" rule."""
import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
BLUEPRINTS = {"admin", "auth", "public", "api"}
DOMAIN = {"web", "directory", "records", "office", "security", "operations", "opendata"}
TEMPLATES = APP.parent / "templates"
ROOT_MODULES = {p.stem for p in APP.glob("*.py")} | {p.name for p in APP.iterdir() if p.is_dir()}


def _imports(path: Path):
    """Yield (line, absolute module, imported names) for each import in `path`."""
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            yield node.lineno, module, [a.name for a in node.names]


def test_few_modules_at_the_top_of_app():
    assert len(list(APP.glob("*.py"))) <= 12


def test_domain_packages_never_import_a_blueprint_or_the_package_root():
    wrong = []
    for room in DOMAIN:
        for path in (APP / room).rglob("*.py"):
            for line, module, names in _imports(path):
                parts = module.split(".")
                if parts[0] != "app":
                    continue
                upward = (len(parts) > 1 and parts[1] in BLUEPRINTS) or (
                    module == "app" and any(n not in ROOT_MODULES or n in BLUEPRINTS
                                            for n in names))
                if upward:
                    wrong.append(f"{path.relative_to(APP.parent)}:{line} imports {module} {names}")
    assert not wrong, "\n".join(wrong)


def test_only_the_access_module_compares_roles():
    """Besides User.can_edit (what a role may do), only records/access.py reads roles."""
    comparison = re.compile(r"\b[a-z_]+\.role\s*(==|!=)|\.role\s+(not\s+)?in\b")
    found = [f"{path.relative_to(APP.parent)}:{n}"
             for path in [*APP.rglob("*.py"), *TEMPLATES.rglob("*.html")]
             if path.name not in ("access.py", "models.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if comparison.search(line)]
    assert not found, found


def test_each_package_says_what_it_owns():
    for room in DOMAIN:
        doc = ast.get_docstring(ast.parse((APP / room / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()) == 1, room


# Where a plain transaction is right: startup work under its own lock, and a savepoint
# inside a write_transaction (it catches one statement's IntegrityError).
PLAIN_TRANSACTIONS = {"db.py", "operations/seed.py", "operations/migrate.py",
                      "records/units.py"}


def test_every_write_a_request_can_start_waits_for_a_busy_database():
    """`database.atomic()` fails after SQLite's busy timeout (5 s) while an import holds
    the write lock; db.write_transaction waits and retries (issue 10)."""
    found = [f"{path.relative_to(APP).as_posix()}:{n}"
             for path in APP.rglob("*.py")
             if path.relative_to(APP).as_posix() not in PLAIN_TRANSACTIONS
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "database.atomic(" in line]
    assert not found, f"use db.write_transaction: {found}"
