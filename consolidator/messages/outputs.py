"""Texts of the command line, the validation log, the master workbook and the plan comparison;
the findings about the run's own outputs (:data:`OUTPUTS`)."""

from __future__ import annotations

from consolidator.messages.table import Message
from consolidator.severity import ERROR as E
from consolidator.severity import INFO as I
from consolidator.severity import WARNING as W

# Findings about the files a run writes (not about a returned workbook).
OUTPUTS: dict[str, Message] = {
    "output-held-open": (W, "{old} は Excel など別のソフトで開かれているため置き換えられませんでした。"
                            "元のファイルはそのまま残し、今回の結果は {new} に保存しました。",
                         "今回の結果は {new} を開いて確認してください。{old} を閉じてから実行し直すと、"
                         "{old} が更新されます({new} は不要になれば削除してください)。"),
    # A name from the catalog that cannot be a file name (consolidator.safe_paths), met while
    # writing: that department's file is not written, every other department's is.
    "output-name-refused": (E, "{target}のファイル「{value}」を {folder} に書き出しませんでした:{reason}。ほかの担当のファイルは書き出しました。",
                            "計画の担当名(計画のブックでは「担当一覧」の担当名と旧名称)を確かめて直し、もう一度実行してください。"),
    "template-not-written": (E, "{target}の様式 {file} を書き出せませんでした({detail})。ほかの担当の様式は書き出しました。",
                             "同じ名前のファイルを Excel などで開いていれば閉じ、出力先フォルダの空き容量と書き込みの権限を確かめてから、もう一度作成してください。"),
    "draft-not-written": (E, "{target}へのメールの下書き {file} を書き出せませんでした({detail})。ほかの担当の下書きは書き出しました。",
                          "出力先フォルダの空き容量と書き込みの権限を確かめてから、実行し直してください。"),
    # The result cache (output/.consolidator-cache.sqlite3): derived data, rebuilt when needed.
    "cache-rebuilt": (I, "前回までの検証結果の保存ファイル {file} を使えなかったため({detail})、作り直しました。今回はすべてのファイルを検証し直しています。",
                      "対応は不要です。次の実行からは変わっていないファイルの検証が省略されます。"),
    "cache-set-aside": (I, "前回までの検証結果の保存ファイル {file} が壊れているか、このツールのものではなかったため({detail})、{aside} に名前を変えて残し、新しく作りました。今回はすべてのファイルを検証し直しています。",
                        "対応は不要です。{aside} は念のため残したもので、確認が済めば削除して構いません。"),
    # The folder's whole result kept in the result cache file (one row): derived data.
    "cache-folder-damaged": (I, "前回の検証結果のうちフォルダ全体の結果({file} 内)が壊れていたため({detail})、使わずに作り直しました。今回は各ファイルの保存済みの結果から組み立て直しています。",
                             "対応は不要です。結果には影響ありません。"),
    "cache-unavailable": (I, "前回までの検証結果の保存ファイル {file} を使えませんでした({detail})。検証は保存ファイルを使わずに行い、今回の結果は保存していません。",
                          "結果には影響ありません。出力先フォルダの空き容量と書き込みの権限を確認してください。"),
    # The output cache (.consolidator-outputs.sqlite3 in the working folder): derived data.
    "output-cache-set-aside": (I, "作成済みの出力ファイルの記録 {file} が壊れているか、このツールのものではなかったため({detail})、{aside} に名前を変えて残し、新しく作りました。今回は出力ファイルをすべて作り直しています。",
                               "対応は不要です。{aside} は念のため残したもので、確認が済めば削除して構いません。"),
}

