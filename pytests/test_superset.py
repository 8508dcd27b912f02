"""Apache Superset over the published warehouse, driven through its REST API.

The module starts Superset itself (superset/serve.sh: gunicorn on 127.0.0.1, a free port) with a
throw-away copy of the metadata database that `make superset` bootstrapped, and stops it at the end.
It runs a SQL Lab query on a mart, creates the alignment-timeline and trade-partner charts on a
dashboard, and screenshots the dashboard in headless Chromium after logging in through the form:
reports/screenshots/superset_dashboard.png (git-ignored).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests

from conftest import ROOT
from headless import SCREENSHOTS, non_white_fraction, require

VENV = ROOT / ".venv-superset"
BOOTSTRAPPED = ROOT / "superset" / "var"
ADMIN = (os.environ.get("SUPERSET_ADMIN_USER", "admin"), os.environ.get("SUPERSET_ADMIN_PASSWORD", "admin"))
START_TIMEOUT = 180.0

# An attested-only spell (no stated start) is its own series, "<status> (attested only, known from)", drawn from
# its first attestation: Superset's Gantt cannot hatch a bar, so it gets its own colour and legend entry.
SPELLS_SQL = (
    "select coalesce(c.country_name, s.country_iso3) || ' · ' || s.org_code as lane, "
    "s.status || case when s.start_basis = 'first_attested' then ' (attested only, known from)' else '' end "
    "as status, coalesce(s.valid_from, s.first_attested_on) as valid_from, "
    "coalesce(s.valid_to, date '2025-12-31') as valid_to "
    "from marts.fct_membership_spell as s left join marts.dim_country as c on c.iso3 = s.country_iso3"
)
TRADE_DATASET_SQL = (ROOT / "superset" / "datasets" / "trade_by_partner.sql").read_text(encoding="utf-8")
TIES_DATASET_SQL = (ROOT / "superset" / "datasets" / "security_ties.sql").read_text(encoding="utf-8")
TIES_COLUMNS = ["country_pair", "tie_kind", "from_country_name", "to_country_name", "year_number", "tie_basis",
                "evidence_count", "latest_doc_id"]
TIMELINE_SQL = ("select status_at_year_end, count(*) as years from marts.mart_alignment_timeline "
                "group by status_at_year_end order by status_at_year_end")


@dataclass(frozen=True)
class Api:
    """A logged-in REST session (JWT bearer plus the CSRF token Superset wants on writes)."""

    base: str
    session: requests.Session

    @classmethod
    def login(cls, base: str) -> Api:
        session = requests.Session()
        response = session.post(f"{base}/api/v1/security/login", timeout=30,
                                json={"username": ADMIN[0], "password": ADMIN[1], "provider": "db", "refresh": False})
        assert response.ok, f"login as {ADMIN[0]} failed ({response.status_code}): {response.text[:500]}"
        session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        api = cls(base, session)
        session.headers["X-CSRFToken"] = api.call("GET", "/api/v1/security/csrf_token/")["result"]
        session.headers["Referer"] = base
        return api

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.session.request(method, f"{self.base}{path}", json=body, timeout=120)
        assert response.ok, f"{method} {path} -> {response.status_code}: {response.text[:1000]}"
        return response.json()


@dataclass(frozen=True)
class Server:
    base: str
    log: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"Superset exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/health", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or the worker is still loading the app
        time.sleep(1)
    raise AssertionError(f"Superset not healthy after {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, published_warehouse: Path) -> Iterator[Server]:
    if not (VENV / "bin" / "gunicorn").exists() or not (BOOTSTRAPPED / "superset.db").exists():
        message = f"Superset is not installed and bootstrapped ({VENV}, {BOOTSTRAPPED}): run `make superset`"
        if os.environ.get("CI"):
            pytest.fail(message + " - `make test` must install it")
        pytest.skip(message)
    home = tmp_path_factory.mktemp("superset-home")
    for name in ("superset.db", "secret_key"):
        shutil.copy2(BOOTSTRAPPED / name, home / name)
    base, log = f"http://127.0.0.1:{free_port()}", home / "server.log"
    environment = {**os.environ, "SUPERSET_HOME": str(home), "SUPERSET_PORT": base.rsplit(":", 1)[1]}
    with log.open("wb") as output:
        process = subprocess.Popen(["bash", str(ROOT / "superset" / "serve.sh")], cwd=ROOT, env=environment,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(base, process, log)
        yield Server(base, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def api(server: Server) -> Api:
    return Api.login(server.base)


@pytest.fixture(scope="module")
def database_id(api: Api, published_warehouse: Path) -> int:
    """The registered warehouse, pointed at this checkout's published file (read-only) if it moved."""
    found = [d for d in api.call("GET", "/api/v1/database/")["result"] if d["database_name"] == "security_ties"]
    assert found, "the bootstrap did not register the database security_ties"
    database = found[0]["id"]
    expected = f"duckdb:///{published_warehouse.resolve()}?access_mode=read_only"
    if api.call("GET", f"/api/v1/database/{database}/connection")["result"]["sqlalchemy_uri"] != expected:
        api.call("PUT", f"/api/v1/database/{database}", {"sqlalchemy_uri": expected})
    return int(database)


