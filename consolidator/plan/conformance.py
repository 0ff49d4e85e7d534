"""Checking a plan catalog: every JSON Schema error and every consistency error, at once.

A schema error keeps the consistency checks from running only when it is in what they read
(:data:`COMPARED_KEYS`: the structure of goals, initiatives, indicators, measures and
departments; the ids, names, departments, organisations, target values, units and history
years they compare): there they would report its consequences, or fail. Elsewhere (an e-mail
address, a title, a measure's period) it is reported together with the consistency errors,
so that one pass shows every problem.

Each finding names the JSON path it is about. A caller whose catalog came from somewhere
else (the plan workbook) passes ``locate`` to turn each path into its own place (a sheet and
a cell) and code.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from jsonschema import Draft202012Validator

from consolidator.findings import Findings
from consolidator.messages import OUTPUT_TEXT, SCHEMA_DETAILS, fill
from consolidator.plan.catalog import COUNCIL, schema
from consolidator.plan.migrate import upgrade
from consolidator.safe_paths import name_problem, reason_text, shown


def json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


Locate = Callable[[str, str], tuple[str, dict[str, Any]]]
"""(code, JSON path) → the code to report instead and the location fields to add."""


class _Located(Findings):
    """Findings whose JSON paths are turned into places by ``locate``."""

    def __init__(self, locate: Locate) -> None:
        super().__init__()
        self.locate = locate

    def add(self, code: str, *, value: Any = None, **where: Any) -> Any:
        if "path" in where:
            code, place = self.locate(code, str(where["path"]))
            where = {**where, **place}
        return super().add(code, value=value, **where)


def plan_findings(doc: Any, locate: Locate | None = None) -> Findings:
    """All schema errors; all consistency errors, unless a schema error is in what the
    consistency checks read.

    A catalog of an older schema version is upgraded first (:mod:`.migrate`), as every
    reader of catalogs does, so the paths in the findings are those of the current version.
    With ``locate``, each finding is reported under the code and at the place it gives.
    """
    doc = upgrade(doc)
    found = _Located(locate) if locate else Findings()
    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    for err in errors:
        found.add("plan-schema", path=json_path(err.absolute_path), detail=schema_detail(err))
    _check_file_names(doc, found)  # whatever else is wrong: these never reach a path
    if any(_in_what_is_compared(err) for err in errors):
        return found
    _check_ids(doc, found)
    _check_departments(doc, found)
    _check_targets_and_history(doc, found)
    return found


def schema_detail(err: Any) -> str:
    """A JSON Schema error in Japanese (the validator's own text is English)."""
    template = SCHEMA_DETAILS.get(err.validator)
    if template is None:
        return str(err.message)
    instance, expected = err.instance, err.validator_value
    separator = OUTPUT_TEXT["list-separator"]
    missing = extra = ""
    if err.validator == "required":  # one error per missing property, named in the message
        missing = _missing(err) or separator.join(map(str, expected))
    if err.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = set(err.schema.get("properties", {}))
        extra = OUTPUT_TEXT["quote-separator"].join(k for k in instance if k not in allowed)
    shown = repr(instance) if not isinstance(instance, (dict, list)) else type(instance).__name__
    if isinstance(expected, list):
        expected = separator.join(map(str, expected))
    return fill(template, missing=missing, extra=extra, value=shown, expected=expected)


# The keys the consistency checks read, at any depth: an error inside the part of the
# document they make up keeps the checks from running.
COMPARED_KEYS = frozenset({
    "goals", "activities", "initiatives", "indicators", "measures", "reporters", "departments",
    "previous", "status", "plans", "history", "id", "number", "name", "organisation", "owner",
    "department", "categories", "aliases", "value", "unit", "year"})


def _missing(err: Any) -> str | None:
    """The property a ``required`` error is about."""
    m = re.match(r"^'(.+)' is a required property", str(err.message))
    return m.group(1) if m else None


def _in_what_is_compared(err: Any) -> bool:
    """Whether a schema error is in what the consistency checks read: every key on its path
    (with the missing key of a ``required`` error) is one of :data:`COMPARED_KEYS`. A key
    the schema does not allow is never read."""
    if err.validator == "additionalProperties":
        return False
    keys = [p for p in err.absolute_path if isinstance(p, str)]
    if err.validator == "required":
        missing = _missing(err)
        if missing is None:  # not known which: as if compared
            return True
        keys.append(missing)
    return all(k in COMPARED_KEYS for k in keys)


def _walk(doc: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any], str | None]]:
    """(path, node, expected id) for every goal, activity and initiative."""
    for gi, goal in enumerate(doc["goals"]):
        gp = f"$.goals[{gi}]"
        yield gp, goal, str(goal["number"])
        for ai, act in enumerate(goal["activities"]):
            ap = f"{gp}.activities[{ai}]"
            yield ap, act, f"{goal['number']}-{act['number']}"
            for ii, ini in enumerate(act["initiatives"]):
                ip = f"{ap}.initiatives[{ii}]"
                yield ip, ini, f"{goal['number']}-{act['number']}-{ini['number']}"


