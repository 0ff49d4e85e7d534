"""The working folder's fixed names: its subfolders, its settings file and the names of the
outputs a run writes, spelled here once (the jobs write them, the desk hands them out,
``next-year`` moves them).

A working folder holds ``workbook_templates/`` (``generate``), ``submissions/`` (the returned
files), ``output/`` (``validate`` / ``consolidate``), its settings (``consolidator.toml``,
:mod:`consolidator.folder_settings`) and what is kept between runs (the ledger, the result
cache, beside the settings: they belong to the folder, not to one year's ``output/``).
"""

from __future__ import annotations

TEMPLATES_DIR = "workbook_templates"
SUBMISSIONS_DIR = "submissions"
OUTPUT_DIR = "output"
SETTINGS_FILE = "consolidator.toml"
PLAN_FILE = "plan.json"  # a plan imported into the folder (desk 計画, plan import --folder)
LOG_STEM = "validation_log"
LOG_KINDS = ("xlsx", "csv", "jsonl")


def master_name(year: int) -> str:
    """The master workbook of ``year``: ``master_2022.xlsx``."""
    return f"master_{year}.xlsx"


def next_plan_name(year: int) -> str:
    """Next year's catalog written by consolidating ``year``: ``plan_2023.json``."""
    return f"plan_{year + 1}.json"


def log_name(kind: str = "xlsx") -> str:
    """The validation log: ``validation_log.xlsx`` (``.csv``, ``.jsonl``)."""
    return f"{LOG_STEM}.{kind}"
