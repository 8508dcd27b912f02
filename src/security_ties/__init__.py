"""security-ties: a cited fact warehouse of Armenia's security ties, built with dbt on DuckDB."""

__version__ = "0.1.0"
