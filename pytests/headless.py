"""Headless Chromium (Debian's chromium, installed by `make browser`) for the picture tests.

A missing browser skips a test on a developer's machine and fails it under CI (env CI set), where
`make test` installs it first. Screenshots go to reports/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image

SCREENSHOTS = Path(__file__).resolve().parent.parent / "reports" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def require(executable: str) -> Path:
    """The path of a browser executable (chromium, chromedriver); skip, or fail under CI, when missing."""
    found = shutil.which(executable) or (f"/usr/bin/{executable}" if Path(f"/usr/bin/{executable}").exists() else None)
    if found is None:
        message = f"{executable} not found: run `make browser` (apt-get install -y chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message + " - CI must install the browser")
        pytest.skip(message)
    return Path(found)


def run_chromium(url: str, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium once on `url` with a new, empty profile."""
    chromium = require("chromium")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        result = subprocess.run(
            [str(chromium), *FLAGS, f"--user-data-dir={profile}", *arguments, url],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
    if result.returncode != 0:
        raise AssertionError(f"chromium failed on {url} ({result.returncode}): {result.stderr[-2000:]}")
    return result


def screenshot(url: str, output: Path, width: int = 1400, height: int = 2400, budget_ms: int = 15000) -> Path:
    """A screenshot of `url` after its scripts ran (virtual time budget), written to `output`."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)
    run_chromium(url, f"--window-size={width},{height}", f"--virtual-time-budget={budget_ms}",
                 f"--screenshot={output}")
    assert output.is_file(), f"chromium wrote no screenshot to {output}"
    return output


def rendered_dom(url: str, width: int = 1400, height: int = 2400, budget_ms: int = 15000) -> str:
    """The DOM of `url` after its scripts ran."""
    return run_chromium(url, f"--window-size={width},{height}", f"--virtual-time-budget={budget_ms}",
                        "--dump-dom").stdout


def non_white_fraction(png: Path, threshold: int = 245) -> float:
    """Share of pixels that are not (near) white: a blank page gives about 0."""
    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return sum(histogram[:threshold]) / (grey.width * grey.height)


def count(pattern: str, text: str) -> int:
    return len(re.findall(pattern, text))
