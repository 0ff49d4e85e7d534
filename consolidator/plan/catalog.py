"""The plan catalog: loading, the embedded default, and read access for the rest of the toolkit.

The catalog is a JSON document (schema: ``data/catalog.schema.json``; older versions are
upgraded when read, see :mod:`.migrate`). This module keeps it as plain dicts and offers
flattened, ordered views (initiatives, indicators, measures, departments) with their parents
attached, so the template, the validator and the master walk the plan the same way.

Words: a *department* is a reporting unit of the plan — 市社協 (the social welfare council)
or a city 課 — and has a template of its own. A *unit* is only ever a counting unit of a
measure (人, 回, 地区, %).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from consolidator.plan.migrate import upgrade

Organisation = Literal["市社協", "市"]
COUNCIL: Organisation = "市社協"  # the city's social welfare council (a department of its own)
CITY: Organisation = "市"
ORGANISATIONS: tuple[Organisation, ...] = (COUNCIL, CITY)
Category = Literal["独自", "受託", "補助"]
# 市社協's categories: own programmes / commissioned by the city / subsidised by the city
CATEGORIES: tuple[Category, ...] = ("独自", "受託", "補助")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
NEW_TAG = "【新規】"
DEFAULT_PLAN_NAME = "default_plan.json"
# The schema version the content hash is taken at. A migration that only adds optional fields
# (3 → 4) is no change of the plan: a catalog that uses none of them keeps the hash the
# templates already sent out recorded (else each would be read as made from an older catalog).
HASHED_SCHEMA_VERSION = 3


def schema() -> dict[str, Any]:
    text = resources.files("consolidator").joinpath("data/catalog.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def default_plan_text() -> str:
    return resources.files("consolidator").joinpath(f"data/{DEFAULT_PLAN_NAME}").read_text("utf-8")


def canonical_json(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dump_json(doc: Any) -> str:
    """The catalog's file format: indented, key order kept, Japanese as is, final newline."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def circled(n: int) -> str:
    """An initiative's or action's mark as the report writes it: 1 → ①."""
    return CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else f"({n})"


def action_line(action: dict[str, Any]) -> str:
    """A plan action as the report writes it: ``②ボランティア等の人材養成講座の開催【新規】``."""
    new = NEW_TAG if action.get("new") else ""
    return f"{action.get('label') or '・'}{action['text']}{new}"


def indicator_line(indicator: dict[str, Any]) -> str:
    """An indicator with its target as the plan writes it: ``・登録者数 H32(2020) 250人``."""
    return f"・{indicator['name']} {indicator['target']['text']}".rstrip()


@dataclass(frozen=True)
class InitiativeView:
    goal: dict[str, Any]
    activity: dict[str, Any]
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def title(self) -> str:
        return str(self.data["title"])

    @property
    def label(self) -> str:
        """The initiative's mark as the report writes it: ① … ⑳."""
        return circled(int(self.data["number"]))

    def reporter_departments(self) -> list[str]:
        return [r["department"] for r in self.data.get("reporters", [])]

    def categories(self, department: str) -> list[str]:
        for r in self.data.get("reporters", []):
            if r["department"] == department:
                return list(r.get("categories", []))
        return []

    @property
    def previous(self) -> dict[str, Any]:
        """The previous report's year and texts (実施状況, 予定); its values are in each
        measure's history."""
        return self.data.get("previous") or {"year": None, "status": [], "plans": []}


@dataclass(frozen=True)
class MeasureView:
    initiative: InitiativeView
    indicator: dict[str, Any]
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def owner(self) -> str:
        """The department whose template asks for the value."""
        return str(self.indicator["owner"])

    @property
    def name(self) -> str:
        """The indicator's name, with the part label for a compound target."""
        label = self.data.get("label")
        name = str(self.indicator["name"])
        return f"{name}({label})" if label and label != name else name

    @property
    def target_text(self) -> str:
        """The target as the plan writes it: the measure's part, else the indicator's."""
        return str(self.data.get("text") or self.indicator["target"]["text"])

    @property
    def unit(self) -> str | None:
        """The counting unit of the value (人, 回, %)."""
        return self.data.get("unit")

    @property
    def percent(self) -> bool:
        return bool(self.data.get("percent")) or self.data.get("unit") == "%"

    @property
    def history(self) -> list[dict[str, Any]]:
        """Every past year's actual (value or reason), oldest first, each with the target of
        that year's plan."""
        return list(self.data.get("history") or [])

    def actual_of(self, year: int | None) -> dict[str, Any] | None:
        """The actual reported for fiscal ``year``, if the catalog carries one."""
        return next((h for h in self.history if h.get("year") == year), None)

    def previous_actual(self) -> dict[str, Any] | None:
        """The actual of the previous report's year."""
        year = self.initiative.previous.get("year")
        return None if year is None else self.actual_of(year)


