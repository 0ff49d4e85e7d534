"""Texts of the correction loop: the annotated workbook sent back to a department, the e-mail
drafts, the ledger of files, resubmissions, accepted warnings, ``status`` and ``diff``."""

from __future__ import annotations

from consolidator.messages.table import Message
from consolidator.severity import INFO as I  # noqa: E741
from consolidator.severity import WARNING as W

CORRECTION: dict[str, Message] = {
    # ---- the ledger (output/ledger.sqlite3) -----------------------------------------------------
    "ledger-damaged": (W, "提出台帳 {file} が壊れていたため「{aside}」として別に残し、新しい台帳で処理しました({detail})",
                       "これまでの提出履歴と承認は新しい台帳に引き継がれていません。必要であれば「{aside}」をツールの保守担当に渡して確認を依頼してください。"),
    "ledger-newer": (W, "提出台帳 {file} はこのツールより新しい版で作られているため、今回は使わず記録もしませんでした",
                     "新しい版のツールで実行してください。"),
    "ledger-unavailable": (W, "提出台帳 {file} を使えないため、今回は台帳なしで処理しました({detail})",
                           "台帳のファイルが他のプログラムで開かれていないか、書き込みできる場所にあるかを確認してください。"),
    "resubmission-used": (I, "{department}の使用するファイルが変わりました:{file}(前回まで使用:{previous}、{previous_seen}受付。変わった項目 {changed} 件)",
                          "変わった項目は consolidator diff 前回のファイル 今回のファイル で確認できます。"),
    "superseded-version": (I, "{department}の以前の版のため使用しません(使用:{used}):{file}",
                           "対応は不要です。以前の版は提出フォルダから移動してもかまいません(履歴は提出台帳に残ります)。"),
    # ---- the files sent back to departments --------------------------------------------------------
    "feedback-not-written": (W, "{target}へ返す確認事項を書き込めませんでした({detail}):{file}",
                             "そのファイルがExcelなどで開かれていれば閉じて、実行し直してください。"),
    "feedback-table-only": (I, "{target}へ返す確認事項は、提出されたブックに書き込めないため一覧表だけにしました({detail}):{file}",
                            "一覧表のシート名とセル番地で修正箇所を伝えてください。"),
}

# The annotated copy of a department's workbook (output/担当別/<担当>_確認事項.xlsx, or .ods for
# an .ods: the notes are Calc's annotations there).
FEEDBACK_TEXT: dict[str, str] = {
    "sheet": "確認事項",  # the first sheet; a returned file is read without it
    "note-author": "事務局(確認事項)",  # the author of our notes
    # The first line of our notes: how they are found again in a returned file (Calc keeps the
    # text of a note but not its author).
    "note-title": "【確認事項・{severity}】",
    "title": "{department} 確認事項({year}度 実施状況報告)",
    "deadline": "提出期限:{deadline}",
    "contact": "問い合わせ先:{contact}",
    "file": "確認したファイル:{file}(エラー {errors} 件、警告 {warnings} 件)",
    "how-to": ("「セル」欄の青い文字をクリックすると、そのセルに移動します。赤いセルはエラー(修正が必要)、"
               "橙色のセルは警告(内容の確認をお願いします)で、セルのメモに内容と対処を書いています。"
               "修正したら、このブックを保存してそのまま返送してください(このシート、メモ、色はそのままでかまいません)。"),
    "note-action": "対処:{action}",
    "whole-file": "(ブック全体)",
    # the legend (凡例) under the how-to: two cells in the colours, then what they mean
    "legend-error": "エラー",
    "legend-warning": "警告",
    "legend": "凡例:赤色=エラー(修正が必要)、橙色=警告(内容の確認をお願いします)。シートの該当セルも同じ色で、「重大度」欄にも書いています。",
}
FEEDBACK_HEADER = ("重大度", "シート", "セル", "指標", "入力値", "メッセージ", "対処")

# ---- consolidator diff OLD NEW ----------------------------------------------------------------
VERSION_DIFF_HEADER = ("取組み", "項目", "以前の版", "新しい版")
VERSION_DIFF_TEXT: dict[str, str] = {
    "sheet": "変更箇所",
    "field-column": "項目ID",
    "blank": "(空欄)",
    "none": "変わった項目はありません。",
    "count": "変わった項目:{count} 件",
    "unreadable": "比べられません。{file} を読み取れませんでした:{reasons}",
    "other-department": "別の担当のブックです(以前の版:{old}、新しい版:{new})。同じ担当のブックを指定してください。",
    "xlsx-written": "変更箇所の一覧を書き出しました:{path}",
}

