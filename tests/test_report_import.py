"""The report importer on the seed report (last year's real report) and on small snippets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from consolidator.plan.catalog import Catalog, default_plan_text, dump_json
from consolidator.plan.report_import.importer import import_report
from helpers.paths import OVERRIDES, SEED_REPORT

DEPARTMENTS = ["地域福祉課", "高齢福祉課", "協働推進課", "障がい福祉課", "子育て保健課",
               "学校教育課",
               "生活安全課", "介護保険課", "ふるさと産業振興課", "社会教育課", "こども未来課",
               "防災危機管理課", "健康増進課", "都市計画課", "中央図書館", "人権推進課"]


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED_REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def overrides() -> dict[str, Any]:
    return json.loads(OVERRIDES.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def imported(seed: str, overrides: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    return import_report(seed, overrides)


@pytest.fixture(scope="module")
def catalog(imported: tuple[dict[str, Any], Any]) -> Catalog:
    return Catalog(imported[0])


@pytest.fixture(scope="module")
def raw_import(seed: str) -> tuple[dict[str, Any], Any]:
    return import_report(seed)


def indicator(cat: Catalog, ind_id: str) -> dict[str, Any]:
    for _, ind in cat.indicators():
        if ind["id"] == ind_id:
            return ind
    raise KeyError(ind_id)


# ---- structure --------------------------------------------------------------------------

def test_structure_counts(catalog: Catalog) -> None:
    assert len(catalog.goals) == 3
    assert sum(len(g["activities"]) for g in catalog.goals) == 10
    assert len(catalog.initiatives) == 30
    assert [i.id for i in catalog.initiatives][:4] == ["1-1-1", "1-1-2", "1-1-3", "1-2-1"]
    assert catalog.initiatives[-1].id == "3-1-4"


@pytest.mark.parametrize(("item_id", "title"), [
    ("1", "地域福祉を推進するひとづくり"),
    ("2", "安全に安心して生活できる地域の輪づくり"),
    ("3", "利用しやすい福祉サービスの仕組みづくり"),
    ("1-3", "企業の社会貢献活動や福祉施設の地域貢献活動の推進"),
    ("2-3", "地域の支えあい活動の推進"),  # the heading's spelling (TOC: 支え合い)
    ("1-1-1", "担い手の確保と育成の支援"),
    ("1-1-3", "新たな財源の確保"),
    ("2-1-1", "地域の生活課題や住民の個別課題を発見・把握する仕組みの充実"),
    ("2-6-2", "福祉員活動の強化と住民への周知・啓発"),
    ("3-1-3", "制度横断的な福祉のサービスの提供の仕組みづくり"),
    ("3-1-4", "新たな包括的支援体制の構築"),
])
def test_titles_from_headings(catalog: Catalog, item_id: str, title: str) -> None:
    items = {g["id"]: g["title"] for g in catalog.goals}
    items |= {a["id"]: a["title"] for g in catalog.goals for a in g["activities"]}
    items |= {i.id: i.title for i in catalog.initiatives}
    assert items[item_id] == title


def test_plan_facts(catalog: Catalog) -> None:
    plan = catalog.plan
    assert plan["name"] == "山口市地域福祉計画・山口市地域福祉活動計画"
    assert plan["vision"] == ("みんなとともに支え合い、誰もがその人らしく、住みなれた地域で"
                              "安心して暮らせる福祉のまちづくり")
    assert plan["report_year"] == 2022
    assert plan["previous_report"]["year"] == 2021
    assert plan["period"] == {"start": 2018, "end": 2022}
    assert catalog.plan_id == "yamaguchi-chiiki-fukushi-2018"


def test_departments(catalog: Catalog) -> None:
    assert catalog.department_names == ["市社協", *DEPARTMENTS]
    assert catalog.organisation_of("市社協") == "市社協"
    assert {catalog.organisation_of(d) for d in DEPARTMENTS} == {"市"}


@pytest.mark.parametrize("department", ["市社協", *DEPARTMENTS])
def test_every_department_reports_on_an_initiative(catalog: Catalog, department: str) -> None:
    assert catalog.initiatives_for(department)
    assert any(department in i.reporter_departments() for i in catalog.initiatives)


def test_reporters(catalog: Catalog) -> None:
    i = catalog.initiative_by_id["1-1-1"]
    assert i.reporter_departments() == ["市社協", "地域福祉課", "高齢福祉課", "協働推進課"]
    assert i.categories("市社協") == ["独自", "受託", "補助"]
    assert catalog.initiative_by_id["1-2-2"].categories("市社協") == ["受託"]
    # brackets of the plan come first, then the results rows (2-4-1: 地域福祉課 row without 市)
    assert catalog.initiative_by_id["2-4-1"].reporter_departments() == ["市社協", "防災危機管理課",
                                                                  "地域福祉課"]
    # the shared row of six departments (3-1-1, line 938)
    assert catalog.initiative_by_id["3-1-1"].reporter_departments() == [
        "市社協", "地域福祉課", "高齢福祉課", "介護保険課", "障がい福祉課", "こども未来課",
        "子育て保健課"]


# ---- actions ----------------------------------------------------------------------------

def test_council_actions_new_tags(catalog: Catalog) -> None:
    acts = [a for a in catalog.initiative_by_id["1-1-1"].data["actions"]
            if a["organisation"] == "市社協"]
    assert [a["label"] for a in acts] == ["①", "②", "③", "④", "⑤"]
    assert [a["new"] for a in acts] == [False, True, True, True, False]
    assert acts[1]["text"].startswith("ボランティア等の人材養成講座の開催(災害ボランティア研修会、")
    assert "【新規】" not in acts[1]["text"]
    assert acts[2]["text"] == ("福祉人材育成講座の開催(小学生(高学年)及び中学生対象の"
                               "職場体験講座の開催)")


def test_city_actions_and_brackets(catalog: Catalog) -> None:
    acts = [a for a in catalog.initiative_by_id["2-4-2"].data["actions"]
            if a["organisation"] == "市"]
    assert acts == [{"organisation": "市", "number": 1, "label": "・",
                     "text": "災害ボランティア活動に対する総合的な支援", "new": False,
                     "departments": ["防災危機管理課", "地域福祉課"]}]
    # brackets that are not departments stay in the text (1-2-2 ①〔小・中学校対象〕)
    first = catalog.initiative_by_id["1-2-2"].data["actions"][0]
    assert first["text"] == "福祉教育情報交換会〔小・中学校対象〕の開催"
    new_city = [a for a in catalog.initiative_by_id["1-3-2"].data["actions"]
                if a["organisation"] == "市"]
    assert new_city[0]["new"] is True
    assert new_city[0]["departments"] == ["地域福祉課"]
    assert new_city[0]["text"] == "市社会福祉法人地域公益活動推進協議会への支援"


# ---- indicators -------------------------------------------------------------------------

def test_78_indicators(catalog: Catalog) -> None:
    inds = [ind for _, ind in catalog.indicators()]
    assert len(inds) == 78
    assert len({i["id"] for i in inds}) == 78
    assert sum(1 for i in inds if i["organisation"] == "市社協") == 48
    assert sum(1 for i in inds if i["organisation"] == "市") == 30


@pytest.mark.parametrize(("ind_id", "name", "target"), [
    ("1-1-1-s1", "地域ニーズに対するボランティア養成講座", "H30(2018)～ 年2地区"),
    ("1-1-1-c1", "介護予防・生活支援サポーター登録者数", "H32(2020) 250人"),
    ("1-1-2-s1", "地区社協連研修会", "年2回以上"),
    ("1-1-2-s2", "市ボ連研修会", "年2回 交流会 年1回"),
    ("1-1-2-s3", "地域交流スペースの状況把握のための調査", "H30(2018)"),
    ("1-1-3-c1", "多様な寄付の在り方についての検討 会議を開催", "年1回"),
    ("1-2-1-s1", "指定小学校", "年2校 指定中学校 年2校 指定高等学校年1校"),
    ("1-2-1-c1", "やまぐち路傍塾年間活動件数", "H32 (2020) 2,000 件"),
    ("1-2-2-c1", "福祉教育推進協力校", "毎年 8 校"),
    ("1-2-4-c1", "点字・声の広報等発行の延べ利用人数", "H32(2020) 点訳 522 件 音訳 321 件"),
    ("2-2-2-s2", "児童館及び放課後児童クラブの運営の充実", "児童館2 放課後児童クラブ16"),
    ("2-3-3-s2", "介護予防・生活支援サポーター養成講座", "年1回×2会場"),
    ("2-6-1-c1", "委員 1 人あたりの年間活動日数", "152 日"),
    ("3-1-1-s1", "民生委員・児童委員、福祉員対象の研修会の充実", ""),
    ("3-1-3-s1", "制度の狭間の問題等に対応する事業の充実", "各事業年1回点検"),
    ("3-1-4-c1", "検討会議の開催", "年2回以上"),
])
def test_indicator_name_and_target(catalog: Catalog, ind_id: str, name: str, target: str) -> None:
    ind = indicator(catalog, ind_id)
    assert (ind["name"], ind["target"]["text"]) == (name, target)


@pytest.mark.parametrize(("measure_id", "value", "unit", "period", "qualifier", "year", "role"), [
    ("1-1-1-s1", 2, "地区", "年", None, 2018, "start"),
    ("1-1-1-c1", 250, "人", None, None, 2020, "deadline"),
    ("1-1-2-s1", 2, "回", "年", "以上", None, None),
    ("1-1-3-s1", 1, "回", "隔年", None, None, None),
    ("1-2-1-c1", 2000, "件", None, None, 2020, "deadline"),
    ("1-2-2-s1", 1, "回", "年", "各", None, None),
    ("1-2-2-c1", 8, "校", "毎年", None, None, None),
    ("1-2-3-s1", 7, "件", "年", None, None, None),
    ("1-3-1-s1", 1, "事業所", "年", None, None, None),
    ("1-3-2-s1", 70, "%", None, None, 2022, "deadline"),
    ("2-1-1-s1", 25, "地区社協", None, None, None, None),
    ("2-2-1-s1", 10, "カ所", "年", None, None, None),
    ("2-2-2-c1", 8500, "人", None, None, 2020, "deadline"),
    ("2-3-1-c1", 722, "グループ", None, "以上", 2020, "deadline"),
    ("2-5-1-s2", 3, "カ所", None, None, None, None),
    ("2-6-1-c1", 152, "日", None, None, None, None),
    ("1-1-2-s3", None, None, None, None, 2018, "deadline"),
])
def test_measure_targets(catalog: Catalog, measure_id: str, value: object, unit: str | None,
                         period: str | None, qualifier: str | None, year: int | None,
                         role: str | None) -> None:
    m = catalog.measure_by_id[measure_id].data
    assert (m["value"], m["unit"], m["period"], m["qualifier"], m["year"], m["year_role"]) == (
        value, unit, period, qualifier, year, role)
    assert m["percent"] is (unit == "%")


@pytest.mark.parametrize(("ind_id", "labels", "values"), [
    ("1-1-2-s2", ["市ボ連研修会", "交流会"], [2, 1]),
    ("1-2-1-s1", ["指定小学校", "指定中学校", "指定高等学校"], [2, 2, 1]),
    ("1-2-4-c1", ["点訳", "音訳"], [522, 321]),
    ("2-2-2-s2", ["児童館", "放課後児童クラブ"], [2, 16]),
])
def test_compound_measures(catalog: Catalog, ind_id: str, labels: list[str],
                           values: list[int]) -> None:
    ms = indicator(catalog, ind_id)["measures"]
    assert [m["id"] for m in ms] == [f"{ind_id}{c}" for c in "abc"[:len(labels)]]
    assert [m["label"] for m in ms] == labels
    assert [m["value"] for m in ms] == values


def test_compound_shares_year(catalog: Catalog) -> None:
    ms = indicator(catalog, "1-2-4-c1")["measures"]
    assert [(m["year"], m["year_role"], m["unit"]) for m in ms] == [(2020, "deadline", "件")] * 2


def test_unit_missing_in_plan_is_fixed_by_override(catalog: Catalog,
                                                   raw_import: tuple[dict[str, Any], Any]) -> None:
    assert [m["unit"] for m in indicator(catalog, "2-2-2-s2")["measures"]] == ["カ所", "カ所"]
    raw = Catalog(raw_import[0])
    assert [m["unit"] for m in indicator(raw, "2-2-2-s2")["measures"]] == [None, None]


def test_indicator_departments(catalog: Catalog) -> None:
    assert indicator(catalog, "1-2-2-c1")["departments"] == ["地域福祉課", "学校教育課"]
    assert indicator(catalog, "3-1-4-c1")["departments"] == [
        "地域福祉課", "高齢福祉課", "介護保険課", "障がい福祉課", "協働推進課", "子育て保健課",
        "健康増進課"]
    assert "departments" not in indicator(catalog, "1-1-1-s1")


# ---- owners -----------------------------------------------------------------------------

def test_every_indicator_has_one_owner_among_the_departments(catalog: Catalog) -> None:
    departments = set(catalog.department_names)
    for _, ind in catalog.indicators():
        assert ind["owner"] in departments
        if ind["organisation"] == "市社協":
            assert ind["owner"] == "市社協"
        else:
            assert catalog.organisation_of(ind["owner"]) == "市"


@pytest.mark.parametrize(("ind_id", "owner"), [
    ("1-1-2-c1", "地域福祉課"),        # no brackets: the row holding the value
    ("1-3-1-c1", "ふるさと産業振興課"),  # two brackets; two departments inline in one cell
    ("1-3-2-c1", "地域福祉課"),        # bracket in the actions cell
    ("2-2-1-c1", "高齢福祉課"),        # two brackets; the one that reported the value
    ("2-2-2-c1", "こども未来課"),
    ("2-4-1-c1", "防災危機管理課"),
    ("2-5-3-c1", "生活安全課"),        # shared row 生活安全課 地域福祉課: its first department
    ("3-1-1-c1", "地域福祉課"),        # shared row of six departments
])
def test_owner_rules(raw_import: tuple[dict[str, Any], Any], ind_id: str, owner: str) -> None:
    assert indicator(Catalog(raw_import[0]), ind_id)["owner"] == owner


def test_owner_undecided_is_a_finding(raw_import: tuple[dict[str, Any], Any]) -> None:
    undecided = [f.path for f in raw_import[1] if f.code == "import-no-owner"]
    assert undecided == ["1-1-3-c1", "1-2-4-c1"]


# ---- previous year's actuals ------------------------------------------------------------

@pytest.mark.parametrize(("measure_id", "text", "value", "unit", "reason"), [
    ("1-3-2-s1", "57.5%", 57.5, "%", None),
    ("2-2-2-c1", "54,604人", 54604, "人", None),
    ("1-1-3-s1", "0回", 0, "回", None),
    ("1-3-1-s2", "実績なし", None, None, "実績なし"),
    ("1-1-3-c1", "開催なし", None, None, "開催なし"),          # value line after the table
    ("1-2-4-s1", "6 件", 6, "件", None),                       # value line after the table
    ("1-2-4-c1a", "468 件", 468, "件", None),
    ("1-2-4-c1b", "504 件", 504, "件", None),
    ("1-1-2-s2a", "1回", 1, "回", None),                       # 山口市ボ連研修会
    ("1-1-2-s2b", "1回", 1, "回", None),                       # 山口市ボ連交流会
    ("1-2-1-s1a", "6校", 6, "校", None),
    ("1-2-1-s1c", "1校", 1, "校", None),
    ("2-1-2-s2", "9件", 9, "件", None),                        # 地域ケア会議(民協関連)等への出席
    ("2-2-2-s2b", "15か所", 15, "カ所", None),
    ("2-2-3-c1", "実施なし ※新型コロナウイルス感染症拡大防止対策のため", None, None, "実施なし"),
    ("1-2-2-s1", "※アンケートで実施", None, None, "その他"),
    ("2-6-1-c1", "141 日", 141, "日", None),
    ("3-1-2-s1", "19回", 19, "回", None),
    ("3-1-2-c1", "191人", 191, "人", None),
    ("1-1-1-c1", "登録者累計111人", 111, "人", None),          # override
])
def test_previous_values(catalog: Catalog, measure_id: str, text: str, value: object,
                         unit: str | None, reason: str | None) -> None:
    actual = catalog.measure_by_id[measure_id].previous_actual()
    assert actual is not None
    assert (actual["text"], actual["value"], actual["unit"], actual["reason"]) == (
        text, value, unit, reason)


def test_extra_bullets_are_kept_in_notes(catalog: Catalog) -> None:
    note = catalog.measure_by_id["1-2-1-s1a"].previous_actual()["note"]  # type: ignore[index]
    assert "福祉体験学習器材貸出件数 77件" in note
    assert "車いす:35件" in note
    assert catalog.measure_by_id["1-2-1-s2"].previous_actual() is None


def test_previous_status_and_plans(catalog: Catalog) -> None:
    prev = catalog.initiative_by_id["1-3-1"].previous
    assert prev["year"] == 2021
    assert [s["departments"] for s in prev["status"]] == [
        ["市社協"], ["ふるさと産業振興課"], ["地域福祉課"]]
    assert prev["status"][0]["category"] == "独自"
    assert prev["status"][2]["text"] == ("・市ボランティア連絡協議会事務局である"
                                         "市社協へ補助金を交付し、"
                                         "ボランティア研修会開催等を支援")
    shared = catalog.initiative_by_id["3-1-1"].previous["status"][1]
    assert shared["departments"] == ["地域福祉課", "高齢福祉課", "介護保険課", "障がい福祉課",
                               "こども未来課",
                               "子育て保健課"]
    assert shared["text"].startswith("・「障がい福祉のご案内」2,800部を作成")
    # <ul> fragments stripped
    first = catalog.initiative_by_id["2-1-1"].previous["status"][0]["text"]
    assert first.startswith("③高齢者の安否確認") and "<" not in first
    plans = catalog.initiative_by_id["2-4-1"].previous["plans"]
    assert [p["departments"] for p in plans] == [["市社協"], ["防災危機管理課"], ["地域福祉課"]]


def test_glossary(catalog: Catalog) -> None:
    g = catalog.initiative_by_id["1-1-3"].data["glossary"]
    assert [t["term"] for t in g] == ["募金百貨店プロジェクト", "クラウドファンディング"]
    last = catalog.initiative_by_id["2-4-1"].data["glossary"][-1]
    assert last["term"] == "避難行動要支援者避難マイプラン"


# ---- the shipped default ----------------------------------------------------------------

def test_default_plan_is_the_import(imported: tuple[dict[str, Any], Any]) -> None:
    assert dump_json(imported[0]) == default_plan_text()


def test_every_override_is_used(imported: tuple[dict[str, Any], Any]) -> None:
    assert "import-override-unused" not in imported[1].codes()
    assert "import-override-invalid" not in imported[1].codes()


def test_findings_without_overrides_have_lines(raw_import: tuple[dict[str, Any], Any]) -> None:
    findings = raw_import[1]
    by_code: dict[str, list[str]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f.message)
    assert any("509行目" in m for m in by_code["import-figure-text"])
    assert any("573行目" in m and "支え合い" in m for m in by_code["import-toc-differs"])
    assert any("147行目" in m and "車いす" in m for m in by_code["import-extra-actual"])
    assert "import-plan-assumed" in by_code
    assert "import-unplaced" not in by_code
    assert "import-structure" not in by_code


# ---- small synthetic reports ------------------------------------------------------------

HEAD = """山口市地域福祉計画実施状況報告(令和3年度実施状況・令和4年度実施予定)