# Why a name cannot be part of a file name: the reasons of consolidator.safe_paths.
NAME_PROBLEMS: dict[str, str] = {
    "empty": "名前が空です",
    "separator": "フォルダの区切りになる文字「{found}」を含んでいます(/ \\ と、その全角や似た形の文字 ／ ＼ ∕ ⁄ ¥ なども使えません)",
    "parent": "上のフォルダを指す「..」を含んでいます",
    "control": "制御文字 {found} を含んでいます(改行・タブ・見えない書式文字などは使えません)",
    "windows-character": "Windows のファイル名に使えない文字「{found}」を含んでいます(< > : \" | ? * は使えません)",
    "reserved": "「{found}」は Windows が機器の名前として予約している名前です(CON、PRN、AUX、NUL、COM1〜9、LPT1〜9 など。後ろに「.」が続いても同じです)",
    "trailing": "先頭か末尾が空白、または末尾が「.」です(Windows ではファイル名から削られます)",
    "too-long": "{found} 文字あります({max} 文字までにしてください)",
    "outside": "出力先フォルダの外を指しています",
}

CLI_TEXT: dict[str, str] = {
    "plan-valid": "計画カタログに問題はありません:{file}",
    "plan-invalid": "計画カタログに {count} 件の問題があります:{file}",
    "plan-imported": "計画カタログを書き出しました:{file}(取組み {initiatives} 件、指標 {indicators} 件)",
    "import-findings": "配置できなかった行・確認が必要な項目:{count} 件",
    "plan-exported": "計画のブックを書き出しました:{file}(取組み {initiatives} 件、指標 {indicators} 件)。編集したら plan import {file} -o 計画.json で戻してください。",
    "plan-exported-blank": "空の計画のブックを書き出しました:{file}(前計画の指標 {measures} 件を「前計画の指標」シートに収録)。",
    "plan-import-no-output": "書き出す計画カタログを -o で指定してください(作業フォルダでは --folder を付けると、そのフォルダの plan.json に書き出します)。",
    "plan-book-not-written": "計画のブックに {count} 件のエラーがあるため、計画カタログは書き出していません:{file}",
    "unknown-department": "計画にない担当です:{department}",
    "bad-year": "年度を読み取れません:{value}(例:令和4、2022)",
    "generated": "{count} 件の様式を {folder} に作成しました。",
    "only-former-name": "--only {name} は旧名称のため、現在の担当名「{department}」の様式を作りました。",
    "progress-generating": "様式を作成しています",
    "progress-checking": "ファイルを検証しています",
    "results-reused": "{total} 件のうち、前回から中身の変わっていない {count} 件は前回の検証結果を使いました(すべて検証し直すには --no-cache)。",
    "not-a-template-file": "このツールで作成した様式ではありません:{file}",
    "log-written": "検証ログ:{path}",
    "master-written": "報告書(マスター):{path}",
    "master-unchanged": "報告書(マスター):{path}(前回と同じ内容のため、書き換えていません)",
    "department-logs-written": "担当課へ返す確認事項(エラー・警告のある担当のみ。印を付けたブックとメールの下書き):{path}",
    "ledger-broken": "提出台帳を読み取れません({detail})。次に validate か consolidate を実行すると、壊れた台帳は別の名前で残され、新しい台帳が作られます。",
    "demo-templates": "様式 {count} 件を作成しました:{folder}",
    "demo-submissions": "{count} 担当の記入済みブックを置きました:{folder}({missing}は未提出の想定)",
    "demo-mistakes": "わざと入れた間違い:{mistakes}",
    "demo-findings": "検証結果:エラー {errors} 件、警告 {warnings} 件(検証ログで確認できます)",
    "no-submissions": "提出フォルダ {folder} がありません。返ってきたファイルを保存したフォルダを指定してください。",
    "next-plan-written": "来年度用の計画カタログ(今年度の実績・予定を前年度分として収録):{path}(来年度は next-year でこれを作業フォルダの計画にするか、generate --plan でこのファイルを指定)",
    "output-error": "出力先フォルダ {folder} に書き込めませんでした({detail})。以前の出力はそのまま残っています。空き容量や書き込み権限を確認してから実行し直してください。",
    "output-busy": "出力先フォルダ {folder} は別の集約処理が使用中です。終わってから実行し直してください。",
    "output-held-open": "注意:{old} は Excel などで開かれているため置き換えられませんでした(元のファイルはそのままです)。今回の結果は {new} に保存しました。",
}