# ---- consolidator accept validation_log.xlsx ---------------------------------------------------
ACCEPT_TEXT: dict[str, str] = {
    "column": "承認",
    "reason-column": "承認理由",
    "accept": "承認する",  # the drop-down's one choice
    "accepted": "承認済み",  # shown in the log for an accepted warning
    "how-to": "警告を確認して問題がなければ「承認する」を選び、承認理由を書いて保存し、consolidator accept を実行してください。エラーは承認できません。",
    "shown": "{reason}({by}、{at})",
    "row": "{row}行目({code}、{department}、{subject})",
    "refused-error": "{where}:エラーは承認できません。担当課に修正を依頼してください。",
    "refused-info": "{where}:情報は承認の対象ではありません。",
    "refused-unknown": "{where}:最新の検証結果にない警告です(値が変わったか、解消しています)。最新の validation_log.xlsx で承認し直してください。",
    "refused-no-reason": "{where}:承認理由が空欄です。「承認理由」の列に理由を書いてから実行し直してください。",
    "kept": "{where}:すでに {at} に {by} さんが承認しています(承認理由:{reason})。記録はそのままです。",
    "kept-how-to": "承認者や理由を変えるには --replace を付けて実行してください(前の承認は提出台帳の履歴に残ります)。",
    "done": "承認を記録しました:{accepted} 件(記録済み {already} 件、承認できなかった行 {refused} 件)",
    "done-replaced": "承認をやり直しました:{replaced} 件(前の承認は提出台帳の履歴に残しました)",
    "no-runs": "提出台帳 {ledger} に検証の記録がありません。先に consolidator validate か consolidate を実行してください。",
    "no-log": "検証ログを読み取れません:{file}({detail})",
}

# ---- consolidator status ----------------------------------------------------------------------
STATUS_TEXT: dict[str, str] = {
    "department": "担当",
    "submitted": "提出",
    "file": "使用ファイル",
    "versions": "版数",
    "errors": "エラー",
    "warnings": "警告",
    "accepted": "承認済み",
    "last-seen": "最終受付",
    "yes": "済",
    "no": "未提出",
    "run": "最新の実行:{at}({command}、{year}度)",
    "missing": "未入力の実績値:{count} 件",
    "clean": "すべての担当が提出済みで、エラーと未承認の警告はありません。",
    "not-clean": "提出待ち {missing} 担当、エラーのある担当 {errors}、未承認の警告のある担当 {warnings}。",
    "no-runs": "提出台帳 {ledger} に記録がありません。先に consolidator validate か consolidate を実行してください。",
}

