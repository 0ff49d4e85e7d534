"""Where things are: the test data, the package's data files, the scripts."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
MINI_PLAN = DATA / "mini_plan.json"  # three departments, five measures (catalog schema 4)
MINI_PLAN_V1 = DATA / "mini_plan_v1.json"  # the same plan in catalog schema 1
MINI_PLAN_V2 = DATA / "mini_plan_v2.json"  # the same plan in catalog schema 2
MINI_PLAN_V3 = DATA / "mini_plan_v3.json"  # the same plan in catalog schema 3
FORMAT1_TEMPLATE = DATA / "format1_template_mini.xlsx"  # 市社協's template of mini_plan_v2.json
# for 令和4年度 as the toolkit wrote it before the template layout changed (format 1)
FORMAT2_TEMPLATE = DATA / "format2_template_mini.xlsx"  # 市社協's template of mini_plan.json
# for 令和4年度 as the toolkit wrote it before the explanation column (増減の理由, format 2)
SEED_REPORT = DATA / "seed_report_r3.txt"  # last year's real report, as text
PACKAGE_DATA = ROOT / "consolidator" / "data"
DEFAULT_PLAN = PACKAGE_DATA / "default_plan.json"
OVERRIDES = PACKAGE_DATA / "plan_overrides.json"
SCRIPTS = ROOT / "scripts"
