import ast
import subprocess
import sys
from pathlib import Path

import newmedia_audit.rules


def test_rules_import_neither_collectors_nor_playwright_nor_the_store():
    code = (
        "import sys, newmedia_audit.rules; "
        "bad = [m for m in sys.modules if m.startswith(('playwright', 'newmedia_audit.collect', "
        "'newmedia_audit.store', 'sqlite3'))]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# rules/ stands below the reports: shared helpers live in neutral modules (csvcells.py).
RULES = Path(newmedia_audit.rules.__file__).parent


def _imported(path: Path) -> set[str]:
    """The modules a file imports, relative ones resolved against newmedia_audit.rules."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ["newmedia_audit", "rules"][: max(0, 2 - node.level + 1)] if node.level else []
            names.add(".".join([*base, node.module or ""]).strip("."))
    return names


def test_rules_do_not_import_the_reports() -> None:
    offending = {
        path.name: sorted(name for name in _imported(path) if name.startswith("newmedia_audit.report"))
        for path in RULES.glob("*.py")
    }
    assert {name: found for name, found in offending.items() if found} == {}