def warehouse_rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql(sql).fetchall()


def test_warehouse_is_registered_read_only_through_duckdb_engine(api: Api, database_id: int) -> None:
    connection = api.call("GET", f"/api/v1/database/{database_id}/connection")["result"]
    assert connection["backend"] == "duckdb"
    assert connection["sqlalchemy_uri"].startswith("duckdb:////")
    assert connection["sqlalchemy_uri"].endswith("?access_mode=read_only")


def test_sql_lab_query_on_alignment_mart(api: Api, database_id: int, published_warehouse: Path) -> None:
    result = api.call("POST", "/api/v1/sqllab/execute/",
                      {"database_id": database_id, "schema": "marts", "sql": TIMELINE_SQL, "runAsync": False})
    assert result["status"] == "success", result
    assert [c["column_name"] for c in result["columns"]] == ["status_at_year_end", "years"]
    rows = [(row["status_at_year_end"], row["years"]) for row in result["data"]]
    assert rows == warehouse_rows(published_warehouse, TIMELINE_SQL)

    organisations = api.call("POST", "/api/v1/sqllab/execute/", {
        "database_id": database_id, "schema": "marts", "runAsync": False,
        "sql": "select count(*) as n from marts.dim_organization"})
    assert organisations["data"][0]["n"] == warehouse_rows(published_warehouse,
                                                           "select count(*) from marts.dim_organization")[0][0] > 0


def create_dataset(api: Api, database_id: int, name: str, sql: str | None = None) -> int:
    body: dict[str, Any] = {"database": database_id, "schema": "marts", "table_name": name}
    if sql:
        body["sql"] = sql
    return int(api.call("POST", "/api/v1/dataset/", body)["id"])


def create_chart(api: Api, name: str, dataset: int, form_data: dict[str, Any], query: dict[str, Any],
                 dashboard: int) -> int:
    form_data = {**form_data, "datasource": f"{dataset}__table"}
    query_context = {"datasource": {"id": dataset, "type": "table"}, "force": True, "form_data": form_data,
                     "queries": [{"filters": [], "extras": {}, "row_limit": 10000, **query}],
                     "result_format": "json", "result_type": "full"}
    return int(api.call("POST", "/api/v1/chart/", {
        "slice_name": name, "viz_type": form_data["viz_type"], "datasource_id": dataset, "datasource_type": "table",
        "params": json.dumps(form_data), "query_context": json.dumps(query_context), "dashboards": [dashboard],
    })["id"])


def dashboard_layout(title: str, charts: list[tuple[int, str, int]]) -> dict[str, Any]:
    """position_json: one full-width row per chart (id, name, height in 8-pixel grid units)."""
    layout: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": title}},
    }
    for chart_id, name, height in charts:
        row, chart = f"ROW-{chart_id}", f"CHART-{chart_id}"
        layout["GRID_ID"]["children"].append(row)
        layout[row] = {"type": "ROW", "id": row, "children": [chart], "parents": ["ROOT_ID", "GRID_ID"],
                       "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        layout[chart] = {"type": "CHART", "id": chart, "children": [], "parents": ["ROOT_ID", "GRID_ID", row],
                         "meta": {"chartId": chart_id, "width": 12, "height": height, "sliceName": name}}
    return layout