DIFF_TEXT: dict[str, str] = {
    "department-added": "担当を追加:{id}",
    "department-removed": "担当を削除:{id}",
    "department-renamed": "担当の名称を変更:{before} → {after}(旧名称として「{before}」を保持)",
    "initiative-added": "取組みを追加:{id} {after}",
    "initiative-removed": "取組みを削除:{id} {before}",
    "initiative-renamed": "取組みの名称を変更:{id} 「{before}」→「{after}」",
    "indicator-added": "指標を追加:{id} {after}",
    "indicator-removed": "指標を削除:{id} {before}",
    "indicator-renamed": "指標の名称を変更:{id} 「{before}」→「{after}」",
    "owner-changed": "指標の担当を変更:{id} {before} → {after}",
    "target-changed": "指標の目標を変更:{id} 「{before}」→「{after}」",
    "change-factor-added": "増減確認の倍率を設定:{id} {after}倍(これまでは既定の{before}倍)",
    "change-factor-changed": "増減確認の倍率を変更:{id} {before}倍 → {after}倍",
    "change-factor-removed": "増減確認の倍率を既定に戻す:{id} {before}倍 → 既定の{after}倍",
    "none": "違いはありません。",
}

MASTER_TEXT: dict[str, str] = {
    "title": "{plan}実施状況報告({year}度実施状況・{next_year}度実施予定)",
    "overview-sheet": "概要",
    "goal-sheet": "基本目標{number}",
    "goal-title": "基本目標{number} {title}",
    "activity-title": "活動目標{number} {title}",
    "indicator-sheet": "指標一覧",
    "missing-sheet": "未入力一覧",
    "status-sheet": "提出状況",
    "log-sheet": "検証ログ",
    "overview-counts": "提出 {received} / {departments} 担当、エラー {errors} 件、警告 {warnings} 件",
    "overview-goal-column": "基本目標",
    "chart-title": "基本目標ごとの指標の達成状況",
    "chart-axis": "指標の数",
    "plan-block": "■計画",
    "results-block": "■{year}度実績",
    "plans-block": "■{year}度予定",
    "plan-header": "組織\t\t活動目標の実現に向けた取り組み\t主な活動指標等",
    "results-header": "区分\t担当\t{year}度実施状況\t{year}度実績値",
    "plans-header": "区分\t担当\t{year}度実施予定\t",
    "glossary-header": "用語\t\t説明\t",
    "category": "【{category}】",
    "bullet": "・{text}",
    "explanation": "(増減の理由:{text})",  # after a far-off value on a report sheet
    "accepted": "(承認理由:{text})",  # after a value whose warning the secretariat accepted
    "not-reported": "未報告",
    "previous-report-title": "{year}度実施状況・{next_year}度実施予定",
    # the legend (凡例) of the sheets that colour cells: the colours of consolidator.colours
    "legend-error-label": "エラー",
    "legend-missing-label": "未報告",
    "legend-error": "赤色のセル:検証でエラーのあった入力。セルの先頭にも【エラー】とあります(内容は検証ログで確認してください)",
    "legend-missing": "紫色のセル:未報告(実施状況・実績値の記入がない、または担当の提出がない)。セルにも「未報告」とあります",
    "legend-short": "凡例:赤色=エラー(セルの先頭に【エラー】)、紫色=未報告",
    "indicator-legend": "凡例:紫色=判定が未報告",
    "error-marker": "【エラー】",
    "legend-rule": "達成率 = 実績値 ÷ 目標値(「以下」「未満」の目標は逆)。実績値がなければ数値目標の有無にかかわらず未報告、実績値があって数値目標のない指標は評価対象外。",
}

