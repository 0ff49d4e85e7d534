"""Findings about a plan catalog and about importing one from a report's text; the texts of
the catalog check's details and of its summary (``plan show``)."""

from __future__ import annotations

from consolidator.messages.table import Message
from consolidator.severity import ERROR as E
from consolidator.severity import INFO as I  # noqa: E741
from consolidator.severity import WARNING as W

PLAN: dict[str, Message] = {
    # ---- plan catalog -------------------------------------------------------------------------
    "plan-schema": (E, "計画カタログの形式が正しくありません({path}):{detail}",
                    "計画カタログ(JSON)の該当箇所を修正してください。"),
    "plan-json": (E, "計画カタログを読み込めません({file}):{detail}",
                  "JSON形式で保存されているか確認してください。"),
    "plan-duplicate-id": (E, "IDが重複しています:{value}({path})",
                          "IDが一意になるよう修正してください。"),
    "plan-id-mismatch": (E, "IDが上位の番号と一致しません:{value}({path})、期待値 {expected}",
                         "ID を基本目標・活動目標・取組みの番号に合わせてください。"),
    "plan-unknown-unit": (E, "担当の一覧にない担当です:{value}({path})",
                          "departments に担当を追加するか、担当名を修正してください。"),
    "plan-owner-not-reporter": (W, "指標の担当 {value} が取組み {initiative_id} の報告者にありません({path})",
                                "reporters に担当を追加するか、指標の担当(owner)を修正してください。"),
    "plan-owner-organisation": (E, "指標の担当 {value} は組織「{organisation}」に属していません({path})",
                                "市社協の指標は市社協、市の指標は市の課を担当にしてください。"),
    "plan-target-unit-missing": (E, "目標値 {value} に単位がありません(指標「{indicator}」、{path})",
                                 "measures の unit に単位(人、回、件、地区 など)を記入してください。"),
    "plan-previous-unknown-measure": (E, "前年度実績が存在しない指標を参照しています:{value}({path})",
                                      "previous.values のキーを指標の measure ID に合わせてください。"),
    "plan-unit-unused": (I, "担当 {value} はどの取組みの報告者にもなっていません",
                         "不要であれば departments から削除してください。"),
    "plan-category-not-council": (E, "区分(独自/受託/補助)は市社協だけが使えます:{value}({path})",
                                  "categories を削除してください。"),
    "plan-unsafe-name": (E, "担当名「{value}」はファイル名に使えません:{reason}({path})",
                         "担当名から該当する文字を除いてください。担当名は様式・メールの下書き・確認事項のファイル名になります。"),
    # ---- report import ------------------------------------------------------------------------
    "import-unplaced": (W, "{line}行目を配置できませんでした:{value}",
                        "補正ファイル(overrides)で配置を指定するか、内容を確認してください。"),
    "import-unmatched-actual": (W, "{line}行目の実績値を指標に対応付けられませんでした:{value}",
                                "補正ファイル(overrides)の previous_values で指標IDを指定してください。"),
    "import-no-actual": (I, "指標「{indicator}」({path})の実績値が報告書に見つかりません",
                         "実績値がある場合は補正ファイル(overrides)で指定してください。"),
    "import-target-unparsed": (I, "指標「{indicator}」の目標「{value}」から数値を読み取れませんでした({path})",
                               "数値目標がある場合は補正ファイル(overrides)で指定してください。"),
    "import-override-unused": (W, "補正ファイルの項目が適用されませんでした:{value}",
                               "補正ファイルのIDやパスを確認してください。"),
    "import-structure": (W, "{line}行目の構成が想定と異なります({detail}):{value}",
                         "報告書の該当行を確認してください。"),
    "import-figure-text": (I, "{line}行目は図・写真の文字と判断し、取り込みませんでした:{value}",
                           "計画の内容であれば補正ファイル(overrides)で指定してください。"),
    "import-heading-differs": (I, "{line}行目の見出し「{value}」が「{expected}」と異なります(見出しを採用)",
                               "正しい名称を確認し、必要なら補正ファイル(overrides)で修正してください。"),
    "import-toc-differs": (I, "目次の「{toc}」が{line}行目の見出し「{value}」と異なります(見出しを採用)",
                           "正しい名称を確認し、必要なら補正ファイル(overrides)で修正してください。"),
    "import-toc-missing": (W, "目次の取組み {initiative_id}「{value}」が本文に見つかりません",
                           "報告書の本文と目次を確認してください。"),
    "import-block-missing": (W, "取組み {initiative_id}({line}行目)に「{value}」の欄がありません",
                             "報告書の該当ページを確認してください。"),
    "import-no-department": (W, "{line}行目の市の行に担当課名がありません:{value}",
                             "補正ファイル(overrides)で担当課を指定してください。"),
    "import-no-owner": (W, "指標「{indicator}」({path})の担当課を決められず、仮に {value} としました",
                        "補正ファイル(overrides)で指標の担当(owner)を指定してください。"),
    "import-extra-actual": (I, "{line}行目の実績値「{value}」は指標ではないため、{path} の備考に入れました",
                            "指標の実績値であれば補正ファイル(overrides)で指定してください。"),
    "import-plan-assumed": (I, "計画の {field} を推定しました:{value}",
                            "補正ファイル(overrides)で正しい値を指定してください。"),
    "import-override-invalid": (W, "補正ファイルの項目の形式が正しくありません:{value}({detail})",
                                "why、対象(path / initiative / indicator / measure / previous)、value を確認してください。"),
}


# The {detail} of plan-schema: a JSON Schema error in Japanese, by the failing keyword (the
# validator's own text is English). {value}: the value found; {expected}: the schema's value.
SCHEMA_DETAILS: dict[str, str] = {
    "required": "必要な項目「{missing}」がありません",
    "additionalProperties": "想定外の項目「{extra}」があります",
    "type": "値の種類が違います(値: {value}、期待: {expected})",
    "enum": "値「{value}」は使えません(使える値: {expected})",
    "const": "値は {expected} でなければなりません(値: {value})",
    "minimum": "{expected} 以上にしてください(値: {value})",
    "maximum": "{expected} 以下にしてください(値: {value})",
    "pattern": "形式が違います(値: {value})",
    "minItems": "少なくとも {expected} 件必要です",
    "minLength": "空にはできません",
    "uniqueItems": "同じ値が重複しています",
    "oneOf": "値「{value}」はどの形式にも合いません",
}

# The lines of ``consolidator plan show``.
PLAN_SUMMARY_TEXT: dict[str, str] = {
    "title": "{name}(計画ID: {id})",
    "period": "計画期間: {start}年度〜{end}年度 / 作成する報告: {year}度実績・{next_year}度予定",
    "counts": "取組み {initiatives} 件 / 指標 {indicators} 件(値の項目 {measures} 件) / 担当 {departments}",
    "goal": "基本目標{number} {title}(活動目標 {activities}・取組み {initiatives})",
    "activity": "  活動目標{id} {title}(取組み {initiatives}・指標 {indicators})",
    "department-heading": "報告単位ごとの取組みと担当指標:",
    "department": "  {department}: 取組み {initiatives} 件、担当指標 {measures} 件",
    "department-initiatives": "    取組み: {ids}",
    "department-measure": "    指標 {id} {name}",
}
