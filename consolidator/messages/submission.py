"""Findings about a returned workbook: which file it is, its structure, what was typed."""

from __future__ import annotations

from consolidator.messages.table import Message
from consolidator.severity import ERROR as E
from consolidator.severity import INFO as I  # noqa: E741
from consolidator.severity import WARNING as W

SUBMISSION: dict[str, Message] = {
    # ---- intake and identity ------------------------------------------------------------------
    "file-skipped-lock": (I, "Officeの一時ファイル(~$で始まる)のため読み飛ばしました:{file}",
                          "対応は不要です。"),
    "file-skipped-hidden": (I, "隠しファイルのため読み飛ばしました:{file}", "対応は不要です。"),
    "not-a-template": (E, "このツールで作成した様式ではありません:{file}",
                       "事務局が配布した様式(.xlsx)に記入して送付してください。"),
    "internal-error": (E, "ツールの内部エラーのため、このファイルを処理できませんでした({detail}):{file}",
                       "ファイルの誤りとは限りません。担当課へは連絡せず、事務局からツールの保守担当に"
                       "このログの行(コード internal-error)を知らせてください。他のファイルは処理されています。"),
    "file-corrupt": (E, "ファイルの中身が壊れていて読み取れません:{file}",
                     "Excelで開けるか確認し、開ける場合は「名前を付けて保存」で.xlsx形式で保存し直して送付してください。"
                     "開けない場合は配布した様式に記入し直してください。"),
    "identity-mismatch": (W, "様式の識別情報(非表示シート「_meta」)の {key} が文書プロパティと異なります"
                             "(シート:{value}、プロパティ:{other}):{file}",
                          "非表示シートは編集しないでください。配布した様式に記入し直してください。"),
    "format-version-unknown": (E, "このツールの知らない作り方の様式です(新しい版のツールで作られた様式など。形式 {value}):{file}",
                               "今年度配布した様式に記入して送付してください。"),
    "other-plan": (E, "別の計画の様式です(計画ID {value}):{file}",
                   "今回の計画の様式に記入して送付してください。"),
    "other-year": (E, "{year_label}度の様式です(今回は{expected_label}度):{file}",
                   "前年度の様式が返送された可能性があります。今年度の様式に記入して送付してください。"),
    "older-catalog": (W, "様式が現在と異なる計画カタログから作成されています:{file}",
                      "計画の内容が変わった可能性があります。事務局で差異を確認してください(consolidator plan diff で確認できます)。"),
    "unknown-unit": (E, "計画にない担当の様式です(担当「{value}」):{file}",
                     "担当名を確認し、事務局に連絡してください。"),
    "identity-recovered": (W, "配布した様式そのものではありません(様式の識別情報がありません)。内容から"
                              "{department}の{year_label}度の様式と判定して読み取りました:{file}",
                           "次回は配布したファイルにそのまま記入して送付してください。"
                           "読み取った内容が正しいか確認してください。"),
    "identity-not-recovered": (E, "様式の識別情報がなく、内容からも担当と年度を判定できません。{detail}。"
                                  "このファイルは読み取りません:{file}",
                               "配布した様式(.xlsx)に記入して送付してください。シートを別のブックに"
                               "コピーした場合は、配布したファイルに入力し直してください。"),
    "duplicate-not-used": (W, "{department}から複数のファイルが届いています。このファイルは使用しません"
                              "(使用:{used}、異なる項目 {differ} 件{differ_list}):{file}",
                           "使用するファイルが正しいか確認してください。不要なファイルは提出フォルダから移動してください。"),
    "unit-missing": (E, "{department}の提出がありません", "{department}に提出を依頼してください。"),
    "sheet-state-changed": (I, "非表示のシート「{sheet}」が表示されています:{file}",
                            "内容が変わっていなければ対応は不要です。"),
    # ---- structure ----------------------------------------------------------------------------
    "field-missing": (E, "入力欄が見つかりません({label}):{file}",
                      "行や列、シートを削除していないか確認し、配布した様式に記入し直してください。"),
    "field-moved": (W, "入力欄が元の行にありませんでした。ID列で見つけて {sheet}!{cell} から読み取りました({label})",
                    "並べ替えや行の移動をした場合は、値が正しい行にあるか確認してください。"),
    "reference-changed": (W, "参考欄(変更不可)の内容が変わっています:{sheet}!{cell}",
                          "参考欄は変更しないでください。意図した変更でなければ元に戻してください。"),
    "value-outside-input": (W, "入力欄以外のセルに値があります:{sheet}!{cell}「{value}」",
                            "入力は黄色いセルにしてください。この値は集計されません。"),
    "layout-unknown": (E, "シート「{sheet}」の列の並び(実績値・未記入の理由などがどの列か)を判定できません。"
                          "{detail}。推測では読み取らず、このシートの入力欄は読み取っていません:{file}",
                       "見出しの行(「ID」「取組み」などの行)を消したり書き換えたりしていないか確認してください。"
                       "配布した様式(.xlsx)に記入し直して送付してください。"),
    # ---- values -------------------------------------------------------------------------------
    "value-normalised": (W, "実績値「{value}」を {normalised} として読み取りました({detail}):{indicator}",
                         "次回からは数値だけを入力してください。読み取った値が正しいか確認してください。"),
    "value-not-number": (E, "実績値が数値ではありません:「{value}」({indicator})",
                         "{sheet}!{cell} に数値だけを入力してください。値がない場合は空欄にして理由を選んでください。"),
    "value-unit-mismatch": (E, "実績値の単位が指標の単位({expected})と異なります:「{value}」({indicator})",
                            "{expected}で数えた数値だけを入力してください。"),
    "value-approximate": (E, "実績値が概数です:「{value}」({indicator})",
                          "確定した数値を入力してください。確定していなければ空欄にして理由「集計中」を選んでください。"),
    "value-range": (E, "実績値が範囲で書かれています:「{value}」({indicator})",
                    "一つの数値を入力してください。"),
    "value-reason-word": (E, "実績値の欄に理由が書かれています:「{value}」({indicator})",
                          "実績値は空欄にし、「未記入の理由」の欄で理由を選んでください。"),
    "value-negative": (E, "実績値がマイナスです:「{value}」({indicator})", "0以上の数値を入力してください。"),
    "value-percent-over": (E, "割合が100を超えています:「{value}」({indicator})",
                           "0〜100 の数値(%は不要)を入力してください。"),
    "value-percent-format-lost": (W, "割合(%)の指標の実績値が {value} です。{percent}% と入力したセルの「%」の書式が、"
                                     "値だけの貼り付けなどで失われたように見えます({indicator}):{file} {sheet}!{cell}",
                                  "確認してください。{percent}% のときは {sheet}!{cell} に {percent} と入力し直してください。"
                                  "{value}% で正しければ対応は不要です(値は {value} のまま読み取りました)。"),
    "value-missing": (E, "実績値も未記入の理由もありません({indicator})",
                      "{sheet}!{cell} に実績値を入力するか、「未記入の理由」を選んでください。"),
    "reason-other-no-text": (E, "未記入の理由が「その他」ですが説明がありません({indicator})",
                             "「理由の説明」に内容を書いてください。"),
    "reason-invalid": (E, "未記入の理由「{value}」は選択肢にありません({indicator})",
                       "一覧(中止/実績なし/未実施/集計中/その他)から選んでください。"),
    "value-reason-given": (I, "実績値の代わりに未記入の理由「{value}」が記入されています({indicator})",
                           "対応は不要です。報告書では理由を表示します。"),
    "value-and-reason": (W, "実績値と未記入の理由の両方が入力されています({indicator})",
                         "実績値がある場合は理由を消してください。実績値を採用しました。"),
    "status-empty": (E, "{label} が空欄です", "{sheet}!{cell} に今年度の実施状況を入力してください。"),
    "plan-empty": (W, "{label} が空欄です", "予定がある場合は {sheet}!{cell} に入力してください。"),
    "formula-cached": (W, "入力欄に数式があります。保存されている計算結果「{value}」を使いました:{sheet}!{cell}",
                       "数式ではなく値を入力してください。"),
    "formula-no-cache": (E, "入力欄に計算結果のない数式があります:{sheet}!{cell}",
                         "数式ではなく値を入力してください。"),
    "value-tenfold": (W, "実績値 {value} が前年度({previous})の{factor}倍以上または{factor}分の1以下です({indicator})",
                      "入力の誤り(桁・単位)がないか確認してください。{ask}"),
    "value-far-from-target": (W, "実績値 {value} が目標値({target})の{factor}倍以上または{factor}分の1以下です({indicator})",
                              "入力の誤り(桁・単位)がないか確認してください。{ask}"),
    "value-change-explained": (I, "値の増減・説明あり:実績値 {value} は{basis}の{factor}倍以上または{factor}分の1以下です。"
                                  "増減の理由:「{explanation}」({indicator})",
                               "対応は不要です。増減の理由は報告書(指標一覧)に載ります。"),
    "value-zero-was-nonzero": (W, "実績値が0です(前年度は {previous})({indicator})",
                               "0で正しいか確認してください。実施しなかった場合は理由を選ぶこともできます。"),
    "text-too-long": (E, "入力が長すぎます({length}文字、上限{limit}文字):{label}",
                      "{limit}文字以内にまとめてください。"),
    "value-error-cell": (E, "セルがエラー値です:「{value}」({label})", "値を入力し直してください。"),
}


