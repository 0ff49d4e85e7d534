"""Every user-facing text of the toolkit, in one place.

``MESSAGES`` maps a stable English code to (severity, Japanese message, Japanese action).
Templates use ``str.format`` placeholders filled from the finding's location and value:
``{unit} {file} {sheet} {cell} {field_id} {initiative_id} {indicator} {value} {path}`` and any
extra keyword given to :func:`consolidator.findings.make`.

The workbook instructions (``TEMPLATE_TEXT``) and the CLI strings (``CLI_TEXT``) live here too,
so the template, the validation log and the command line say the same thing.
"""

from __future__ import annotations

import string
from typing import Any

SEVERITY_LABELS = {"error": "エラー", "warning": "警告", "info": "情報"}

E, W, I = "error", "warning", "info"  # noqa: E741

MESSAGES: dict[str, tuple[str, str, str]] = {
    # ---- intake and identity -------------------------------------------------------------
    "file-skipped-lock": (I, "Officeの一時ファイル(~$で始まる)のため読み飛ばしました:{file}",
                          "対応は不要です。"),
    "file-skipped-hidden": (I, "隠しファイルのため読み飛ばしました:{file}", "対応は不要です。"),
    "not-a-template": (E, "このツールで作成した様式ではありません:{file}",
                       "事務局が配布した様式(.xlsx)に記入して送付してください。"),
    "file-corrupt": (E, "ファイルの中身が壊れていて読み取れません:{file}",
                     "Excelで開けるか確認し、開ける場合は「名前を付けて保存」で.xlsx形式で保存し直して送付してください。"
                     "開けない場合は配布した様式に記入し直してください。"),
    "identity-mismatch": (W, "様式の識別情報(非表示シート「_meta」)の {key} が文書プロパティと異なります"
                             "(シート:{value}、プロパティ:{other}):{file}",
                          "非表示シートは編集しないでください。配布した様式に記入し直してください。"),
    "format-version-unknown": (E, "様式の形式バージョン {value} はこのツールでは読めません:{file}",
                               "今年度配布した様式に記入して送付してください。"),
    "other-plan": (E, "別の計画の様式です(計画ID {value}):{file}",
                   "今回の計画の様式に記入して送付してください。"),
    "other-year": (E, "{year_label}度の様式です(今回は{expected_label}度):{file}",
                   "前年度の様式が返送された可能性があります。今年度の様式に記入して送付してください。"),
    "older-catalog": (W, "様式が現在と異なる計画カタログから作成されています:{file}",
                      "計画の内容が変わった可能性があります。事務局で差異を確認してください(consolidator plan diff で確認できます)。"),
    "unknown-unit": (E, "計画にない担当の様式です(担当「{value}」):{file}",
                     "担当名を確認し、事務局に連絡してください。"),
    "duplicate-not-used": (W, "{unit}から複数のファイルが届いています。このファイルは使用しません"
                              "(使用:{used}、異なる項目 {differ} 件{differ_list}):{file}",
                           "使用するファイルが正しいか確認してください。不要なファイルは提出フォルダから移動してください。"),
    "unit-missing": (E, "{unit}の提出がありません", "{unit}に提出を依頼してください。"),
    "sheet-state-changed": (I, "非表示のシート「{sheet}」が表示されています:{file}",
                            "内容が変わっていなければ対応は不要です。"),
    # ---- structure -----------------------------------------------------------------------
    "field-missing": (E, "入力欄が見つかりません({label}):{file}",
                      "行や列、シートを削除していないか確認し、配布した様式に記入し直してください。"),
    "field-moved": (W, "入力欄が元の行にありませんでした。ID列で見つけて {sheet}!{cell} から読み取りました({label})",
                    "並べ替えや行の移動をした場合は、値が正しい行にあるか確認してください。"),
    "reference-changed": (W, "参考欄(変更不可)の内容が変わっています:{sheet}!{cell}",
                          "参考欄は変更しないでください。意図した変更でなければ元に戻してください。"),
    "value-outside-input": (W, "入力欄以外のセルに値があります:{sheet}!{cell}「{value}」",
                            "入力は黄色いセルにしてください。この値は集計されません。"),
    # ---- values --------------------------------------------------------------------------
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
    "value-tenfold": (W, "実績値 {value} が前年度({previous})の10倍以上または10分の1以下です({indicator})",
                      "入力の誤り(桁・単位)がないか確認してください。正しければ対応は不要です。"),
    "value-zero-was-nonzero": (W, "実績値が0です(前年度は {previous})({indicator})",
                               "0で正しいか確認してください。実施しなかった場合は理由を選ぶこともできます。"),
    "text-too-long": (E, "入力が長すぎます({length}文字、上限{limit}文字):{label}",
                      "{limit}文字以内にまとめてください。"),
    "value-error-cell": (E, "セルがエラー値です:「{value}」({label})", "値を入力し直してください。"),
    # ---- plan catalog -------------------------------------------------------------------
    "plan-schema": (E, "計画カタログの形式が正しくありません({path}):{detail}",
                    "計画カタログ(JSON)の該当箇所を修正してください。"),
    "plan-json": (E, "計画カタログを読み込めません({file}):{detail}",
                  "JSON形式で保存されているか確認してください。"),
    "plan-duplicate-id": (E, "IDが重複しています:{value}({path})",
                          "IDが一意になるよう修正してください。"),
    "plan-id-mismatch": (E, "IDが上位の番号と一致しません:{value}({path})、期待値 {expected}",
                         "ID を基本目標・活動目標・取組みの番号に合わせてください。"),
    "plan-unknown-unit": (E, "報告単位の一覧にない担当です:{value}({path})",
                          "units に担当を追加するか、担当名を修正してください。"),
    "plan-owner-not-reporter": (W, "指標の担当 {value} が取組み {initiative_id} の報告者にありません({path})",
                                "reporters に担当を追加するか、指標の担当(owner)を修正してください。"),
    "plan-owner-organisation": (E, "指標の担当 {value} は組織「{organisation}」に属していません({path})",
                                "市社協の指標は市社協、市の指標は市の課を担当にしてください。"),
    "plan-target-unit-missing": (E, "目標値 {value} に単位がありません(指標「{indicator}」、{path})",
                                 "measures の unit に単位(人、回、件、地区 など)を記入してください。"),
    "plan-previous-unknown-measure": (E, "前年度実績が存在しない指標を参照しています:{value}({path})",
                                      "previous.values のキーを指標の measure ID に合わせてください。"),
    "plan-unit-unused": (I, "担当 {value} はどの取組みの報告者にもなっていません",
                         "不要であれば units から削除してください。"),
    "plan-category-not-council": (E, "区分(独自/受託/補助)は市社協だけが使えます:{value}({path})",
                                  "categories を削除してください。"),
    # ---- report import ------------------------------------------------------------------
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
    # ---- file safety ----
    "file-unreadable": (E, "ファイルを開けません({detail}):{file}",
                        "他のソフトで開いたままになっていないか確認し、閉じてからもう一度実行してください。"),
    "file-empty": (E, "ファイルが空です(0バイト):{file}",
                   "保存に失敗した可能性があります。Excelで開いて内容を確認し、保存し直して送付してください。"),
    "file-too-large": (E, "ファイルが大きすぎます({size_mb} MB、上限 {limit_mb} MB):{file}",
                       "不要なシートや画像を削除し、Excelブック(.xlsx)形式で保存し直して送付してください。"),
    "file-not-workbook": (E, "Excelブック(.xlsx)ではありません"
                             "(内容は{looks_like}のようです):{file}",
                          "配布した様式のExcelブック(.xlsx)に記入し、Excelブック(.xlsx)形式のまま送付してください。"),
    "file-legacy-xls": (E, "古いExcel形式(.xls、Excel 97-2003 ブック)で保存されています:{file}",
                        "Excelブック(.xlsx)形式で保存し直して送付してください"
                        "(Excelで開き、「名前を付けて保存」で「ファイルの種類」を「Excelブック」にします)。"),
    "file-encrypted": (E, "パスワードで保護(暗号化)されているため読み取れません:{file}",
                       "パスワードを解除して保存し直して送付してください(Excelで開き、「ファイル」→「情報」→"
                       "「ブックの保護」→「パスワードを使用して暗号化」でパスワードを空欄にします)。"),
    "file-ods": (E, "OpenDocument スプレッドシート(.ods)形式で保存されています:{file}",
                 "Excelブック(.xlsx)形式で保存し直して送付してください"
                 "(「名前を付けて保存」で「ファイルの種類」を「Excelブック」にします)。"),
    "file-broken-zip": (E, "ファイルが壊れているため読み取れません({detail}):{file}",
                        "Excelで開けるか確認し、開ける場合は保存し直して送付してください。"
                        "開けない場合は、配布した様式に入力し直して送付してください。"),
    "file-missing-part": (E, "ブックに必要な部品 {part}{where} がありません。"
                             "ファイルが壊れているか、Excel以外のソフトで作られた可能性があります:{file}",
                          "Excelで開いて保存し直して送付してください。開けない場合は、配布した様式に入力し直して送付してください。"),
    "zip-too-many-entries": (E, "ファイル内部の部品の数が多すぎます"
                                "({count} 個、上限 {limit} 個):{file}",
                             "安全のため読み取りを中止しました。不審なファイルの可能性があるため開かずに、"
                             "送付元に様式への入力と再送を依頼してください。"),
    "zip-duplicate-entry": (E, "ファイル内部に同じ名前の部品 {part} が重複しています:{file}",
                            "安全のため読み取りを中止しました。不審なファイルの可能性があるため開かずに、"
                            "送付元に様式への入力と再送を依頼してください。"),
    "zip-bomb-size": (E, "展開後の大きさが上限を超えます"
                         "(部品 {part}:{size_mb} MB、上限 {limit_mb} MB):{file}",
                      "安全のため読み取りを中止しました。不審なファイル(圧縮爆弾)の可能性があるため開かずに、"
                      "送付元に様式への入力と再送を依頼してください。"),
    "zip-bomb-ratio": (E, "部品 {part} の圧縮率が異常です(展開すると {size_mb} MB、圧縮率 {ratio}、"
                          "許容 {limit} まで)。圧縮爆弾の可能性があります:{file}",
                       "安全のため読み取りを中止しました。不審なファイルの可能性があるため開かずに、"
                       "送付元に様式への入力と再送を依頼してください。"),
    "zip-size-mismatch": (E, "部品 {part} の大きさの記録が実際と合いません({detail}):{file}",
                          "安全のため読み取りを中止しました。壊れているか不審なファイルの可能性があるため開かずに、"
                          "送付元に様式への入力と再送を依頼してください。"),
    "zip-unsafe-path": (E, "ファイル内部に不正な場所を指す部品名 {part} があります:{file}",
                        "安全のため読み取りを中止しました。不審なファイルの可能性があるため開かずに、"
                        "送付元に様式への入力と再送を依頼してください。"),
    "xml-doctype": (E, "部品 {part} に文書型宣言({detail})が含まれています。"
                       "Excelが作るファイルにはないもので、外部ファイルの読み込みや大量展開の攻撃に使われます:{file}",
                    "安全のため読み取りを中止しました。不審なファイルの可能性があるため開かずに、"
                    "送付元に様式への入力と再送を依頼してください。"),
    "xml-encoding": (E, "部品 {part} の文字コード({value})は読み取りに対応していません:{file}",
                     "Excelで開いて保存し直して送付してください。開けない場合は、配布した様式に入力し直して送付してください。"),
    "grid-out-of-range": (E, "{where}がExcelの範囲(最終セル XFD1048576)を超えています({value})。"
                             "Excel以外のソフトで作られたか、壊れている可能性があります:{file}",
                          "配布した様式に入力し直して送付してください。"),
    "grid-too-many-cells": (E, "{where}のセルが多すぎます({count} 個、上限 {limit} 個):{file}",
                            "使っていない行・列の書式や結合を削除し(行・列ごと削除)、保存し直して送付してください。"),
    "string-too-long": (E, "{where}の文字列が長すぎます({length} 文字、Excelの上限 {limit} 文字)。"
                           "Excelでは作れない内容です:{file}",
                        "文章を短くして、配布した様式に入力し直して送付してください。"),
    "string-control-char": (W, "{where}の文字列に制御文字(画面に表示されない特殊な文字)が"
                               "含まれています:{file}",
                            "他のソフトから貼り付けた文字の可能性があります。該当セルの文字を入力し直すか、"
                            "「値のみ貼り付け」で貼り付け直してください。"),
    "file-macro": (W, "マクロ(VBA など)が含まれています。"
                      "マクロは実行せず、セルのデータだけを読み取りました:{file}",
                   "マクロは不要です。次回からは配布した様式のままExcelブック(.xlsx)形式で保存して送付してください。"),
    "file-external-link": (W, "他のファイルへのリンク(外部参照 {value})が含まれています。"
                              "リンク先は参照せず、リンクは集約結果にコピーしません:{file}",
                           "外部参照のセルは値に置き換え(「データ」→「リンクの編集」→「リンクの解除」)、"
                           "保存し直して送付してください。"),
    "parse-timeout": (E, "ファイルの読み取りが制限時間({limit}秒)内に終わりませんでした:{file}",
                      "ファイルを開いて保存し直すか、事務局に連絡してください。"),
    "parse-crashed": (E, "ファイルの読み取り中に読み取り処理が異常終了しました({detail}):{file}",
                      "ファイルを開いて保存し直すか、事務局に連絡してください。"),
    "parse-memory": (E, "ファイルの読み取りに必要なメモリが上限({limit} MB)を超えました:{file}",
                     "使っていない行・列やシートを削除して保存し直すか、事務局に連絡してください。"),
    "parse-exception": (E, "ファイルを読み取れませんでした({detail}):{file}",
                        "ファイルを開いて保存し直すか、事務局に連絡してください。"),
}

