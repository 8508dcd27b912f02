"""The static, offline HTML report: charts of the published warehouse with plotly.js embedded inline.

`write_report` opens the warehouse read-only, draws three figures (the membership spells as a Gantt
chart, trade by partner and year, the arms-supplier shift), writes one self-contained index.html
(no network needed to open it) and copies the static dbt catalogue beside it when it has been built.
"""

from __future__ import annotations

import html
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
import plotly.offline
from plotly.subplots import make_subplots

from security_ties.project import Project

TIMELINE_START = date(1992, 1, 1)
TIMELINE_END = date(2025, 12, 31)
DOCS_FOLDER = "dbt-docs"
STATUS_COLOURS = {
    "member": "#1f5fa8",
    "partner": "#2e9e4f",
    "observer": "#17a2b8",
    "suspended": "#f0a020",
    "participation_frozen": "#c0392b",
    "former": "#8c8c8c",
}

# An attested-only spell (start_basis first_attested) has no valid_from: it is drawn from first_attested_on.
SPELLS_SQL = """
select coalesce(c.country_name, s.country_iso3) || ' · ' || s.org_code as lane,
       s.country_iso3, s.org_code, coalesce(o.org_name, s.org_code) as org_name, s.status, s.start_basis,
       coalesce(s.valid_from, s.first_attested_on) as drawn_from, coalesce(s.valid_to, ?::date) as valid_to,
       s.valid_to is null as is_open
from marts.fct_membership_spell as s
left join marts.dim_country as c on c.iso3 = s.country_iso3
left join marts.dim_organization as o on o.org_code = s.org_code
where coalesce(s.valid_to, ?::date) >= ? and coalesce(s.valid_from, s.first_attested_on) <= ?
order by s.country_iso3 <> 'ARM', s.country_iso3,
         min(coalesce(s.valid_from, s.first_attested_on)) over (partition by s.country_iso3, s.org_code),
         s.org_code, drawn_from
"""
ATTESTED = "first_attested"
KNOWN_FROM_COLOUR = "#222"

TRADE_SQL = """
select coalesce(c.country_name, f.partner_iso3, o.org_name, f.partner_org_code) as partner,
       f.flow, f.trade_year, f.doc_id, f.fact_id, f.qualifier, q.display_symbol, f.is_exact,
       f.value_usd, f.value_usd_lower, f.value_usd_upper, f.share_pct, f.share_pct_lower, f.share_pct_upper
from marts.fct_trade_flow as f
inner join marts.dim_qualifier as q on q.qualifier = f.qualifier
left join marts.dim_country as c on c.iso3 = f.partner_iso3
left join marts.dim_organization as o on o.org_code = f.partner_org_code
where f.value_usd is not null or f.share_pct is not null
order by partner, f.flow, f.trade_year, f.fact_id
"""

# The growth of each figure from the previous stated one (mart_trade_partners): a point only when exact, else bounds.
GROWTH_SQL = """
select fact_id, growth_from_year, growth_to_year, growth_pct, growth_pct_lower, growth_pct_upper
from marts.mart_trade_partners
where growth_to_year is not null
"""

ARMS_SQL = """
select supplier_iso3 || ' → ' || recipient_iso3 as pair, year_number, min_arms_share_pct, max_arms_share_pct,
       coalesce(arms_share_measures, '') as arms_share_measures
from marts.mart_arms_supplier_shift
where max_arms_share_pct is not null
order by supplier_iso3 <> 'RUS', supplier_iso3, recipient_iso3, year_number
"""

