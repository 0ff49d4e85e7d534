"""Japanese value parsing, table-driven with strings from the seed report."""

from __future__ import annotations

import math

import pytest

from consolidator.japanese_values import (
    REASONS,
    TargetPart,
    canonical_unit,
    find_reason,
    normalize_text,
    parse_fiscal_year,
    parse_quantity,
    parse_target,
    read_number,
    split_name_target,
)


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("１２人", "12人", id="wide-digits"),
    pytest.param("５７．５％", "57.5%", id="wide-percent-point"),
    pytest.param("１，９７０", "1,970", id="wide-comma"),
    pytest.param("  年 2 回\n以上 ", "年 2 回 以上", id="whitespace-collapsed"),
    pytest.param("１０～１２", "10~12", id="wide-tilde"),
    pytest.param("①市民に対する", "①市民に対する", id="circled-kept"),
    pytest.param("【新規】　ＡＢＣ", "【新規】 ABC", id="ideographic-space-letters"),
    pytest.param("カ所", "カ所", id="katakana-kept"),
])
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("実績なし", "実績なし", id="alone"),
    pytest.param("市民講座 実施なし ※新型コロナウイルス感染症拡大防止対策のため", "実施なし",
                 id="in-sentence"),
    pytest.param("開催なし", "開催なし", id="kaisai-nashi"),
    pytest.param("新型コロナウイルス感染症拡大防止対策のため中止", "中止", id="chushi"),
    pytest.param("1地区", None, id="number"),
    pytest.param("※アンケートで実施", None, id="note-is-not-a-reason"),
])
def test_find_reason(text: str, expected: str | None) -> None:
    assert find_reason(text) == expected


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_word_is_found_and_is_no_number(reason: str) -> None:
    assert find_reason(reason) == reason
    assert find_reason(f"新型コロナウイルス感染症の影響で{reason}(前年度は2回)") == reason
    r = read_number(reason, "回")
    assert (r.status, r.value) == ("reason-word", None)
    assert reason in r.detail


@pytest.mark.parametrize(("alias", "expected"), [
    pytest.param("か所", "カ所", id="kasho-hiragana"),
    pytest.param("箇所", "カ所", id="kasho-kanji"),
    pytest.param("ヵ所", "カ所", id="kasho-small-ka"),
    pytest.param("ケ所", "カ所", id="kasho-ke"),
    pytest.param("％", "%", id="wide-percent"),
    pytest.param("名", "人", id="mei-is-person"),
    pytest.param("地区社協", "地区社協", id="chiku-shakyo"),
    pytest.param("グループ", "グループ", id="group"),
    pytest.param("番", None, id="unknown"),
])
def test_canonical_unit(alias: str, expected: str | None) -> None:
    assert canonical_unit(alias) == expected


@pytest.mark.parametrize(("text", "value", "unit", "reason"), [
    pytest.param("1地区", 1, "地区", None, id="chiku"),
    pytest.param("57.5%", 57.5, "%", None, id="percent-float"),
    pytest.param("54,604人", 54604, "人", None, id="thousands"),
    pytest.param("１２人", 12, "人", None, id="wide"),
    pytest.param("0回", 0, "回", None, id="real-zero"),
    pytest.param("25 地区社協", 25, "地区社協", None, id="spaced-longest-unit"),
    pytest.param("1,970件", 1970, "件", None, id="int-stays-int"),
    pytest.param("児童館2か所", 2, "カ所", None, id="alias-unit"),
    pytest.param("計2カ所", 2, "カ所", None, id="kei-prefix"),
    pytest.param("2回以上(随時)", 2, "回", None, id="qualifier-ignored"),
    pytest.param("3回 (嘉川地区1回、小郡地区1回、阿東地区1回)", 3, "回", None, id="first-wins"),
    pytest.param("各1回×1会場", 1, "回", None, id="times-venues"),
    pytest.param("地域包括支援センターに第2層コーディネーターを7人配置", 7, "人", None,
                 id="inside-sentence"),
    pytest.param("実績なし", None, None, "実績なし", id="reason-not-zero"),
    pytest.param("開催なし", None, None, "開催なし", id="reason-kaisai"),
    pytest.param("実施なし ※新型コロナウイルス感染症拡大防止対策のため", None, None, "実施なし",
                 id="reason-with-note"),
])
def test_parse_quantity(text: str, value: object, unit: str | None, reason: str | None) -> None:
    q = parse_quantity(text)
    assert q is not None
    assert (q.value, q.unit, q.reason) == (value, unit, reason)
    assert type(q.value) is type(value)


@pytest.mark.parametrize("text", [
    pytest.param("", id="empty"),
    pytest.param("※アンケートで実施", id="note"),
    pytest.param("市民講座", id="words"),
])
def test_parse_quantity_nothing(text: str) -> None:
    assert parse_quantity(text) is None


