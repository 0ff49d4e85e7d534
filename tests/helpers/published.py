"""The seed's own year made into a published report, and its fidelity to the seed: shared by
the tests of every form of the published report (HTML, PDF, Word), each reading its own
form's text back."""

from __future__ import annotations

import copy
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from consolidator.cache.store import cache_path
from consolidator.jobs.publishing import run_report
from consolidator.jobs.runs import run_consolidate
from consolidator.plan.catalog import Catalog
from consolidator.plan.conformance import plan_findings
from consolidator.publish.model import value_line
from consolidator.templates.generate import generate_templates
from helpers.filling import by_department, seed_values, submit_all
from helpers.made_once import made_once

SEED_YEAR = 2021
SEED_TEXT = Path(__file__).parent.parent / "data" / "seed_report_r3.txt"
SEED_HTML = "令和3年度_実施状況報告.html"
SEED_DOCX = "令和3年度_実施状況報告.docx"


def squeeze(text: str) -> str:
    """NFKC, no whitespace; the two bracket forms the seed uses for a responsible department
    (〔地域福祉課〕 and [地域福祉課]) read alike: the catalog keeps the departments a plan line
    names, not which bracket that page happened to use."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return text.replace("[", "〔").replace("]", "〕")



def stripped_catalog(original: Catalog) -> Catalog:
    """The default catalog without any 令和3 text or value: each initiative's previous report
    dropped, every measure's actual of 2021 dropped, the previous report's title dropped."""
    doc = copy.deepcopy(original.doc)
    doc["plan"].pop("previous_report", None)
    for goal in doc["goals"]:
        for activity in goal["activities"]:
            for ini in activity["initiatives"]:
                ini.pop("previous", None)
                for indicator in ini["indicators"]:
                    for m in indicator["measures"]:
                        m["history"] = [h for h in m.get("history") or []
                                        if h["year"] != SEED_YEAR]
    return Catalog(doc)



def make_seed_report(root: Path) -> dict[str, Any]:
    """The seed's 実施状況, 予定 and 実績値 typed into the 令和3 templates of a catalog that
    holds none of them, published under ``root / "output"`` (``report``), and consolidated
    under ``root / "consolidated"`` (``consolidate``: the master, next year's plan; its
    result cache a copy of the report's, so the files are checked once)."""
    original = Catalog.default()
    catalog = stripped_catalog(original)
    assert plan_findings(catalog.doc).valid
    assert all(not i.data.get("previous") for i in catalog.initiatives)
    assert all(m.actual_of(SEED_YEAR) is None for m in catalog.measures)
    templates = by_department(generate_templates(catalog, SEED_YEAR, root / "templates"))
    submit_all(templates, root / "submissions",
               values=lambda _department, template: seed_values(original, template))
    job = run_report(root / "submissions", catalog, SEED_YEAR, root / "output")
    (root / "consolidated").mkdir()
    shutil.copy2(cache_path(root / "output"), cache_path(root / "consolidated"))
    consolidated = run_consolidate(root / "submissions", catalog, SEED_YEAR,
                                   root / "consolidated")
    folder = root / "output" / "公表"
    return {"original": original, "catalog": catalog, "job": job, "root": root,
            "folder": folder, "html": folder / SEED_HTML, "consolidated": consolidated}


def shared_seed_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """:func:`make_seed_report` made once for the whole test run (:mod:`helpers.made_once`):
    the seed's year takes seconds to publish and four test files read it."""
    return dict(made_once(tmp_path_factory, "seed_report", make_seed_report))


def _seed_lines() -> list[tuple[int, str]]:
    """(line number, line) of every line of the seed with text; the PDF extraction's own
    markup (``<p>``, ``<ul style=…>``) is not the document's text and is removed."""
    out = []
    for n, line in enumerate(SEED_TEXT.read_text("utf-8").splitlines(), start=1):
        text = re.sub(r"<[^>]*>", "", line)
        if text.strip():
            out.append((n, text))
    return out


# Lines of the seed that no template field can give, each with its reason. Found by reading
# every line the report did not hold (see test_fidelity_to_the_seed).
TOC_REASON = "目次の行: 取組みの並びとページ番号(HTML にページ番号はなく、目次は見出しへのリンク)"
RUNNING_HEAD = "ページの柱(各ページの上に繰り返す章名): 本文ではない"
FIGURE_REASON = "写真・図の中の文字(キャプション、図の説明): 様式に欄がない"
FIGURES = {
    138: "写真「車いす体験」", 142: "写真「高齢者疑似体験」", 322: "写真「設立総会」",
    393: "写真「小地域福祉活動計画」", 471: "写真「子育てサロン連絡会」", 509: "写真の中の文字",
    511: "写真「ブルーライトアップ」", 513: "写真の説明", 647: "イメージ図の題",
    651: "イメージ図の説明", 652: "イメージ図の説明",
    728: "写真「災害ボランティアセンター模擬訓練」",
    765: "写真「見守り隊の活動」", 854: "写真「ブロック別研修会」", 1038: "イメージ図の題",
    1040: "イメージ図の説明",
}
# A compound indicator's parts on lines of their own (「点訳 468 件」): the report writes
# 「・点字・声の広報等発行の延べ利用人数(点訳) 468件」 (checked in the test).
VALUE_PARTS = {260: "点字・声の広報等発行の延べ利用人数(点訳) 468件",
               261: "点字・声の広報等発行の延べ利用人数(音訳) 504件"}
VALUE_PARTS_REASON = "複合指標の内訳の値だけの行: 公表資料は指標名(内訳)と値を一行に書く"
ACTUAL_WORDING = ("実績値の欄の書きぶり(出席者数などの注記、指標名と違う言い方、単位): "
                  "様式は指標ごとに数値(または理由)を受け取り、公表資料は指標名と数値で書く。"
                  "その行の残りと、各指標の「・指標名 数値」は公表資料にあることを確かめた")


# Seed lines the report does not hold, each with its cause (counted as missing in the share).
KNOWN_MISSING = {
    133: "【新規】 stands inside the action's parenthesis in the seed; the catalog marks the "
         "action new and the report puts the tag after it",
    317: "the same: 【新規】 before the action's ※ notes in the seed, after them in the report",
    294: "two departments' different texts in one row of the seed; the report gives each its "
         "own row (different texts: a row each)",
    659: "the seed's own wording of the actual (第2層コーディネーターを7人配置); the report writes "
         "the indicator's name with the number (生活支援コーディネーターを配置 7人)",
    969: "the measure has no unit in the catalog (its target 定期的な開催 has no number): the "
         "report writes 19, the seed 19回",
}


def _classify(n: int, line: str, toc: range) -> str | None:
    """Why seed line ``n`` has no template field (None: it has, and must be found)."""
    if n in toc:
        return TOC_REASON
    if re.fullmatch(r"2\.?\s*施策・事業の推進", line.strip()):
        return RUNNING_HEAD
    if n in FIGURES:
        return f"{FIGURE_REASON}: {FIGURES[n]}"
    if n in VALUE_PARTS:
        return VALUE_PARTS_REASON
    return None


def _wording_only(line: str, text: str, value_lines: list[str]) -> bool:
    """A 実績 row whose only difference is its 実績値 cell: the row without that cell is in
    the report, and the values cell names indicators whose 「・指標名 数値」 lines are too."""
    cells = [c for c in line.split("\t") if c.strip()]
    if len(cells) < 2:
        return False
    rest, last = "".join(cells[:-1]), squeeze(cells[-1])
    if squeeze(rest) not in text:
        return False
    shown = [v for v in value_lines if squeeze(v) in text]
    return any(squeeze(v).split("・", 1)[-1][:4] in last for v in shown) or "※" in last



@dataclass
class Fidelity:
    found: int = 0
    missing: list[tuple[int, str]] = field(default_factory=list)
    excluded: dict[int, str] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.found / (self.found + len(self.missing))

    @property
    def report(self) -> str:
        return (f"{self.found} of {self.found + len(self.missing)} seed lines found "
                f"({self.share:.1%}); {len(self.excluded)} excluded:\n"
                + "\n".join(f"  line {n}: {r[:40]}" for n, r in sorted(self.excluded.items()))
                + "\nmissing:\n"
                + "\n".join(f"  line {n}: {line}" for n, line in self.missing))


def fidelity(text: str, job: Any) -> Fidelity:
    """Which seed lines ``text`` (a form's text, squeezed) holds, which it misses, and which
    are excluded (no template field can give them), each with its reason."""
    value_lines = [value_line(m) for m in job.consolidated.measures]
    lines = _seed_lines()
    toc_heading = next(n for n, line in lines if squeeze(line) == "目次")
    first_chapter = next(n for n, line in lines if "施策・事業の推進" in line)
    toc = range(toc_heading + 1, first_chapter)  # the title and 目次 itself are checked
    out = Fidelity()
    for n, line in lines:
        reason = _classify(n, line, toc)
        if (reason is None and n not in KNOWN_MISSING and squeeze(line) not in text
                and _wording_only(line, text, value_lines)):
            reason = ACTUAL_WORDING
        if reason is not None:
            out.excluded[n] = reason
        elif squeeze(line) in text:
            out.found += 1
        else:
            out.missing.append((n, line[:120]))
    return out


def assert_faithful(result: Fidelity, text: str, extra_missing: dict[int, str] | None = None
                    ) -> None:
    """≥ 98 % of the seed's lines; every missing line has a known cause; few exclusions."""
    print(result.report)
    for n, shown in VALUE_PARTS.items():
        assert squeeze(shown) in text, (n, shown)
    assert result.share >= 0.98, result.report
    known = set(KNOWN_MISSING) | set(extra_missing or {})
    assert {n for n, _ in result.missing} <= known, result.report  # a new loss has a cause
    assert len([r for r in result.excluded.values() if r == ACTUAL_WORDING]) <= 20
    assert len(result.excluded) <= 80


def assert_seed_fidelity(text: str, report: dict[str, Any],
                         initiative_headings: list[str]) -> Fidelity:
    """:func:`assert_faithful` for ``text`` (a form of ``report``, :func:`make_seed_report`'s,
    read back and squeezed), and more: every 実施状況 and 予定 text of the seed is in it, and its
    取組み headings are the seed's, in order."""
    assert initiative_headings == [f"{i.label} {i.title}" for i in report["catalog"].initiatives]
    for ini in report["original"].initiatives:
        for section in ("status", "plans"):
            for row in ini.previous[section]:
                assert squeeze(row["text"]) in text, (ini.id, section, row["text"][:40])
    result = fidelity(text, report["job"])
    assert_faithful(result, text)
    return result