# One bar segment per supplier -> recipient pair and year: the deal stages (fct_arms_deal_stage) dated in that year.
DEAL_STAGES_SQL = """
select d.supplier_iso3 || ' → ' || d.recipient_iso3 as pair, s.stage_year, count(*) as stage_count,
       string_agg(d.system_name || ': ' || s.deal_stage || ' ' || s.stage_date_iso, '<br>'
                  order by s.stage_order, d.system_name) as stages
from marts.fct_arms_deal_stage as s
inner join marts.fct_arms_deal as d on d.deal_key = s.deal_key
where s.stage_year is not null
group by d.supplier_iso3, d.recipient_iso3, s.stage_year
order by d.supplier_iso3 <> 'RUS', d.supplier_iso3, d.recipient_iso3, s.stage_year
"""
# The security-ties matrix: one row per country pair and tie kind, one column per year, one marker per tie in force.
TIES_SQL = """
select country_pair || ' ' || tie_kind || case when is_directed then ' (' || from_iso3 || ' → ' || to_iso3 || ')'
                                               else '' end as tie,
       year_number, tie_basis, evidence_count, latest_doc_id
from marts.mart_security_ties
order by country_pair <> 'ARM-RUS', country_pair, tie_kind, from_iso3, year_number
"""
TIE_BASIS_COLOURS = {"stated_event": "#1f5fa8", "attested": "#e08a1e"}
BAR_WIDTH_YEARS = 0.8  # a fixed width, centred on the year: plotly's default width follows the gap between bars


@dataclass(frozen=True)
class Chart:
    """One figure of the report, the rows it reads and the data marks (bars, markers) it should draw."""

    key: str
    title: str
    source: str
    rows: int
    marks: int
    figure: go.Figure


def _no_rows(figure: go.Figure, source: str, subplots: int = 0) -> None:
    """Say that the mart is empty; give each subplot an empty trace so its axes are still drawn."""
    for row in range(1, subplots + 1):
        figure.add_scatter(x=[], y=[], showlegend=False, row=row, col=1)
    figure.add_annotation(text=f"No rows in {source} yet", showarrow=False, font={"size": 16, "color": "#666"},
                          xref="paper", yref="paper", x=0.5, y=1.0 if subplots else 0.5, yanchor="bottom",
                          yshift=22 if subplots else 0)


def spell_chart(spells: pd.DataFrame) -> Chart:
    """Gantt chart: one lane per country × organisation, one bar per spell, coloured by status. A spell whose
    start is only attested ("is a member" in a text, no dated start) is drawn faded and hatched from a
    "known from" marker at its first attestation, never as a start; a spell carried over by an organisation's
    succession (NACC -> EAPC) is dotted."""
    figure = go.Figure()
    lanes = list(dict.fromkeys(spells["lane"]))
    statuses = [s for s in STATUS_COLOURS if s in set(spells["status"])]
    for status in statuses + sorted(set(spells["status"]) - set(statuses)):
        colour = STATUS_COLOURS.get(status, "#444")
        for basis, label, marker in (
            ("stated_event", "", {"color": colour}),
            ("succession", " (carried over by a succession)",
             {"color": colour, "pattern": {"shape": ".", "fgcolor": "#ffffff", "size": 5, "solidity": 0.25}}),
            (ATTESTED, " (attested only: start not stated)",
             {"color": colour, "opacity": 0.45, "line": {"color": colour, "width": 1},
              "pattern": {"shape": "/", "fgcolor": "#ffffff", "size": 6, "solidity": 0.35}}),
        ):
            rows = spells[(spells["status"] == status) & (spells["start_basis"] == basis)]
            if rows.empty:
                continue
            start = pd.to_datetime(rows["drawn_from"])
            end = pd.to_datetime(rows["valid_to"]) + pd.Timedelta(days=1)
            until = [("open" if is_open else str(to)) for to, is_open in zip(rows["valid_to"], rows["is_open"])]
            since = {"stated_event": "from ", "succession": "by succession from ", ATTESTED: "known from "}[basis]
            figure.add_bar(
                name=status.replace("_", " ") + label, legendgroup=status, orientation="h", y=rows["lane"],
                base=start, x=(end - start).dt.total_seconds() * 1000, marker=marker,
                customdata=list(zip(rows["org_name"], since + rows["drawn_from"].astype(str), until)),
                hovertemplate="%{y}<br>%{customdata[0]}<br><b>" + status + "</b> %{customdata[1]} → %{customdata[2]}"
                              "<extra></extra>",
            )
    attested_rows = spells[spells["start_basis"] == ATTESTED]
    if not attested_rows.empty:
        figure.add_scatter(
            name="known from (first attestation; earlier start unknown)", mode="markers", y=attested_rows["lane"],
            x=pd.to_datetime(attested_rows["drawn_from"]),
            marker={"symbol": "line-ns", "size": 16, "line": {"width": 3, "color": KNOWN_FROM_COLOUR},
                    "color": KNOWN_FROM_COLOUR},
            customdata=attested_rows["drawn_from"].astype(str),
            hovertemplate="%{y}<br>first stated as holding on %{customdata}; start not stated<extra></extra>",
        )
    figure.update_layout(
        barmode="overlay", height=160 + 26 * max(len(lanes), 4), legend_title_text="status",
        xaxis={"type": "date", "range": [TIMELINE_START.isoformat(), TIMELINE_END.isoformat()], "title": "year"},
        yaxis={"categoryorder": "array", "categoryarray": lanes[::-1], "automargin": True},
    )
    if spells.empty:
        _no_rows(figure, "marts.fct_membership_spell")
    marks = len(spells) + len(attested_rows)
    return Chart("alignment", f"Alignment timeline: membership spells {TIMELINE_START.year}–{TIMELINE_END.year}",
                 "marts.fct_membership_spell (open spells drawn to 31 Dec 2025; hatched: status only attested, "
                 "drawn from its first attestation)", len(spells), marks, figure)