# The parts of the change check's findings (value-tenfold, value-far-from-target,
# value-change-explained): what the value was compared with, and what the department is asked.
CHANGE_TEXT: dict[str, str] = {
    "previous": "前年度の実績({reference})",
    "target": "目標値({reference})",
    "ask": "正しい値のときは、{sheet}!{cell}(増減の理由)に増減の理由を書いてください。",
    "ask-no-cell": "正しい値のときは、増減の理由を事務局に知らせてください。",
}


# What recognising a file by its content found and missed (reading/recognition.py), joined
# into the {detail} of identity-not-recovered.
RECOGNITION_TEXT: dict[str, str] = {
    "no-title": "シートの見出し(担当名と年度の行)がありません",
    "titles-of": "見出しの担当が{departments}と複数あります",
    "title-unknown": "見出しの担当「{department}」は計画にありません",
    "title-year": "見出しは{departments}の{year_label}度の様式です(今回は{expected_label}度)",
    "no-keys": "ID列(A列)に{department}の入力欄のIDがありません",
    "keys-fit": "ID列のIDは{departments}の様式のものです",
    "keys-fit-any": "ID列のIDは{departments}のどの様式にも合います",
    "keys-of": "ID列に{departments}のIDがあります",
    "keys-of-others": "ID列に{department}の様式にないID「{keys}」があります({departments}のID)",
    "keys-unknown": "ID列に計画にないID「{keys}」があります",
    "separator": "。",
}