@pytest.mark.parametrize(("text", "year"), [
    pytest.param("令和4年度", 2022, id="reiwa"),
    pytest.param("令和 3 年度", 2021, id="reiwa-spaced"),
    pytest.param("R4", 2022, id="r"),
    pytest.param("H30(2018)", 2018, id="h-bracket"),
    pytest.param("H32 (2020)", 2020, id="h32-bracket-wins"),
    pytest.param("H34(2022)", 2022, id="h34"),
    pytest.param("平成30年度", 2018, id="heisei"),
    pytest.param("2022年度", 2022, id="western"),
    pytest.param("令和元年度", 2019, id="gannen"),
    pytest.param("目標なし", None, id="none"),
])
def test_parse_fiscal_year(text: str, year: int | None) -> None:
    assert parse_fiscal_year(text) == year


def _simple(parts: list[TargetPart]) -> list[tuple[object, ...]]:
    return [(p.label, p.value, p.unit, p.period, p.qualifier, p.year, p.year_role) for p in parts]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("H30(2018)～ 年2地区", [(None, 2, "地区", "年", None, 2018, "start")],
                 id="start-year"),
    pytest.param("H32(2020) 250人", [(None, 250, "人", None, None, 2020, "deadline")],
                 id="deadline"),
    pytest.param("年2回以上", [(None, 2, "回", "年", "以上", None, None)], id="per-year-at-least"),
    pytest.param("隔年1回", [(None, 1, "回", "隔年", None, None, None)], id="every-other-year"),
    pytest.param("毎年 8 校", [(None, 8, "校", "毎年", None, None, None)], id="every-year"),
    pytest.param("年各1回", [(None, 1, "回", "年", "各", None, None)], id="each"),
    pytest.param("25地区社協", [(None, 25, "地区社協", None, None, None, None)], id="no-period"),
    pytest.param("H34(2022) 70%", [(None, 70, "%", None, None, 2022, "deadline")], id="percent"),
    pytest.param("H32(2020) 722グループ以上",
                 [(None, 722, "グループ", None, "以上", 2020, "deadline")], id="group-at-least"),
    pytest.param("H32 (2020) 2,000 件", [(None, 2000, "件", None, None, 2020, "deadline")],
                 id="spaced-year-thousands"),
    pytest.param("年 1 回以上", [(None, 1, "回", "年", "以上", None, None)], id="spaced"),
    pytest.param("年25 地区社協", [(None, 25, "地区社協", "年", None, None, None)],
                 id="per-year-chiku-shakyo"),
    pytest.param("指定小学校 年2校 指定中学校 年2校 指定高等学校年1校", [
        ("指定小学校", 2, "校", "年", None, None, None),
        ("指定中学校", 2, "校", "年", None, None, None),
        ("指定高等学校", 1, "校", "年", None, None, None)], id="compound-schools"),
    pytest.param("H32(2020) 点訳 522 件 音訳 321 件", [
        ("点訳", 522, "件", None, None, 2020, "deadline"),
        ("音訳", 321, "件", None, None, 2020, "deadline")], id="compound-shared-year"),
    pytest.param("年2回 交流会 年1回", [
        (None, 2, "回", "年", None, None, None),
        ("交流会", 1, "回", "年", None, None, None)], id="compound-first-unlabelled"),
    pytest.param("児童館2 放課後児童クラブ16", [
        ("児童館", 2, None, None, None, None, None),
        ("放課後児童クラブ", 16, None, None, None, None, None)], id="compound-no-unit"),
    pytest.param("年1回×2会場", [(None, 2, "回", "年", None, None, None)],
                 id="times-venues-product"),
    pytest.param("各事業年1回点検", [("各事業", 1, "回", "年", None, None, None)],
                 id="trailing-words"),
    pytest.param("7人", [(None, 7, "人", None, None, None, None)], id="plain"),
    pytest.param("H30(2018)", [(None, None, None, None, None, 2018, "deadline")], id="year-only"),
    pytest.param("会議を開催", [], id="no-number"),
    pytest.param("", [], id="empty"),
])
def test_parse_target(text: str, expected: list[tuple[object, ...]]) -> None:
    assert _simple(parse_target(text)) == expected


def test_parse_target_part_text() -> None:
    parts = parse_target("指定小学校 年2校 指定中学校 年2校 指定高等学校年1校")
    assert [p.text for p in parts] == ["指定小学校 年2校", "指定中学校 年2校", "指定高等学校年1校"]
    assert parse_target("年1回×2会場")[0].text == "年1回×2会場"