def _money(usd: float) -> str:
    """$8.0 bn, $188 M, $6.5 M: the figure as a reader would write it."""
    if usd >= 1e9:
        return f"${usd / 1e9:.1f} bn"
    millions = usd / 1e6
    return f"${millions:.1f} M" if millions < 10 else f"${millions:.0f} M"


def _percent(share: float) -> str:
    return f"{share:g} %"


def bound_label(value: float, lower: float | None, upper: float | None, symbol: str,
                fmt: Callable[[float], str]) -> str:
    """A stated figure with its bound, using the qualifier's display symbol from dim_qualifier: "< $8.0 bn",
    "> 30 %", "≈ $1.5 bn", "$10 M–$15 M" when both bounds are stated and differ, the bare figure when exact."""
    if pd.notna(lower) and pd.notna(upper) and lower != upper:
        return f"{fmt(lower)}–{fmt(upper)}"
    return f"{symbol} {fmt(value)}".strip()


def growth_label(point: float | None, lower: float | None, upper: float | None) -> str:
    """A growth as the mart states it: the point when exact ("+25 %"), else its interval rounded outwards so the
    label never excludes a value the bounds allow ("200–264 %", "< 264 %", "> 96 %"); "" when both sides are open."""
    if pd.notna(point):
        return f"{point:+g} %"
    low = math.floor(lower) if pd.notna(lower) else None
    high = math.ceil(upper) if pd.notna(upper) else None
    if low is not None and high is not None:
        return f"{low:g}–{high:g} %"
    if high is not None:
        return f"< {high:g} %"
    return f"> {low:g} %" if low is not None else ""


def _growth_suffix(rows: pd.DataFrame) -> list[str]:
    """The growth line under a value label: "growth 2019→2023: 200–264 %"; empty without a growth."""
    suffixes = []
    for start, end, point, lower, upper in zip(rows["growth_from_year"], rows["growth_to_year"], rows["growth_pct"],
                                               rows["growth_pct_lower"], rows["growth_pct_upper"]):
        label = growth_label(point, lower, upper) if pd.notna(end) else ""
        suffixes.append(f"<br>growth {int(start)}→{int(end)}: {label}" if label else "")
    return suffixes


def _labels(rows: pd.DataFrame, column: str, fmt: Callable[[float], str]) -> list[str]:
    return [bound_label(value, lower, upper, symbol, fmt)
            for value, lower, upper, symbol in zip(
                rows[column], rows[f"{column}_lower"], rows[f"{column}_upper"], rows["display_symbol"])]