# Why the columns of a workbook without its field list could not be told from its header row
# (reading/sheet_layout.py): the {detail} of layout-unknown.
LAYOUT_TEXT: dict[str, str] = {
    "no-sheet": "「{sheet}」という名前のシートも、見出しの行(A列が「{first}」、B列が「{second}」の行)のある"
                "シートもありません",
    "no-header": "見出しの行(A列が「{first}」、B列が「{second}」の行)がありません",
    "headers": "見出しの行(A列が「{first}」、B列が「{second}」の行)が{count}行あります",
    "header-missing": "見出しの行に「{header}」の列がありません",
    "header-twice": "見出し「{header}」が複数の列にあります",
}


# Short descriptions of what japanese_values.read_number changed or rejected. They are part of
# the reading (shown after a finding's message), not messages of their own.
NUMBER_DETAIL_TEXT: dict[str, str] = {
    "strip": "前後の空白・改行を削除",
    "apostrophe": "先頭のアポストロフィを削除",
    "wide": "全角文字を半角に変換",
    "comma": "桁区切りのカンマを削除",
    "unit": "単位「{unit}」を削除",
    "percent": "「%」を削除",
    "percent-format": "セルの書式が「%」のため100倍して読み取り",
    "percent-shown": "{value}（%表示）",  # a number of a %-formatted cell, as the finding shows it
    "empty": "未入力",
    "unit-mismatch": "単位「{found}」が指標の単位「{unit}」と異なります",
    "approximate": "概数(約・程度・以上など)は入力できません",
    "range": "範囲(〜)は入力できません",
    "reason-word": "数値欄に理由「{reason}」が入力されています",
    "negative": "負の数です",
    "percent-over": "割合が100%を超えています",
    "not-a-number": "数値として読み取れません",
}
