"""The plan catalog: loading, the embedded default, and read access for the rest of the toolkit.

The catalog is a JSON document (schema: ``data/catalog.schema.json``). This module keeps it
as plain dicts and offers flattened, ordered views (initiatives, indicators, measures, units)
with their parents attached, so the template, the validator and the master walk the plan the
same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

COUNCIL = "市社協"
CITY = "市"
CATEGORIES = ("独自", "受託", "補助")
DEFAULT_PLAN_NAME = "default_plan.json"


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

    def reporter_units(self) -> list[str]:
        return [r["unit"] for r in self.data.get("reporters", [])]

    def categories(self, unit: str) -> list[str]:
        for r in self.data.get("reporters", []):
            if r["unit"] == unit:
                return list(r.get("categories", []))
        return []

    @property
    def previous(self) -> dict[str, Any]:
        return self.data.get("previous") or {"year": None, "values": {}, "status": [], "plans": []}


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
        return str(self.indicator["owner"])

    @property
    def name(self) -> str:
        """The indicator's name, with the part label for a compound target."""
        label = self.data.get("label")
        name = str(self.indicator["name"])
        return f"{name}({label})" if label and label != name else name

    @property
    def unit(self) -> str | None:
        return self.data.get("unit")

    @property
    def percent(self) -> bool:
        return bool(self.data.get("percent")) or self.data.get("unit") == "%"

    def previous_actual(self) -> dict[str, Any] | None:
        values = self.initiative.previous.get("values", {})
        return values.get(self.id)  # type: ignore[no-any-return]


class Catalog:
    """Read access to a plan catalog document."""

    def __init__(self, doc: dict[str, Any], source: str = "(既定の計画)") -> None:
        self.doc = doc
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

    @classmethod
    def load(cls, path: str | Path | None) -> Catalog:
        return cls.default() if path is None else cls.from_path(path)

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

    @property
    def previous_year(self) -> int | None:
        prev = self.plan.get("previous_report")
        return int(prev["year"]) if prev else None

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.doc).encode("utf-8")).hexdigest()

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

    # ---- reporting units -----------------------------------------------------------------
    @property
    def units(self) -> list[dict[str, Any]]:
        return self.doc["units"]  # type: ignore[no-any-return]

    @property
    def unit_names(self) -> list[str]:
        return [u["name"] for u in self.units]

    def organisation_of(self, unit: str) -> str | None:
        for u in self.units:
            if u["name"] == unit:
                return str(u["organisation"])
        return None

    def initiatives_for(self, unit: str) -> list[InitiativeView]:
        """Initiatives the unit reports on: it is a reporter, or it owns one of the indicators."""
        owned = {m.initiative.id for m in self.measures if m.owner == unit}
        return [i for i in self.initiatives if unit in i.reporter_units() or i.id in owned]

    def measures_owned_by(self, unit: str) -> list[MeasureView]:
        return [m for m in self.measures if m.owner == unit]


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(n: int) -> str:
    return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else f"({n})"


def uncircle(mark: str) -> int | None:
    idx = _CIRCLED.find(mark)
    return idx + 1 if idx >= 0 else None