@pytest.mark.parametrize(("bullet", "name", "target"), [
    pytest.param("地域ニーズに対するボランティア養成講座 H30(2018)～ 年2地区",
                 "地域ニーズに対するボランティア養成講座", "H30(2018)～ 年2地区", id="year-first"),
    pytest.param("委員 1 人あたりの年間活動日数 152 日", "委員 1 人あたりの年間活動日数", "152 日",
                 id="number-inside-name"),
    pytest.param("子ども110番の家への登録 3カ所", "子ども110番の家への登録", "3カ所", id="110ban"),
    pytest.param("児童館及び放課後児童クラブの運営の充実 児童館2 放課後児童クラブ16",
                 "児童館及び放課後児童クラブの運営の充実", "児童館2 放課後児童クラブ16",
                 id="glued-label"),
    pytest.param("多様な寄付の在り方についての検討 会議を開催 年1回",
                 "多様な寄付の在り方についての検討 会議を開催", "年1回", id="spaced-name"),
    pytest.param("制度の狭間の問題等に対応する事業の充実 各事業年1回点検",
                 "制度の狭間の問題等に対応する事業の充実", "各事業年1回点検", id="glued-period"),
    pytest.param("民生委員・児童委員、福祉員対象の研修会の充実",
                 "民生委員・児童委員、福祉員対象の研修会の充実", "", id="no-target"),
    pytest.param("小地域福祉活動計画策定委員会及び実行委員会の開催支援地区社協数 25 地区社協",
                 "小地域福祉活動計画策定委員会及び実行委員会の開催支援地区社協数", "25 地区社協",
                 id="unit-word-in-name"),
])
def test_split_name_target(bullet: str, name: str, target: str) -> None:
    assert split_name_target(bullet) == (name, target)


@pytest.mark.parametrize(("raw", "unit", "percent", "status", "value"), [
    pytest.param(12, "人", False, "ok", 12, id="int"),
    pytest.param(57.5, "%", True, "ok", 57.5, id="float"),
    pytest.param(12.0, "人", False, "ok", 12, id="integral-float-to-int"),
    pytest.param("12", "人", False, "ok", 12, id="plain-string"),
    pytest.param("57.5", "%", True, "ok", 57.5, id="plain-decimal-string"),
    pytest.param(None, "人", False, "empty", None, id="none"),
    pytest.param("", "人", False, "empty", None, id="blank"),
    pytest.param(" \n", "人", False, "empty", None, id="whitespace"),
    pytest.param(True, "人", False, "not-a-number", None, id="bool"),
    pytest.param(float("nan"), "人", False, "not-a-number", None, id="nan"),
    pytest.param(math.inf, "人", False, "not-a-number", None, id="inf"),
    pytest.param("１２", "人", False, "normalised", 12, id="wide-digits"),
    pytest.param("1,970", "件", False, "normalised", 1970, id="thousands"),
    pytest.param("54,604人", "人", False, "normalised", 54604, id="thousands-unit"),
    pytest.param("12人", "人", False, "normalised", 12, id="same-unit"),
    pytest.param("12名", "人", False, "normalised", 12, id="alias-unit"),
    pytest.param("2か所", "カ所", False, "normalised", 2, id="alias-kasho"),
    pytest.param("57.5%", "%", True, "normalised", 57.5, id="percent-sign"),
    pytest.param("57.5％", None, True, "normalised", 57.5, id="wide-percent-sign"),
    pytest.param("'12", "人", False, "normalised", 12, id="apostrophe"),
    pytest.param(" 12\n", "人", False, "normalised", 12, id="surrounding-space"),
    pytest.param("12回", "人", False, "unit-mismatch", None, id="unit-mismatch"),
    pytest.param("約10", "回", False, "approximate", None, id="yaku"),
    pytest.param("10程度", "回", False, "approximate", None, id="teido"),
    pytest.param("10以上", "回", False, "approximate", None, id="ijo"),
    pytest.param("10前後", "回", False, "approximate", None, id="zengo"),
    pytest.param("10～12", "回", False, "range", None, id="range-wide-tilde"),
    pytest.param("10-12", "回", False, "range", None, id="range-hyphen"),
    pytest.param("10〜12", "回", False, "range", None, id="range-wave-dash"),
    pytest.param("中止", "回", False, "reason-word", None, id="reason-chushi"),
    pytest.param("実績なし", "回", False, "reason-word", None, id="reason-jisseki"),
    pytest.param(-1, "回", False, "negative", None, id="negative-int"),
    pytest.param("-3", "回", False, "negative", None, id="negative-string"),
    pytest.param(101, "%", True, "percent-over", None, id="percent-over"),
    pytest.param("120%", "%", True, "percent-over", None, id="percent-over-string"),
    pytest.param("未定", "回", False, "not-a-number", None, id="mitei"),
    pytest.param("-", "回", False, "not-a-number", None, id="dash"),
    pytest.param("なし", "回", False, "not-a-number", None, id="nashi"),
    pytest.param("1,97", "回", False, "not-a-number", None, id="bad-comma"),
])
def test_read_number(raw: object, unit: str | None, percent: bool, status: str,
                     value: object) -> None:
    r = read_number(raw, unit, percent)
    assert (r.status, r.value) == (status, value)
    assert type(r.value) is type(value)
    if status in ("ok", "empty"):
        return
    assert r.detail  # says what was changed or why it was refused


def test_read_number_detail_names_the_change() -> None:
    assert "全角" in read_number("１２", "人").detail
    assert "カンマ" in read_number("1,970", "件").detail
    assert "人" in read_number("12人", "人").detail
