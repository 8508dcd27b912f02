"""The static HTML report: written from the published warehouse, opened offline in headless Chromium.

The screenshot lands in reports/screenshots/report.png (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import ROOT, run_cli
from headless import SCREENSHOTS, count, non_white_fraction, rendered_dom, screenshot
from security_ties.project import Project
from security_ties.report import TIMELINE_END, TIMELINE_START, charts, write_report

CHARTS = ("alignment", "trade", "arms", "ties")


def sections(dom: str) -> dict[str, str]:
    """Each chart section's rendered HTML, by its id."""
    parts = re.split(r'<section class="chart" id="', dom)[1:]
    return {part.split('"', 1)[0]: part.split("</section>", 1)[0] for part in parts}


def attribute(section: str, name: str) -> int:
    match = re.search(rf'{name}="(\d+)"', section)
    assert match, f"section has no {name}"
    return int(match.group(1))


def spells_in_window(database: Path) -> tuple[int, int]:
    """Spells drawn in 1992-2025 (an attested-only spell from its first attestation) and how many are attested-only."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select count(*), coalesce(sum(case when start_basis = 'first_attested' then 1 else 0 end), 0) "
            "from marts.fct_membership_spell "
            "where coalesce(valid_to, ?::date) >= ? and coalesce(valid_from, first_attested_on) <= ?",
            [TIMELINE_END, TIMELINE_START, TIMELINE_END],
        ).fetchall()
    return int(rows[0][0]), int(rows[0][1])


@pytest.fixture(scope="module")
def report(project: Project, published_warehouse: Path) -> Path:
    return write_report(project, published_warehouse, None)


def test_report_is_written_to_reports_folder_and_needs_no_network(project: Project, report: Path) -> None:
    assert report == project.root / "reports" / "index.html"
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=[\"']?(https?:)?//", text), "report loads remote files"
    assert "Plotly.newPlot" in text and len(text) > 1_000_000, "plotly.js is not embedded inline"


def test_report_charts_render_in_headless_chromium(report: Path, published_warehouse: Path) -> None:
    rendered = sections(rendered_dom(report.as_uri()))
    assert set(CHARTS) <= rendered.keys(), f"chart sections missing: {set(CHARTS) - rendered.keys()}"
    for key in CHARTS:
        section = rendered[key]
        assert "js-plotly-plot" in section and count(r'class="main-svg"', section) >= 2, f"{key}: plotly drew nothing"
        assert count(r'class="[xy]\d*tick"', section) > 0, f"{key}: no axis ticks drawn"
        marks = count(r'class="point[ "]', section)
        assert marks == attribute(section, "data-marks"), f"{key}: {marks} marks drawn, expected {attribute(section, 'data-marks')}"
        if attribute(section, "data-rows") == 0:
            assert "No rows in" in section, f"{key}: an empty chart must say so"
    spells, attested = spells_in_window(published_warehouse)
    assert attested > 0
    assert count(r'class="point[ "]', rendered["alignment"]) == spells + attested, \
        "the Gantt chart must draw one bar per membership spell in 1992-2025 and one 'known from' marker per attested one"
    assert "<pattern" in rendered["alignment"], "attested-only spells must be drawn hatched"
    assert "known from (first attestation" in rendered["alignment"], "the 'known from' marker needs its legend entry"

    heights = [attribute(section, "data-height") for section in rendered.values()]
    assert len(heights) == len(CHARTS)
    png = screenshot(report.as_uri(), SCREENSHOTS / "report.png", height=200 + sum(h + 150 for h in heights))
    assert non_white_fraction(png) > 0.10, f"{png} is (nearly) blank"


def test_report_copies_and_links_dbt_catalogue(tmp_path: Path, published_warehouse: Path) -> None:
    project = Project(root=tmp_path / "project", corpus_dir=tmp_path, warehouse_dir=published_warehouse.parent)
    without = write_report(project, published_warehouse, tmp_path / "without")
    assert 'id="dbt-docs-missing"' in without.read_text(encoding="utf-8")

    catalogue = project.root / "target" / "static_index.html"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text("<html>dbt catalogue</html>", encoding="utf-8")
    index = write_report(project, published_warehouse, tmp_path / "with")
    link = re.search(r'<a id="dbt-docs" href="([^"]+)"', index.read_text(encoding="utf-8"))
    assert link, "report does not link the dbt catalogue"
    assert (index.parent / link.group(1)).read_text(encoding="utf-8") == "<html>dbt catalogue</html>"


def test_report_command_and_missing_warehouse(tmp_path: Path, published_warehouse: Path) -> None:
    result = run_cli(ROOT, "report", "--output", str(tmp_path / "cli"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli" / "index.html").is_file() and "report written to" in result.stdout

    project = Project(root=tmp_path, corpus_dir=tmp_path, warehouse_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="security-ties build"):
        write_report(project, tmp_path / "missing.duckdb", tmp_path / "out")


def test_attested_only_spells_are_drawn_hatched_from_a_known_from_marker_never_as_a_start(published_warehouse: Path) -> None:
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        attested = connection.execute(
            "select coalesce(c.country_name, s.country_iso3) || ' · ' || s.org_code, s.first_attested_on "
            "from marts.fct_membership_spell as s left join marts.dim_country as c on c.iso3 = s.country_iso3 "
            "where s.start_basis = 'first_attested' and s.first_attested_on <= ?", [TIMELINE_END]).fetchall()
    figure = charts(published_warehouse)[0][0].figure
    hatched, solid, markers = set(), set(), set()
    for trace in figure.data:
        if trace.type == "bar":
            starts = {(lane, pd.Timestamp(base).date()) for lane, base in zip(trace.y, trace.base)}
            (hatched if trace.marker.pattern.shape else solid).update(starts)
        else:
            markers.update((lane, pd.Timestamp(day).date()) for lane, day in zip(trace.y, trace.x))
    expected = {(lane, day) for lane, day in attested}
    # e.g. the United States and Türkiye in NATO, first stated in the text of 2015-04-21
    assert any(lane.endswith("· NATO") for lane, _ in expected)
    assert expected <= hatched, "every attested-only spell is a hatched bar"
    assert expected <= markers, "every attested-only spell starts at a 'known from' marker"
    assert not expected & solid, "no attested-only spell is drawn as a solid bar from a start"