TEMPLATE_TEXT: dict[str, str] = {
    "cover": (
        "{unit} 地域福祉計画 実施状況報告 記入用ブック\n"
        "\n"
        "■ 対象:{status}(実績)と {plan}\n"
        "■ 提出期限:{deadline}\n"
        "■ 問い合わせ先:{contact}\n"
        "\n"
        "■ 記入のしかた\n"
        "1. 「実施状況」シートの黄色いセルに、取組みごとの{status}と{plan}を文章で入力してください。"
        "灰色のセルは計画や前回報告の内容(参考)です。\n"
        "2. 「活動指標」シートの「{value}」欄に、担当する指標の実績値を数値だけで入力してください"
        "(例:12、57.5)。単位は入力不要です。% の指標は 0〜100 の数値です。\n"
        "3. 実績値がない場合は、実績値を空欄のままにして「未記入の理由」を選んでください"
        "(中止/実績なし/未実施/集計中/その他)。「その他」のときは「理由の説明」に内容を書いてください。\n"
        "4. 市社協の区分(【独自】【受託】【補助】)は、該当する区分の欄に記入してください。"
        "前回報告のない区分も、該当があれば記入できます。\n"
        "\n"
        "■ 変更しないでください\n"
        "・シート名、灰色のセル、左端の「ID」列、非表示のシート。\n"
        "・ファイル形式(Excelブック .xlsx のまま保存してください)。ファイル名は変えてもかまいません。\n"
        "・シートは保護されていますが、パスワードはありません(行の高さの変更やフィルターはできます)。"
        "保護を解除しても、黄色いセル以外には入力しないでください。\n"
        "\n"
        "■ 空欄の扱い\n"
        "・実施状況が空欄の場合、および実績値と理由の両方が空欄の場合は「未報告」として事務局から確認の連絡をします。\n"
        "・予定が空欄の場合は確認の対象になります(警告)。\n"
        "・入力された内容は事務局でそのまま報告書に転記します。"
    ),
    "no-indicators": "この担当が実績値を入力する活動指標はありません。",
    "text-sheet-note": "色付きのセルに入力してください。灰色のセルは参考(変更できません)。",
    "indicator-sheet-note": "実績値は数値だけを入力してください(単位は不要)。値がない場合は「未記入の理由」を選んでください。",
    "not-reported-before": "(前回報告なし。該当があれば記入)",
    "plan-actions-label": "計画の取り組み(参考)",
    "plan-indicators-label": "主な活動指標等(参考)",
    "prompt-title": "入力のしかた",
    "error-title": "入力できない値です",
    "number-prompt": "実績値を数値だけで入力してください(0以上、単位は不要)。値がない場合は空欄にして理由を選んでください。",
    "number-error": "0以上の数値を入力してください(「約」「～」や単位は付けないでください)。",
    "number-percent-prompt": "割合を 0〜100 の数値で入力してください(例:57.5。% は不要)。",
    "number-percent-error": "0〜100 の数値を入力してください。",
    "choice-prompt": "一覧から理由を選んでください。「その他」のときは右の欄に説明を書いてください。",
    "choice-error": "一覧の中から選んでください(中止/実績なし/未実施/集計中/その他)。",
    "text-prompt": "文章で入力してください({limit}文字以内)。",
    "text-error": "{limit}文字以内で入力してください。",
}
CLI_TEXT: dict[str, str] = {
    "plan-valid": "計画カタログに問題はありません:{file}",
    "plan-invalid": "計画カタログに {count} 件の問題があります:{file}",
    "plan-imported": "計画カタログを書き出しました:{file}(取組み {initiatives} 件、指標 {indicators} 件)",
    "import-findings": "配置できなかった行・確認が必要な項目:{count} 件",
    "unknown-unit": "計画にない担当です:{unit}",
    "bad-year": "年度を読み取れません:{value}(例:令和4、2022)",
    "generated": "{count} 件の様式を {folder} に作成しました。",
    "not-a-template-file": "このツールで作成した様式ではありません:{file}",
    "log-written": "検証ログ:{path}",
    "master-written": "報告書(マスター):{path}",
    "unit-logs-written": "担当課へ送る確認事項(担当ごと、エラー・警告のある担当のみ):{path}",
    "demo-templates": "様式 {count} 件を作成しました:{folder}",
    "demo-submissions": "{count} 担当の記入済みブックを置きました:{folder}({missing}は未提出の想定)",
    "demo-mistakes": "わざと入れた間違い:{mistakes}",
    "demo-findings": "検証結果:エラー {errors} 件、警告 {warnings} 件(検証ログで確認できます)",
    "no-submissions": "提出フォルダ {folder} がありません。返ってきたファイルを保存したフォルダを指定してください。",
    "next-plan-written": "来年度用の計画カタログ(今年度の実績・予定を前年度分として収録):{path}(来年度は generate --plan でこのファイルを指定)",
    "output-error": "出力先フォルダ {folder} に書き込めませんでした({detail})。以前の出力はそのまま残っています。空き容量や書き込み権限を確認してから実行し直してください。",
    "output-busy": "出力先フォルダ {folder} は別の集約処理が使用中です。終わってから実行し直してください。",
}