class Catalog:
    """Read access to a plan catalog document (always at the current schema version)."""

    def __init__(self, doc: dict[str, Any], source: str = "(既定の計画)") -> None:
        self.doc = upgrade(doc)
        self.source = source

    def __getstate__(self) -> dict[str, Any]:
        # Pickled to worker processes: the document only, not the derived views.
        return {"doc": self.doc, "source": self.source}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.doc = state["doc"]
        self.source = state["source"]

    # ---- construction --------------------------------------------------------------------
    @classmethod
    def default(cls) -> Catalog:
        return cls(json.loads(default_plan_text()))

    @classmethod
    def from_path(cls, path: str | Path) -> Catalog:
        p = Path(path)
        return cls(json.loads(p.read_text("utf-8")), source=str(p))

    # ---- plan-level facts ----------------------------------------------------------------
    @property
    def plan(self) -> dict[str, Any]:
        return self.doc["plan"]  # type: ignore[no-any-return]

    @property
    def plan_id(self) -> str:
        return str(self.plan["id"])

    @property
    def report_year(self) -> int:
        return int(self.plan["report_year"])

    @cached_property
    def content_hash(self) -> str:
        """The plan's content, as templates record it. Contact data (a department's e-mail
        address) is left out: adding an address does not make returned files "older"; so is
        the schema version (see :data:`HASHED_SCHEMA_VERSION`)."""
        doc = {**self.doc, "schema_version": HASHED_SCHEMA_VERSION,
               "departments": [{k: v for k, v in d.items() if k != "email"}
                               for d in self.doc.get("departments", [])]}
        return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()

    # ---- structure -----------------------------------------------------------------------
    @property
    def goals(self) -> list[dict[str, Any]]:
        return self.doc["goals"]  # type: ignore[no-any-return]

    @cached_property
    def initiatives(self) -> list[InitiativeView]:
        return [InitiativeView(g, a, i) for g in self.goals for a in g["activities"]
                for i in a["initiatives"]]

    @cached_property
    def initiative_by_id(self) -> dict[str, InitiativeView]:
        return {i.id: i for i in self.initiatives}

    def indicators(self) -> Iterator[tuple[InitiativeView, dict[str, Any]]]:
        for ini in self.initiatives:
            for ind in ini.data["indicators"]:
                yield ini, ind

    @cached_property
    def measures(self) -> list[MeasureView]:
        return [MeasureView(ini, ind, m) for ini, ind in self.indicators() for m in ind["measures"]]

    @cached_property
    def measure_by_id(self) -> dict[str, MeasureView]:
        return {m.id: m for m in self.measures}

    # ---- reporting departments -----------------------------------------------------------
    @property
    def departments(self) -> list[dict[str, Any]]:
        return self.doc["departments"]  # type: ignore[no-any-return]

    @property
    def department_names(self) -> list[str]:
        return [d["name"] for d in self.departments]

    @cached_property
    def _current_names(self) -> dict[str, str]:
        names = {alias: d["name"] for d in self.departments for alias in d.get("aliases") or []}
        names.update((d["name"], d["name"]) for d in self.departments)
        return names

    def department_for(self, name: str) -> str | None:
        """The department's name now, for its name or a former name (alias); None when the
        catalog knows neither."""
        return self._current_names.get(name)

    def names_of(self, department: str) -> set[str]:
        """The department's name and its former names."""
        return {n for n, now in self._current_names.items() if now == department}

    def organisation_of(self, department: str) -> str | None:
        for d in self.departments:
            if d["name"] == department:
                return str(d["organisation"])
        return None

    def email_of(self, department: str) -> str | None:
        """The department's e-mail address, when the catalog has one."""
        for d in self.departments:
            if d["name"] == department:
                return d.get("email") or None
        return None

    def initiatives_for(self, department: str) -> list[InitiativeView]:
        """Initiatives the department reports on: it is a reporter, or it owns an indicator."""
        owned = {m.initiative.id for m in self.measures if m.owner == department}
        return [i for i in self.initiatives
                if department in i.reporter_departments() or i.id in owned]

    def measures_owned_by(self, department: str) -> list[MeasureView]:
        return [m for m in self.measures if m.owner == department]