2 施策・事業の推進

基本目標 1 ひとづくり

活動目標 1 人材の育成

① 担い手の確保
"""


def snippet(body: str) -> tuple[dict[str, Any], Any]:
    return import_report(HEAD + body)


def actuals(ini: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """measure id → its actual of the previous report's year, as the report wrote it (the
    history entry without its year and target)."""
    year = ini["previous"]["year"]
    return {m["id"]: {k: v for k, v in h.items() if k not in ("year", "target")}
            for ind in ini["indicators"] for m in ind["measures"]
            for h in m.get("history", []) if h["year"] == year}


def test_snippet_inline_and_shared_departments() -> None:
    doc, findings = snippet(
        "■計画\n"
        "\t活動目標の実現に向けた取り組み\t主な活動指標等\n"
        "市社協\t①講座の開催【新規】 ②周知\t・養成講座 年2回\n"
        "市\t・支援 〔高齢福祉課〕\t・登録者数 H32(2020) 250人\n"
        "■令和3年度実績\n"
        "令和3年度実施状況\t\t令和3年度実績値\n"
        "市社協\t【独自】 ①講座を開催\t・養成講座 1回\n"
        "市\t地域福祉課 ・委託 高齢福祉課 ・講座を開催\t・登録者数 111人\n"
        "\t生活安全課 協働推進課\t・啓発\t\n"
        "■令和4年度予定\n"
        "市社協\t【受託】\t①講座を開催\n"
        "市\t地域福祉課 ・委託\n")
    ini = doc["goals"][0]["activities"][0]["initiatives"][0]
    assert ini["id"] == "1-1-1"
    assert [a["new"] for a in ini["actions"]] == [True, False, False]
    assert ini["actions"][2]["departments"] == ["高齢福祉課"]
    assert [s["departments"] for s in ini["previous"]["status"]] == [
        ["市社協"], ["地域福祉課"], ["高齢福祉課"], ["生活安全課", "協働推進課"]]
    assert ini["indicators"][1]["owner"] == "高齢福祉課"
    assert actuals(ini)["1-1-1-c1"]["value"] == 111
    assert actuals(ini)["1-1-1-s1"]["value"] == 1
    assert [r["department"] for r in ini["reporters"]] == [
        "市社協", "高齢福祉課", "地域福祉課", "生活安全課", "協働推進課"]
    assert ini["reporters"][0]["categories"] == ["独自", "受託"]
    assert "import-unplaced" not in findings.codes()


def test_snippet_trailing_value_lines_and_unknown_lines() -> None:
    doc, findings = snippet(
        "■計画\n"
        "市社協\t①講座\t・講座 年1回\n"
        "市\t・検討\t・検討会議の開催 年1回\n"
        "■令和3年度実績\n"
        "市社協\t【独自】\t①講座\t・講座 0回\n"
        "市\t協働推進課\t・検討\t\n"
        "\n"
        "・検討会議の開催\n"
        "開催なし\n"
        "なぞの行\n"
        "■令和4年度予定\n"
        "市社協\t【独自】\t①講座\n")
    ini = doc["goals"][0]["activities"][0]["initiatives"][0]
    values = actuals(ini)
    assert values["1-1-1-s1"]["value"] == 0
    assert values["1-1-1-c1"] == {"text": "開催なし", "value": None, "unit": None,
                                  "reason": "開催なし", "note": None}
    assert ini["indicators"][1]["owner"] == "協働推進課"  # the only city reporter, with a finding
    assert "import-no-owner" in findings.codes()
    unplaced = [f for f in findings if f.code == "import-unplaced"]
    assert [f.value for f in unplaced] == ["なぞの行"]
    assert "19行目" in unplaced[0].message


def test_snippet_department_first_column_and_unmatched_value() -> None:
    doc, findings = snippet(
        "■計画\n"
        "市社協\t①見守り\t・研修会 年1回\n"
        "市\t・支援\t・割合 H32(2020) 70%\n"
        "■令和3年度実績\n"
        "市\t防災危機管理課 ・講座\t・割合 66.5%\n"
        "地域福祉課\t・名簿の更新\t\n"
        "市社協\t【受託】 ①研修\t・まったく別の数 3件\n"
        "■令和4年度予定\n"
        "地域福祉課\t・マイプラン\n")
    ini = doc["goals"][0]["activities"][0]["initiatives"][0]
    assert [s["departments"] for s in ini["previous"]["status"]] == [
        ["防災危機管理課"], ["地域福祉課"], ["市社協"]]
    assert actuals(ini)["1-1-1-c1"]["value"] == 66.5
    assert ini["indicators"][1]["measures"][0]["percent"] is True
    assert "import-unmatched-actual" in findings.codes()
    assert "1-1-1-s1" not in actuals(ini)


def test_override_unused_and_invalid() -> None:
    _, findings = import_report(HEAD + "■計画\n市社協\t①見守り\t・研修会 年1回\n", {
        "overrides": [
            {"why": "x", "indicator": "9-9-9-s1", "field": "owner", "value": "市社協"},
            {"indicator": "1-1-1-s1", "field": "owner", "value": "市社協"},
            {"why": "ok", "measure": "1-1-1-s1", "field": "unit", "value": "回"},
        ]})
    assert findings.codes().count("import-override-unused") == 1
    assert findings.codes().count("import-override-invalid") == 1
    assert any(f.code == "import-block-missing" for f in findings)
