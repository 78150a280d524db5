"""
The code's layout holds: imports go one way (models, then services and selectors, then the API and the admin), and
no module outside migrations grows past what one can read in a sitting.
"""

import ast

import pytest

from . import ROOT

RECORDS = ROOT / "heritage" / "records"
MAX_LINES = 500
# Each layer may import from the layers before it, never from those after it.
LAYERS = [
    ("models", ["models"]),
    ("services and selectors", ["services", "selectors"]),
    ("api and admin", ["api", "admin"]),
]


def records_imports(path):
    """The heritage.records modules `path` imports, as dotted names relative to heritage.records."""
    package = path.relative_to(RECORDS).with_suffix("").parts[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1]) if node.level > 1 else list(package)
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.startswith("heritage.records"):
                target = node.module.split(".")[2:]
            else:
                continue
            names.append(".".join(target))
    return names


def layer_of(dotted):
    top = dotted.split(".")[0]
    for index, (_, packages) in enumerate(LAYERS):
        if top in packages:
            return index
    return None


@pytest.mark.parametrize("path", sorted(RECORDS.rglob("*.py")), ids=lambda p: str(p.relative_to(RECORDS)))
def test_imports_go_one_way(path):
    own = layer_of(".".join(path.relative_to(RECORDS).parts))
    if own is None:
        return
    for imported in records_imports(path):
        theirs = layer_of(imported)
        assert theirs is None or theirs <= own, f"{path.relative_to(ROOT)} ({LAYERS[own][0]}) imports {imported}"


def python_modules():
    """The project's Python modules: the app, its tests, its benchmarks, the fixtures' maker and manage.py (not
    virtualenvs, nor the files that runs leave)."""
    for folder in ("heritage", "tests", "bench", "fixtures"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if not any(part.startswith(".") for part in path.relative_to(ROOT).parts):
                yield path
    yield from sorted(ROOT.glob("*.py"))


def test_no_module_is_too_long():
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in python_modules()
        if "migrations" not in path.parts and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert len(list(python_modules())) > 250  # the folders are there: the check read the project
    assert not long
