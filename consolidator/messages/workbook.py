"""Texts written into a department's template: sheet names, headings, labels, instructions,
prompts, notes, and the template's file name."""

from __future__ import annotations

TEMPLATE_TEXT: dict[str, str] = {
    # ---- the sheets (returned files are read by these names: do not change them) -------------
    "cover-sheet": "記入要領",
    "text-sheet": "実施状況",
    "indicator-sheet": "活動指標",
    # ---- the file, the headings and the labels ------------------------------------------------
    "file-name": "{year}度_{department}_実施状況報告.xlsx",
    "text-sheet-title": "{department} {status}・{plan}",
    "indicator-sheet-title": "{department} 主な活動指標の{value}",
    "goal-heading": "基本目標{goal} {goal_title} / 活動目標{activity} {activity_title}",
    "plan-label": "■計画",
    "category": "【{category}】",
    "default-deadline": "(事務局からの連絡のとおり)",
    "default-contact": "地域福祉課",
    # ---- the cover, notes and the input cells' prompts ----------------------------------------
    "cover": (
        "{department} 地域福祉計画 実施状況報告 記入用ブック\n"
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
        "3. 実績値が前年度の実績や目標値から大きく離れている(前年度・目標の10倍以上または10分の1以下など)と、"
        "右の「増減の理由」のセルがオレンジ色になります。値が正しければ、その理由を書いてください(書くと緑色になります)。\n"
        "4. 実績値がない場合は、実績値を空欄のままにして「未記入の理由」を選んでください"
        "(中止/実績なし/未実施/集計中/その他)。「その他」のときは「理由の説明」に内容を書いてください。"
        "{categories}\n"
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
    # The cover's {categories}: 市社協's template only (a 課 reports without categories).
    "cover-categories": ("\n5. 市社協の区分(【独自】【受託】【補助】)は、該当する区分の欄に記入してください。"
                         "前回報告のない区分も、該当があれば記入できます。"),
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
    "explanation-prompt": "実績値が前年度の実績や目標値から大きく離れているとき(このセルがオレンジ色になります)は、"
                          "増減の理由を書いてください(例:教室を2か所増やした、集計方法を変えた)。{limit}文字以内。",
    "text-error": "{limit}文字以内で入力してください。",
}

# The labels of a year's columns and fields; {year} is the fiscal year in wareki (令和4年).
# status, prev_plan and value are of the report year; plan of the next, prev_value of the last.
YEAR_LABELS: dict[str, str] = {
    "status": "{year}度 実施状況",
    "plan": "{year}度 予定",
    "prev_plan": "{year}度の予定(前回報告・参考)",
    "value": "{year}度 実績値",
    "prev_value": "{year}度 実績",
}

# The header rows of the two input sheets, one text per column (活動指標: by the column keys
# of templates.model.INDICATOR_LAYOUT). In 活動指標, the columns of past years' actuals and of
# this year's value show the year (YEAR_LABELS) instead.
TEXT_HEADERS: tuple[str, ...] = ("ID", "区分", "項目", "内容")
INDICATOR_HEADERS: dict[str, str] = {
    "id": "ID", "initiative": "取組み", "indicator": "指標", "target": "目標", "unit": "単位",
    "actual-3": "3年前の実績", "actual-2": "2年前の実績", "actual-1": "前年度実績",
    "value": "実績値", "explanation": "増減の理由", "reason": "未記入の理由",
    "reason_text": "理由の説明",
}

# The reasons a department may give instead of a value: the drop-down of 未記入の理由, in this
# order. With "other" the department explains in 理由の説明.
REASONS: dict[str, str] = {
    "discontinued": "中止",
    "no-results": "実績なし",
    "not-done": "未実施",
    "counting": "集計中",
    "other": "その他",
}
REASON_CHOICES: tuple[str, ...] = tuple(REASONS.values())
