"""Log in to a local Superset through its login form in headless Chromium and screenshot a dashboard.

Runs with the Superset venv's Python (it has selenium) and Debian's chromium + chromium-driver:

    .venv-superset/bin/python superset/screenshot.py --url http://127.0.0.1:8088 --dashboard 1 \
        --user admin --password admin --output reports/screenshots/superset_dashboard.png

Prints one JSON object: per chart on the dashboard its title and whether it drew a canvas/SVG, showed
Superset's "no results" empty state or an error. Exits non-zero when the login or the dashboard fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--disable-dev-shm-usage"]

# Each chart holder's state, read in the page once nothing is loading any more. A plot draws a canvas or an SVG; a
# table chart draws rows.
CHART_STATES_JS = """
return Array.from(document.querySelectorAll('.dashboard-component-chart-holder')).map(holder => ({
  title: (holder.querySelector('[data-test="editable-title"], .header-title') || {}).textContent || '',
  loading: holder.querySelector('.loading, [data-test="loading-indicator"]') !== null,
  drawn: holder.querySelectorAll('canvas, .echarts-for-react svg, svg.main-svg, table tbody tr').length,
  empty: /No results/i.test(holder.textContent),
  error: holder.querySelector('.alert-danger, [role="alert"], .ant-alert-error') !== null,
}));
"""

# The bottom of the last chart holder: the dashboard scrolls inside its own container, not the body.
PAGE_HEIGHT_JS = """
const holders = Array.from(document.querySelectorAll('.dashboard-component-chart-holder'));
return Math.ceil(Math.max(document.documentElement.clientHeight,
  ...holders.map(h => h.getBoundingClientRect().bottom + window.scrollY + 80)));
"""
WINDOW = (1400, 1300)


def chart_states(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    return list(driver.execute_script(CHART_STATES_JS))


def settled(states: list[dict[str, Any]], expected: int) -> bool:
    return len(states) >= expected and all(not s["loading"] and (s["drawn"] or s["empty"] or s["error"])
                                           for s in states)


def screenshot(url: str, dashboard: str, user: str, password: str, output: Path, expected_charts: int,
               timeout: float, chromium: str, chromedriver: str) -> dict[str, Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
        try:
            wait = WebDriverWait(driver, timeout)
            driver.get(f"{url}/login/")
            wait.until(expected_conditions.presence_of_element_located((By.ID, "username"))).send_keys(user)
            driver.find_element(By.ID, "password").send_keys(password)
            driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            wait.until(lambda d: "/login" not in d.current_url)
            driver.get(f"{url}/superset/dashboard/{dashboard}/")
            try:
                wait.until(lambda d: settled(chart_states(d), expected_charts))
            except TimeoutException:
                pass  # report what is there; the caller's assertions say what is missing
            height = int(driver.execute_script(PAGE_HEIGHT_JS))
            if height > WINDOW[1]:  # grow the window so the screenshot holds the whole dashboard
                driver.set_window_size(WINDOW[0], min(height + 100, 8000))
            time.sleep(1.5)  # let ECharts finish its entry animation (and redraw after a resize)
            output.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(output))
            return {"url": driver.current_url, "title": driver.title, "page_height": height,
                    "charts": chart_states(driver)}
        finally:
            driver.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="Superset base URL (loopback)")
    parser.add_argument("--dashboard", required=True, help="dashboard id or slug")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument("--expected-charts", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=90)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    arguments = parser.parse_args(argv)
    result = screenshot(arguments.url, arguments.dashboard, arguments.user, arguments.password, arguments.output,
                        arguments.expected_charts, arguments.timeout, arguments.chromium, arguments.chromedriver)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