CONSOLE: dict[str, str] = {
    "department": "担当",
    "received": "提出",
    "errors": "エラー",
    "warnings": "警告",
    "yes": "済",
    "no": "未提出",
    "total": "提出 {received} / {departments} 担当、エラー {errors} 件、警告 {warnings} 件",
    "unplaced": "担当を判定できなかったファイル:{count} 件(検証ログの「ファイル」列を確認してください)",
}


OUTPUT_TEXT: dict[str, str] = {
    "truncated": "…(以下省略)",  # where a text longer than an Excel cell holds was cut
    "received": "済",
    "not-received": "未提出",
    "list-separator": "、",
    "quote-separator": "」「",  # between names quoted together: 「a」「b」
    "deleted-cell": "(削除)",
    # which template a department returned (its machine-readable format version stays in the
    # file's _meta sheet and properties): this year's layout, or an older copy's
    "format-current": "最新",
    "format-older": "以前の様式",
}

# ---- the validation log ------------------------------------------------------------------------
LOG_SHEET = "検証ログ"
LOG_SUMMARY_SHEET = "担当別"
DEPARTMENT_LOG_SHEET = "確認事項"
MASTER_HISTORY_DIR = "以前のマスター"  # output/以前のマスター/master_<年度>_<日時>.xlsx
DEPARTMENT_LOG_DIR = "担当別"  # output/担当別/<担当>_確認事項.xlsx
DEPARTMENT_LOG_SUFFIX = "_確認事項.xlsx"
LOG_HEADER = ("重大度", "コード", "担当", "ファイル", "シート", "セル", "取組み", "指標", "入力値",
              "メッセージ", "対処", "承認", "承認理由", "項目ID")
SUMMARY_HEADER = ("担当", "提出", "使用ファイル", "不使用ファイル", "様式", "エラー", "警告",
                  "承認済み", "版数", "以前の版")

# ---- the master's tables --------------------------------------------------------------------
# 指標一覧: column key → heading, in the sheet's order. "past_years" stands for one column per
# past year, oldest first, headed PAST_YEAR_COLUMN (none when the catalog has no history).
INDICATOR_COLUMNS: dict[str, str] = {
    "initiative_id": "取組みID", "goal": "基本目標", "activity": "活動目標", "initiative": "取組み",
    "measure_id": "指標ID", "measure": "指標", "owner": "担当", "target_text": "目標",
    "target": "目標値", "unit": "単位", "target_year": "目標年度", "past_years": "",
    "past_explanations": "過去の増減の理由", "value": "実績値", "explanation": "増減の理由",
    "accepted": "承認理由", "reason": "未記入理由", "achievement": "達成率", "judgement": "判定", "source": "出典",
}
PAST_YEAR_COLUMN = "{year}度実績"  # {year}: 令和3年
PAST_EXPLANATION = "{year}度:{text}"  # a past year's 増減の理由 in 過去の増減の理由

# 推移: the trend of every measure over the years, a line chart each.
TREND_TEXT: dict[str, str] = {
    "sheet": "推移",
    "title": "指標の推移(実績と目標、{first}〜{last})",
    "note": "数値の実績がある指標ごとのグラフです。実線が実績、破線が目標。数値は下の表にあります。",
    "table-title": "推移の数値",
    "measure": "指標",
    "unit": "単位",
    "actual": "実績",
    "target": "目標",
    "year": "{year}度",
    "chart-title": "{id} {name}",
    "chart-unit": " [{unit}]",
    "none": "数値の実績がある指標はありません。",
}
MISSING_HEADER = ("担当", "取組みID", "取組み", "指標ID", "指標", "未記入理由", "コード")

# 判定 of a measure in 指標一覧 and 概要 (see consolidator.report.merge for the rule).
JUDGEMENT_TEXT: dict[str, str] = {
    "achieved": "達成",
    "not-achieved": "未達成",
    "not-reported": "未報告",
    "not-evaluated": "評価対象外",
}

# The columns consolidator.master_analysis adds to 指標一覧.
ANALYSIS_COLUMNS: dict[str, str] = {"year": "年度", "file": "ファイル"}