# ---- the e-mail drafts (<担当>_依頼.eml) ---------------------------------------------------------
MAIL_TEXT: dict[str, str] = {
    "file-suffix": "_依頼.eml",
    "send-subject": "【ご提出のお願い】地域福祉計画 実施状況報告({year}度)様式({department})",
    "fix-subject": "【修正のお願い】地域福祉計画 実施状況報告({year}度)確認事項({department})",
    "confirm-subject": "【内容確認のお願い】地域福祉計画 実施状況報告({year}度)確認事項({department})",
    "remind-subject": "【再度のお願い】地域福祉計画 実施状況報告({year}度)のご提出について({department})",
    "remind-late-subject": ("【至急・再度のお願い】地域福祉計画 実施状況報告({year}度)のご提出について"
                            "({department})"),
    # The parts of the bodies (MAIL_BODIES puts them together).
    "greeting": "{department} ご担当者様\n\n",
    "send": (
        "地域福祉計画 実施状況報告({year}度)の作成にご協力をお願いします。\n"
        "添付の記入用ブック「{file}」に、{year}度の実施状況・実績値と翌年度の予定を入力してください。\n"
        "入力のしかたはブックの「記入要領」シートにあります。\n"
    ),
    "remind": (
        "地域福祉計画 実施状況報告({year}度)について、{department}からのご提出がまだ確認できておりません。\n"
        "お手数ですが、添付の記入用ブック「{file}」に{year}度の実施状況・実績値と翌年度の予定を入力し、"
        "提出期限までにお送りください(入力のしかたはブックの「記入要領」シートにあります)。\n"
        "行き違いでお送りいただいている場合は、ご容赦ください。\n"
    ),
    # The deadline has passed: never 「提出期限までに」.
    "remind-late": (
        "地域福祉計画 実施状況報告({year}度)について、{department}からのご提出がまだ確認できておりません。\n"
        "提出期限({deadline})を過ぎています。お手数ですが、添付の記入用ブック「{file}」に{year}度の"
        "実施状況・実績値と翌年度の予定を入力し、至急お送りください(入力のしかたはブックの「記入要領」シートにあります)。\n"
        "行き違いでお送りいただいている場合は、ご容赦ください。\n"
    ),
    "thanks": "地域福祉計画 実施状況報告({year}度)のご提出ありがとうございました。\n",
    "counts": "確認したところ、{counted}ありました。\n\n{items}\n",
    "counted": "修正をお願いしたい箇所(エラー)が {errors} 件",  # {counted} without warnings
    "counted-warnings": "修正をお願いしたい箇所(エラー)が {errors} 件、内容の確認をお願いしたい箇所(警告)が {warnings} 件",
    # Warnings only: nothing is wrong for sure, the department is asked to look.
    "confirm-counts": ("確認したところ、誤りではないかもしれませんが、念のため内容を確認していただきたい箇所(警告)が"
                       " {warnings} 件ありました。\n\n{items}\n"),
    "unreadable": "お送りいただいたファイルを読み取れませんでした(エラー {errors} 件)。\n\n{items}\n",
    "fix": ("添付のブック「{file}」は、ご提出いただいたブックに印を付けたものです。最初のシート「確認事項」に一覧があり、"
            "セル番地をクリックすると該当のセルに移動します(赤:エラー、橙:警告。セルのメモに対処を書いています)。\n"
            "このブックで修正して保存し、このメールへの返信に添付して送ってください。\n"),
    "fix-list": ("添付の一覧「{file}」にシート名とセル番地があります。ご提出いただいたブックで修正して保存し、"
                 "このメールへの返信に添付して送ってください。\n"),
    "fix-table": ("添付の一覧「{file}」に内容があります。配布した様式に記入し直すか、Excelで開いて「名前を付けて保存」で"
                  "Excelブック(.xlsx)として保存し直し、このメールへの返信に添付して送ってください。\n"),
    "confirm": ("添付のブック「{file}」は、ご提出いただいたブックの確認していただきたいセルに印を付けたものです"
                "(橙色のセル。最初のシート「確認事項」に一覧があり、セル番地をクリックすると該当のセルに移動します)。\n"
                "内容が正しければ修正は不要です。その旨をこのメールへの返信でお知らせください。"
                "修正した場合は、このブックを保存し、返信に添付して送ってください。\n"),
    "confirm-list": ("添付の一覧「{file}」にシート名とセル番地があります。内容が正しければ修正は不要です。"
                     "その旨をこのメールへの返信でお知らせください。修正した場合は、ご提出いただいたブックを保存し、"
                     "返信に添付して送ってください。\n"),
    "deadline": "\n提出期限:{deadline}\n",
    "deadline-passed": "\n提出期限:{deadline}(過ぎています)\n",
    "how-to-send": "提出方法:入力したブックをこのメールへの返信に添付してください(ファイル名は変えてもかまいません)。\n",
    "contact": "問い合わせ先:{contact}\n",
    "item": "・{where}{message}\n",
    "item-action": "  → {action}\n",  # what to do, under the point
    "item-where": "{sheet}!{cell}:",
    "more-items": "・ほか {count} 件(添付の一覧をご覧ください)\n",
    "drafts-written": "メールの下書き(ダブルクリックで開いて送信できます):{count} 件({folder})",
}
# Each draft's body: the parts of MAIL_TEXT, in order.
MAIL_BODIES: dict[str, tuple[str, ...]] = {
    "send": ("greeting", "send", "deadline", "how-to-send", "contact"),
    "fix": ("greeting", "thanks", "counts", "fix", "deadline", "contact"),
    "fix-list": ("greeting", "thanks", "counts", "fix-list", "deadline", "contact"),
    "fix-table": ("greeting", "thanks", "unreadable", "fix-table", "deadline", "contact"),
    "confirm": ("greeting", "thanks", "confirm-counts", "confirm", "deadline", "contact"),
    "confirm-list": ("greeting", "thanks", "confirm-counts", "confirm-list", "deadline", "contact"),
    "remind": ("greeting", "remind", "deadline", "how-to-send", "contact"),
    "remind-late": ("greeting", "remind-late", "deadline-passed", "how-to-send", "contact"),
}

# ---- consolidator remind (output/督促/) ----------------------------------------------------------
REMIND_TEXT: dict[str, str] = {
    "folder": "督促",
    "file-suffix": "_督促.eml",  # <担当>_督促.eml
    "list-file": "督促一覧.xlsx",
    "list-sheet": "督促一覧",
    "missing": "提出のお願い",  # the kinds of reminder, as the list shows them
    "fix": "修正のお願い",
    "days-past": "期限を過ぎています({days}日)",
    "written": "督促の下書きを作りました:未提出 {missing} 担当、修正待ち {fix} 担当({folder})",
    "list-written": "督促一覧:{path}",
    "none": "督促の必要な担当はありません(すべての担当から提出があり、エラーのあるファイルもありません)。",
    "deadline-passed": "提出期限「{deadline}」は{days}日前の日付で、すでに過ぎています。督促の下書きは作っていません。",
    "deadline-passed-cli": ("新しい提出期限を --deadline で指定してください。過ぎた期限のまま督促する場合は --past-deadline を"
                            "付けてください(メールには、期限を過ぎているので至急送ってほしいと書きます)。"),
    "deadline-prompt": "新しい提出期限を入力してください(過ぎた期限のまま督促する場合は、そのまま Enter)",
    "deadline-passed-desk": ("新しい提出期限を入力してください。過ぎた期限のまま督促する場合は「期限を過ぎたまま督促する」に"
                             "チェックを付けてください(メールには、期限を過ぎているので至急送ってほしいと書きます)。"),
    "past-deadline-label": "期限を過ぎたまま督促する",
    "no-deadline": "注意:提出期限を日付として読み取れないため、期限までの日数は空欄です(--deadline 2023年5月31日 のように指定できます)。",
}
REMIND_HEADER = ("担当", "督促の内容", "宛先", "前回の督促", "督促の回数", "今回の督促", "提出期限",
                 "期限までの日数", "下書き", "添付")