def _error_bars(rows: pd.DataFrame, column: str, scale: float) -> dict[str, object]:
    """Error bars from each figure to the bounds its qualifier states (none where a bound is open)."""
    above = (rows[f"{column}_upper"] - rows[column]).fillna(0) / scale
    below = (rows[column] - rows[f"{column}_lower"]).fillna(0) / scale
    return {"type": "data", "symmetric": False, "array": above.tolist(), "arrayminus": below.tolist(),
            "visible": bool((above > 0).any() or (below > 0).any())}


def share_category(partner: str, year: object, doc_id: str) -> str:
    """A share's bar: partner and year, or "as stated in <doc>" when the text gives no year."""
    return f"{partner}, {int(year)}" if pd.notna(year) else f"{partner}, as stated in {doc_id} (no year given)"


def trade_chart(trade: pd.DataFrame) -> Chart:
    """Trade value by partner and year on a log axis (so a $1.2 M partner is as visible as an $8 bn one),
    and every stated share (top) with the bound its qualifier states: hollow markers and a label such as
    "< $8.0 bn" for a figure that is not exact. A share the text gives without a year is drawn as "as stated
    in <doc>" rather than dropped."""
    figure = make_subplots(rows=2, cols=1, vertical_spacing=0.16, row_heights=[0.68, 0.32],
                           subplot_titles=("value, million USD (log scale); hollow marker = bounded or approximate figure",
                                           "share of the reporter's trade, % (bar to the stated figure)"))
    values = trade[trade["value_usd"].notna() & trade["trade_year"].notna()]
    shares = trade[trade["share_pct"].notna()]
    symbols = {"total": "circle", "exports": "triangle-up", "imports": "triangle-down"}
    for index, ((partner, flow), rows) in enumerate(values.groupby(["partner", "flow"], sort=False)):
        colour = f"hsl({(index * 67) % 360},60%,42%)"
        marker = [symbols.get(flow, "circle") + ("" if exact else "-open") for exact in rows["is_exact"]]
        labels = [value + growth for value, growth in zip(_labels(rows, "value_usd", _money), _growth_suffix(rows))]
        figure.add_scatter(
            x=rows["trade_year"], y=rows["value_usd"] / 1e6, mode="lines+markers+text", name=f"{partner} ({flow})",
            legendgroup=f"{partner}-{flow}", text=labels, textposition="top center",
            marker={"symbol": marker, "size": 10, "color": colour, "line": {"width": 2, "color": colour}},
            line={"color": colour}, error_y={**_error_bars(rows, "value_usd", 1e6), "color": colour},
            customdata=list(zip(rows["fact_id"], rows["qualifier"])),
            hovertemplate="%{x}: %{text}<br>%{customdata[1]} · %{customdata[0]}<extra></extra>", row=1, col=1,
        )
    if not shares.empty:
        categories = [share_category(p, y, d) for p, y, d in zip(shares["partner"], shares["trade_year"], shares["doc_id"])]
        labels = _labels(shares, "share_pct", _percent)
        figure.add_bar(
            x=categories, y=shares["share_pct"], text=labels, textposition="outside", name="stated share", width=0.35,
            marker={"color": ["#1f5fa8" if exact else "rgba(31,95,168,0.35)" for exact in shares["is_exact"]],
                    "line": {"color": "#1f5fa8", "width": 2}},
            error_y={**_error_bars(shares, "share_pct", 1.0), "color": "#1f5fa8"},
            customdata=list(zip(shares["fact_id"], shares["qualifier"])),
            hovertemplate="%{x}: %{text}<br>%{customdata[1]} · %{customdata[0]}<extra></extra>", row=2, col=1,
        )
    figure.update_layout(height=720, legend_title_text="partner (flow)")
    figure.update_yaxes(type="log", title_text="million USD", row=1, col=1)
    figure.update_yaxes(range=[0, 100], title_text="%", row=2, col=1)
    figure.update_xaxes(title_text="year", dtick=1, row=1, col=1)
    figure.update_xaxes(type="category", row=2, col=1)
    if trade.empty:
        _no_rows(figure, "marts.fct_trade_flow", subplots=2)
    marks = len(values) + len(shares)
    return Chart("trade", "Trade by partner and year, with the bounds the texts state",
                 "marts.fct_trade_flow; growth from marts.mart_trade_partners (an interval unless exact)",
                 len(trade), marks, figure)


