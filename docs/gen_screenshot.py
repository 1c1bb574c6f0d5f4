"""Take docs/page.png, the screenshot of the shipped list's page (`lcllm export --html`) the README shows.

Run by hand after the page's look changed: `.venv/bin/python docs/gen_screenshot.py`. Needs Debian's chromium and
chromedriver (both named by path: no driver manager runs) and selenium, as the browser tests do; the browser's
background networking is off and every host name resolves to nothing, so nothing leaves the machine.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from tests.exporters import test_html

    from lcllm_cli import keys, store
    from lcllm_cli.exporters.html import render

    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        raise SystemExit("needs chromium and chromedriver (apt-get install chromium chromium-driver)")
    lib = store.load(ROOT / "entries.toml")
    keys.assign_keys(lib)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "index.html"
        page.write_text(render(lib, lib.entries), encoding="utf-8")
        driver = test_html._driver(size="1100,1000")
        try:
            driver.get(page.as_uri())
            driver.find_element("id", "q").send_keys("context")
            driver.save_screenshot(str(ROOT / "docs" / "page.png"))
        finally:
            driver.quit()
    print(f"wrote {ROOT / 'docs' / 'page.png'}")


if __name__ == "__main__":
    main()
