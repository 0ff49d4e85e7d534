"""What changed between two plan catalogs (``consolidator plan diff``).

Templates carry the hash of the catalog they were built from; when a returned file is
reported as built from an older catalog, this says what is different: departments (a
department of the new catalog naming an old one as its former name is a rename),
initiatives, indicators, owners, targets and each measure's 増減確認の倍率 (``change_factor``:
set, changed, or back to the default). The previous-report content and the past years'
values are not compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from consolidator.japanese_values import format_number
from consolidator.messages import DIFF_TEXT, OUTPUT_TEXT, fill
from consolidator.plan.catalog import Catalog
from consolidator.plan.change_rule import DEFAULT_CHANGE_FACTOR


@dataclass(frozen=True)
class Change:
    kind: str  # a key of messages.DIFF_TEXT
    ident: str
    before: str = ""
    after: str = ""

    @property
    def text(self) -> str:
        return fill(DIFF_TEXT[self.kind], id=self.ident, before=self.before, after=self.after)


def diff_plans(old: Catalog, new: Catalog) -> list[Change]:
    """Every change from ``old`` to ``new``, in a stable order: departments, initiatives,
    indicators, then each kept indicator's owner, target and its measures' change factors."""
    changes: list[Change] = []
    renamed = {d: now for d in old.department_names
               if d not in new.department_names and (now := new.department_for(d)) is not None}
    for old_name, new_name in renamed.items():
        changes.append(Change("department-renamed", new_name, old_name, new_name))
    _keyed(changes, "department",
           {d["name"]: d["organisation"] for d in old.departments if d["name"] not in renamed},
           {d["name"]: d["organisation"] for d in new.departments
            if d["name"] not in renamed.values()}, compare=False)
    old_ini = {i.id: i.title for i in old.initiatives}
    new_ini = {i.id: i.title for i in new.initiatives}
    _keyed(changes, "initiative", old_ini, new_ini)
    old_ind = {ind["id"]: ind for _, ind in old.indicators()}
    new_ind = {ind["id"]: ind for _, ind in new.indicators()}
    _keyed(changes, "indicator", {k: v["name"] for k, v in old_ind.items()},
           {k: v["name"] for k, v in new_ind.items()})
    for key in sorted(old_ind.keys() & new_ind.keys()):
        before, after = old_ind[key], new_ind[key]
        if new.department_for(before["owner"]) != after["owner"]:  # not a rename
            changes.append(Change("owner-changed", key, before["owner"], after["owner"]))
        if _targets(before) != _targets(after):
            changes.append(Change("target-changed", key, before["target"]["text"],
                                  after["target"]["text"] + _parts(after)))
        _factors(changes, before, after)
    return changes


def _keyed(changes: list[Change], what: str, old: dict[str, str], new: dict[str, str],
           compare: bool = True) -> None:
    for key in sorted(old.keys() - new.keys()):
        changes.append(Change(f"{what}-removed", key, old[key]))
    for key in sorted(new.keys() - old.keys()):
        changes.append(Change(f"{what}-added", key, after=new[key]))
    if compare:
        for key in sorted(old.keys() & new.keys()):
            if old[key] != new[key]:
                changes.append(Change(f"{what}-renamed", key, old[key], new[key]))


def _factors(changes: list[Change], before: dict[str, Any], after: dict[str, Any]) -> None:
    """Each measure's own change factor set, changed or removed (a measure added to the
    indicator counts as having had none; one removed is the target's change)."""
    old = {m["id"]: m.get("change_factor") for m in before["measures"]}
    default = format_number(DEFAULT_CHANGE_FACTOR)
    for m in after["measures"]:
        was, now = old.get(m["id"]), m.get("change_factor")
        if was == now:
            continue
        if was is None:
            changes.append(Change("change-factor-added", m["id"], default, format_number(now)))
        elif now is None:
            changes.append(Change("change-factor-removed", m["id"], format_number(was), default))
        else:
            changes.append(Change("change-factor-changed", m["id"], format_number(was),
                                  format_number(now)))


def _targets(ind: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(m["id"], m["value"], m["unit"], m["period"], m["qualifier"], m["year"])
            for m in ind["measures"]] + [(ind["target"]["text"],)]


def _parts(ind: dict[str, Any]) -> str:
    shown = [f"{m['value']}{m['unit'] or ''}" for m in ind["measures"] if m["value"] is not None]
    return f"({OUTPUT_TEXT['list-separator'].join(shown)})" if shown else ""