def _initiatives(doc: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    for path, node, _ in _walk(doc):
        if "indicators" in node:
            yield path, node


def _check_ids(doc: dict[str, Any], found: Findings) -> None:
    seen: Counter[str] = Counter()
    for path, node, expected in _walk(doc):
        seen[node["id"]] += 1
        if seen[node["id"]] == 2:
            found.add("plan-duplicate-id", value=node["id"], path=f"{path}.id")
        if node["id"] != expected:
            found.add("plan-id-mismatch", value=node["id"], path=f"{path}.id", expected=expected)
    for ipath, ini in _initiatives(doc):
        for k, ind in enumerate(ini["indicators"]):
            ids = [ind["id"]] + [m["id"] for m in ind["measures"] if m["id"] != ind["id"]]
            for n, ident in enumerate(ids):
                seen[ident] += 1
                where = f"{ipath}.indicators[{k}]" + (f".measures[{n - 1}]" if n else "")
                if seen[ident] == 2:
                    found.add("plan-duplicate-id", value=ident, path=f"{where}.id")
                if not ident.startswith(ini["id"] + "-"):
                    found.add("plan-id-mismatch", value=ident, path=f"{where}.id",
                              expected=f"{ini['id']}-…")


def _check_departments(doc: dict[str, Any], found: Findings) -> None:
    departments = {d["name"]: d["organisation"] for d in doc["departments"]}
    seen: Counter[str] = Counter()
    for k, d in enumerate(doc["departments"]):
        seen[d["name"]] += 1
        if seen[d["name"]] == 2:
            found.add("plan-duplicate-id", value=d["name"], path=f"$.departments[{k}].name")
    former = _check_aliases(doc, departments, found)
    used: set[str] = set()
    for ipath, ini in _initiatives(doc):
        reporters = {r["department"] for r in ini["reporters"]}
        used |= reporters
        for k, r in enumerate(ini["reporters"]):
            rpath = f"{ipath}.reporters[{k}]"
            if r["department"] not in departments:
                found.add("plan-unknown-unit", value=r["department"], path=f"{rpath}.department")
            if r.get("categories") and r["department"] != COUNCIL:
                found.add("plan-category-not-council", value=r["department"],
                          path=f"{rpath}.categories")
        for k, ind in enumerate(ini["indicators"]):
            path = f"{ipath}.indicators[{k}].owner"
            owner = ind["owner"]
            used.add(owner)
            if owner not in departments:
                found.add("plan-unknown-unit", value=owner, path=path)
                continue
            if departments[owner] != ind["organisation"]:
                found.add("plan-owner-organisation", value=owner, path=path,
                          organisation=ind["organisation"])
            if owner not in reporters:
                found.add("plan-owner-not-reporter", value=owner, path=path,
                          initiative_id=ini["id"])
        for section in ("status", "plans"):
            for k, row in enumerate((ini.get("previous") or {}).get(section, [])):
                for department in row["departments"]:
                    if department not in departments and department not in former:
                        found.add("plan-unknown-unit", value=department,
                                  path=f"{ipath}.previous.{section}[{k}].departments")
    for k, d in enumerate(doc["departments"]):
        if d["name"] not in used and d["name"] in departments:
            found.add("plan-unit-unused", value=d["name"], path=f"$.departments[{k}].name")
            departments.pop(d["name"])  # once per name


def _check_file_names(doc: Any, found: Findings) -> None:
    """Every department's name and former name can be part of a file name
    (:func:`consolidator.safe_paths.name_problem`): its template, drafts and 確認事項 are
    named after it. Read defensively: it runs whatever the schema found."""
    departments = doc.get("departments") if isinstance(doc, dict) else None
    for k, d in enumerate(departments if isinstance(departments, list) else []):
        if not isinstance(d, dict):
            continue
        names = [(f"$.departments[{k}].name", d.get("name"))]
        aliases = d.get("aliases")
        if isinstance(aliases, list):
            names += [(f"$.departments[{k}].aliases[{n}]", a) for n, a in enumerate(aliases)]
        for path, name in names:
            if not isinstance(name, str):
                continue  # the schema's finding
            problem = name_problem(name)
            if problem is not None:
                found.add("plan-unsafe-name", value=shown(name), path=path,
                          reason=reason_text(problem, name))


def _check_aliases(doc: dict[str, Any], departments: dict[str, str], found: Findings
                   ) -> set[str]:
    """A former name (alias) belongs to one department and is no department's name now."""
    former: set[str] = set()
    for k, d in enumerate(doc["departments"]):
        for n, alias in enumerate(d.get("aliases") or []):
            path = f"$.departments[{k}].aliases[{n}]"
            if alias in departments or alias in former:
                found.add("plan-alias-conflict", value=alias, path=path)
            former.add(alias)
    return former


def _check_targets_and_history(doc: dict[str, Any], found: Findings) -> None:
    for ipath, ini in _initiatives(doc):
        for k, ind in enumerate(ini["indicators"]):
            for n, m in enumerate(ind["measures"]):
                mpath = f"{ipath}.indicators[{k}].measures[{n}]"
                if m["value"] is not None and not m["unit"]:
                    found.add("plan-target-unit-missing", value=m["value"], indicator=ind["name"],
                              path=f"{mpath}.unit")
                years = [h["year"] for h in m.get("history", [])]
                for h, year in enumerate(years):
                    if year in years[:h]:
                        found.add("plan-history-duplicate-year", value=year,
                                  indicator=ind["name"], path=f"{mpath}.history[{h}].year")