DIFF_TEXT: dict[str, str] = {
    "unit-added": "担当を追加:{id}",
    "unit-removed": "担当を削除:{id}",
    "initiative-added": "取組みを追加:{id} {after}",
    "initiative-removed": "取組みを削除:{id} {before}",
    "initiative-renamed": "取組みの名称を変更:{id} 「{before}」→「{after}」",
    "indicator-added": "指標を追加:{id} {after}",
    "indicator-removed": "指標を削除:{id} {before}",
    "indicator-renamed": "指標の名称を変更:{id} 「{before}」→「{after}」",
    "owner-changed": "指標の担当を変更:{id} {before} → {after}",
    "target-changed": "指標の目標を変更:{id} 「{before}」→「{after}」",
    "none": "違いはありません。",
}

MASTER_TEXT: dict[str, str] = {
    "legend-missing": "赤色のセル:未報告(実施状況・実績値の記入がない、または担当の提出がない)",
    "legend-flagged": "黄色のセル:検証でエラーのあった入力(検証ログで内容を確認してください)",
    "legend-rule": "達成率 = 実績値 ÷ 目標値(「以下」「未満」の目標は逆)。数値目標のない指標は評価対象外。",
}

CONSOLE: dict[str, str] = {
    "unit": "担当",
    "received": "提出",
    "errors": "エラー",
    "warnings": "警告",
    "yes": "済",
    "no": "未提出",
    "total": "提出 {received} / {units} 担当、エラー {errors} 件、警告 {warnings} 件",
    "unplaced": "担当を判定できなかったファイル:{count} 件(検証ログの「ファイル」列を確認してください)",
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


_FORMATTER = string.Formatter()


def fill(template: str, **values: Any) -> str:
    """Format ``template``; placeholders without a value become empty, never an error."""
    given = _Blank({k: ("" if v is None else v) for k, v in values.items()})
    return _FORMATTER.vformat(template, (), given)


def render(code: str, **values: Any) -> tuple[str, str, str]:
    severity, message, action = MESSAGES[code]
    return severity, fill(message, **values), fill(action, **values)


def cli_text(key: str, **values: Any) -> str:
    return fill(CLI_TEXT[key], **values)
