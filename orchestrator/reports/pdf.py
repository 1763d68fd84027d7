"""HTML to PDF through headless Chromium (Debian's), the same engine that renders the pages: the PDF looks like
the HTML, Chinese fonts included. The browser is a seam: its path is an argument."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


class PdfError(Exception):
    pass


def find_browser() -> str | None:
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


def print_pdf(html: str, browser: str | None = None, timeout: float = 120) -> bytes:
    exe = browser or find_browser()
    if exe is None:
        raise PdfError("没有找到 Chromium，无法生成 PDF / Chromium not found: cannot print the PDF")
    with tempfile.TemporaryDirectory(prefix="govmig-pdf-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        argv = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium 超时 timed out after {timeout:.0f}s") from None
        if not out.is_file() or out.stat().st_size == 0:
            raise PdfError("Chromium 没有生成 PDF / Chromium wrote no PDF")
        return out.read_bytes()
