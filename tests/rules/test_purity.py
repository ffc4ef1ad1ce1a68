import subprocess
import sys


def test_rules_import_neither_collectors_nor_playwright_nor_the_store():
    code = (
        "import sys, newmedia_audit.rules; "
        "bad = [m for m in sys.modules if m.startswith(('playwright', 'newmedia_audit.collect', "
        "'newmedia_audit.store', 'sqlite3'))]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
