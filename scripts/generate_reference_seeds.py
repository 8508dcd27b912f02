"""Regenerate seeds/reference/countries.csv from country_converter's and pycountry's data.

Every current country plus the dissolved states country_converter keeps (the USSR is SUN), plus the dissolved
states a text names that country_converter lacks (HISTORIC_STATES: Yugoslavia), from pycountry's ISO 3166-3 list.

country_converter's own CountryConverter() fails under pandas 3 (Namibia's ISO2 "NA" is read as a
missing value), so its data file is read directly with missing-value parsing switched off.
Run: .venv/bin/python scripts/generate_reference_seeds.py
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pycountry

COLUMNS = [
    "iso3", "iso2", "iso_numeric", "short_name", "official_name", "continent", "un_region",
    "is_historical",
]
# Dissolved states named in the corpus that country_converter does not keep: ISO 3166-3 alpha-3 -> the continent
# and UN region pycountry does not give. Their rows keep the alpha-3/alpha-2/numeric codes the state had and name
# the ISO 3166-3 code in official_name.
HISTORIC_STATES = {"YUG": ("Europe", "Southern Europe")}


def historic_states() -> list[dict[str, str]]:
    rows = []
    for iso3, (continent, un_region) in HISTORIC_STATES.items():
        state = pycountry.historic_countries.get(alpha_3=iso3)
        short_name = state.name.split(",")[0]
        rows.append(
            {
                "iso3": state.alpha_3,
                "iso2": state.alpha_2,
                "iso_numeric": state.numeric,
                "short_name": f"{short_name} (former)",
                "official_name": f"{state.name} (former; ISO 3166-3 {state.alpha_4})",
                "continent": continent,
                "un_region": un_region,
                "is_historical": "true",
            }
        )
    return rows


def current_countries() -> list[dict[str, str]]:
    data_file = resources.files("country_converter") / "country_data.tsv"
    with data_file.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    countries = []
    for row in rows:
        official = pycountry.countries.get(alpha_3=row["ISO3"])
        countries.append(
            {
                "iso3": row["ISO3"],
                # country_converter stores a regex for a few codes (^GB$|^UK$); pycountry has the plain code
                "iso2": getattr(official, "alpha_2", None) or row["ISO2"],
                "iso_numeric": f"{int(row['ISOnumeric']):03d}" if row["ISOnumeric"] else "",
                "short_name": row["name_short"],
                "official_name": getattr(official, "official_name", None) or row["name_official"],
                "continent": row["continent"],
                "un_region": row["UNregion"],
                "is_historical": "true" if row["obsolete"] else "false",
            }
        )
    return countries


def main() -> None:
    target = Path(__file__).resolve().parent.parent / "seeds" / "reference" / "countries.csv"
    rows = sorted(current_countries() + historic_states(), key=lambda r: r["iso3"])
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} countries to {target}")


if __name__ == "__main__":
    main()