def test_dashboard_with_alignment_and_trade_charts(api: Api, server: Server, database_id: int,
                                                   published_warehouse: Path) -> None:
    title = "Armenia's security ties"
    dashboard = int(api.call("POST", "/api/v1/dashboard/", {"dashboard_title": title, "published": True})["id"])
    spells = create_dataset(api, database_id, "membership_spells_gantt", SPELLS_SQL)
    trade = create_dataset(api, database_id, "trade_by_partner", TRADE_DATASET_SQL)
    ties = create_dataset(api, database_id, "security_ties", TIES_DATASET_SQL)
    value = {"expressionType": "SIMPLE", "column": {"column_name": "value_musd"}, "aggregate": "MAX",
             "label": "value, million USD"}
    charts = {
        "Alignment timeline (membership spells)": create_chart(
            api, "Alignment timeline (membership spells)", spells,
            {"viz_type": "gantt_chart", "start_time": "valid_from", "end_time": "valid_to", "y_axis": "lane",
             "series": "status", "tooltip_columns": [], "tooltip_metrics": [], "order_by_cols": ['["lane", true]'],
             "adhoc_filters": [], "row_limit": 10000, "show_legend": True, "y_axis_title_margin": 150},
            {"columns": ["valid_from", "valid_to", "lane", "status"], "metrics": [], "series_columns": ["status"],
             "orderby": [["lane", True]]},
            dashboard),
        "Trade by partner and year": create_chart(
            api, "Trade by partner and year", trade,
            {"viz_type": "echarts_timeseries_bar", "x_axis": "trade_year", "metrics": [value],
             "groupby": ["series", "flow"], "adhoc_filters": [], "row_limit": 10000, "show_legend": True,
             "orientation": "vertical", "x_axis_sort_asc": True, "y_axis_format": "SMART_NUMBER",
             "logAxis": True, "minorSplitLine": True, "x_axis_title": "year", "x_axis_title_margin": 30,
             "y_axis_title": "million USD (log scale)", "y_axis_title_margin": 50},
            {"columns": ["trade_year", "series", "flow"], "metrics": [value]},
            dashboard),
        "Security ties by pair, kind and year": create_chart(
            api, "Security ties by pair, kind and year", ties,
            {"viz_type": "table", "query_mode": "raw", "all_columns": TIES_COLUMNS, "adhoc_filters": [],
             "row_limit": 10000, "order_by_cols": ['["country_pair", true]', '["tie_kind", true]',
                                                   '["year_number", true]']},
            {"columns": TIES_COLUMNS, "metrics": [], "orderby": [["country_pair", True], ["tie_kind", True],
                                                                 ["year_number", True]]},
            dashboard),
    }
    lanes = warehouse_rows(published_warehouse, "select count(distinct (country_iso3, org_code)) "
                                                 "from marts.fct_membership_spell")[0][0]
    heights = {"Alignment timeline (membership spells)": max(56, 16 + 3 * lanes), "Trade by partner and year": 56,
               "Security ties by pair, kind and year": 80}
    api.call("PUT", f"/api/v1/dashboard/{dashboard}", {
        "position_json": json.dumps(dashboard_layout(title, [(i, n, heights[n]) for n, i in charts.items()]))})

    expected_rows = {
        "Alignment timeline (membership spells)": warehouse_rows(
            published_warehouse, "select count(*) from marts.fct_membership_spell")[0][0],
        "Trade by partner and year": warehouse_rows(
            published_warehouse,
            f"select count(*) from (select distinct trade_year, series, flow from ({TRADE_DATASET_SQL}))")[0][0],
        "Security ties by pair, kind and year": warehouse_rows(
            published_warehouse, "select count(*) from marts.mart_security_ties")[0][0],
    }
    for name, chart in charts.items():
        data = api.call("GET", f"/api/v1/chart/{chart}/data/")["result"][0]
        assert data["status"] == "success" and data["rowcount"] == expected_rows[name], (name, data)
    assert {c["slice_name"] for c in api.call("GET", f"/api/v1/dashboard/{dashboard}/charts")["result"]} == set(charts)

    png = SCREENSHOTS / "superset_dashboard.png"
    png.unlink(missing_ok=True)
    shot = subprocess.run(
        [str(VENV / "bin" / "python"), str(ROOT / "superset" / "screenshot.py"), "--url", server.base,
         "--dashboard", str(dashboard), "--user", ADMIN[0], "--password", ADMIN[1], "--output", str(png),
         "--expected-charts", str(len(charts)), "--chromium", str(require("chromium")),
         "--chromedriver", str(require("chromedriver"))],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert shot.returncode == 0, f"dashboard screenshot failed: {shot.stderr[-3000:]}"
    page = json.loads(shot.stdout.strip().splitlines()[-1])
    assert f"/superset/dashboard/{dashboard}/" in page["url"], f"not on the dashboard (login failed?): {page}"
    rendered = {state["title"].strip(): state for state in page["charts"]}
    assert rendered.keys() == charts.keys(), page
    for name, state in rendered.items():
        assert not state["error"] and not state["loading"], (name, state)
        if expected_rows[name]:
            assert state["drawn"] > 0 and not state["empty"], f"{name}: {expected_rows[name]} rows but no chart drawn"
        else:
            assert state["empty"], f"{name}: an empty mart should show Superset's 'No results'"
    # drawn charts colour a good part of the page; Superset's empty states only a little (measured: 17 % and 2.7 %)
    minimum = 0.05 if any(expected_rows.values()) else 0.015
    assert non_white_fraction(png) > minimum, f"{png} is (nearly) blank"