def arms_chart(arms: pd.DataFrame, stages: pd.DataFrame) -> Chart:
    """Each supplier's stated share of a recipient's arms imports or holdings (band from lowest to highest, top)
    and the deal stages dated in each year (bottom), one stacked bar segment per supplier -> recipient pair,
    centred on its year. A pair is one series, so Russia's shares for Armenia and Azerbaijan are never joined."""
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1, row_heights=[0.6, 0.4],
                           subplot_titles=("share of the recipient's arms imports or holdings, % (lowest–highest stated)",
                                           "arms-deal stages dated in the year (fct_arms_deal)"))
    pairs = list(dict.fromkeys([*arms["pair"], *stages["pair"]]))
    for index, pair in enumerate(pairs):
        colour = f"hsl({(index * 97 + 5) % 360},65%,40%)"
        shares = arms[arms["pair"] == pair]
        if not shares.empty:
            figure.add_scatter(x=shares["year_number"], y=shares["min_arms_share_pct"], mode="lines",
                               line={"width": 0, "color": colour}, legendgroup=pair, showlegend=False,
                               hoverinfo="skip", row=1, col=1)
            figure.add_scatter(x=shares["year_number"], y=shares["max_arms_share_pct"], mode="lines+markers",
                               fill="tonexty", name=f"{pair} share", legendgroup=pair, line={"color": colour},
                               customdata=list(zip(shares["min_arms_share_pct"], shares["arms_share_measures"])),
                               hovertemplate=pair + " %{x}: %{customdata[0]}–%{y} %<br>%{customdata[1]}"
                                                    "<extra></extra>", row=1, col=1)
        deals = stages[stages["pair"] == pair]
        if not deals.empty:
            figure.add_bar(x=deals["stage_year"], y=deals["stage_count"], name=f"{pair} deal stages",
                           legendgroup=pair, marker_color=colour, customdata=deals["stages"],
                           width=[BAR_WIDTH_YEARS] * len(deals),
                           hovertemplate=pair + " %{x}: %{y} stage(s)<br>%{customdata}<extra></extra>",
                           row=2, col=1)
    figure.update_layout(height=620, barmode="stack", legend_title_text="supplier → recipient")
    figure.update_yaxes(range=[0, 100], row=1, col=1)
    figure.update_xaxes(title_text="year", dtick=1, row=2, col=1)
    source = "marts.mart_arms_supplier_shift, marts.fct_arms_deal"
    if arms.empty and stages.empty:
        _no_rows(figure, source, subplots=2)
    marks = int(arms["max_arms_share_pct"].notna().sum() + len(stages))
    return Chart("arms", "Arms-supplier shift", source, len(arms) + len(stages), marks, figure)


def ties_chart(ties: pd.DataFrame) -> Chart:
    """The security-ties matrix: a marker for each pair, kind and year a tie is in force, coloured by its basis
    (a dated step or only attested), sized by the number of fact rows behind it."""
    figure = go.Figure()
    for basis, colour in TIE_BASIS_COLOURS.items():
        rows = ties[ties["tie_basis"] == basis]
        if rows.empty:
            continue
        figure.add_scatter(x=rows["year_number"], y=rows["tie"], mode="markers", name=basis.replace("_", " "),
                           marker={"color": colour, "symbol": "square",
                                   "size": [8 + 3 * min(int(n), 4) for n in rows["evidence_count"]]},
                           customdata=list(zip(rows["evidence_count"], rows["latest_doc_id"])),
                           hovertemplate="%{y} %{x}: %{customdata[0]} fact row(s), latest %{customdata[1]}"
                                         "<extra></extra>")
    figure.update_layout(height=max(420, 18 * ties["tie"].nunique() + 160), legend_title_text="basis")
    figure.update_xaxes(title_text="year", dtick=2)
    # rows in the query's order (Armenia-Russia first, then pair by pair), not in the order the two traces meet them
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=list(dict.fromkeys(ties["tie"])))
    source = "marts.mart_security_ties"
    if ties.empty:
        _no_rows(figure, source)
    return Chart("ties", "Security ties by pair, kind and year", source, len(ties), len(ties), figure)


def _build_info(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The meta.build_info row as text ({} for a file built before that table existed)."""
    tables = connection.execute("select table_schema, table_name from information_schema.tables").fetchall()
    if ("meta", "build_info") not in tables:
        return {}
    cursor = connection.execute("select * from meta.build_info")
    names = [column[0] for column in cursor.description]
    row = cursor.fetchone()
    return dict(zip(names, (str(value) for value in row))) if row else {}


def charts(database: Path) -> tuple[list[Chart], dict[str, str]]:
    """The report's charts and the build_info row, read from the warehouse opened read-only."""
    if not database.is_file():
        raise FileNotFoundError(f"warehouse {database} not found: run `security-ties build` first")
    with duckdb.connect(str(database), read_only=True) as connection:
        bounds = [TIMELINE_END, TIMELINE_END, TIMELINE_START, TIMELINE_END]
        spells = connection.execute(SPELLS_SQL, bounds).df()
        trade = connection.sql(TRADE_SQL).df().merge(connection.sql(GROWTH_SQL).df(), on="fact_id", how="left")
        arms = connection.sql(ARMS_SQL).df()
        deal_stages = connection.sql(DEAL_STAGES_SQL).df()
        ties = connection.sql(TIES_SQL).df()
        build_info = _build_info(connection)
    return [spell_chart(spells), trade_chart(trade), arms_chart(arms, deal_stages), ties_chart(ties)], build_info


def copy_dbt_docs(project: Project, output: Path) -> str | None:
    """Copy the static dbt catalogue (target/static_index.html) into the report; its relative link, or None."""
    source = project.root / "target" / "static_index.html"
    if not source.is_file():
        return None
    destination = output / DOCS_FOLDER / "index.html"
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
    return f"{DOCS_FOLDER}/index.html"


def render(charts_: list[Chart], build_info: dict[str, str], docs_link: str | None) -> str:
    """The whole page: plotly.js inline once, then one section per chart."""
    config = {"displaylogo": False, "responsive": True}
    sections = "\n".join(
        f'<section class="chart" id="{chart.key}" data-rows="{chart.rows}" data-marks="{chart.marks}" '
        f'data-height="{chart.figure.layout.height}">\n'
        f"<h2>{html.escape(chart.title)}</h2>\n"
        f'<p class="source">{chart.rows} row(s) from {html.escape(chart.source)}</p>\n'
        + chart.figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"{chart.key}-plot", config=config)
        + "\n</section>"
        for chart in charts_
    )
    if docs_link:
        docs = f'<a id="dbt-docs" href="{docs_link}">dbt catalogue</a> (models, columns, tests, lineage)'
    else:
        docs = ('<span id="dbt-docs-missing">dbt catalogue not built yet: run <code>make dbt-docs</code>, '
                "then the report again</span>")
    build = ", ".join(f"{html.escape(k)} {html.escape(build_info[k])}"
                      for k in ("build_id", "built_at", "git_commit") if k in build_info)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Armenia's security ties: report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem 2rem; color: #222; background: #fff; }}
section.chart {{ margin-bottom: 2rem; }} p.source, p.build {{ color: #555; font-size: 0.9rem; }}
</style>
<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>
</head>
<body>
<h1>Armenia's security ties</h1>
<p class="build">Published build: {build or "unknown"}. {docs}.</p>
{sections}
</body>
</html>
"""


def write_report(project: Project, database: Path, output: Path | None = None) -> Path:
    """Write the report into `output` (default reports/ at the project root); return its index.html."""
    output = (output or project.root / "reports").resolve()
    charts_, build_info = charts(database)
    output.mkdir(parents=True, exist_ok=True)
    docs_link = copy_dbt_docs(project, output)
    index = output / "index.html"
    index.write_text(render(charts_, build_info, docs_link), encoding="utf-8")
    return index
