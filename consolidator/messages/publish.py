"""Texts of the published report (公表: ``consolidator report``): the document's headings,
captions and notes, the 案 (draft) marks, the open data's columns, the secretariat's page file
and the command's lines.

"報告書" names the master in the CLI's output; the published report is always called
公表資料 or 実施状況報告 here, never 報告書.
"""

from __future__ import annotations

from consolidator.messages.table import Message
from consolidator.severity import WARNING as W

PUBLISH_DIR = "公表"  # output/公表/
HTML_NAME = "{year}度_実施状況報告.html"  # {year}: 令和3年
DOCX_NAME = "{year}度_実施状況報告.docx"  # the Word form (python-docx, extra "report")
OPEN_DATA_NAME = "指標一覧_{year}度.{ext}"
PDF_NAME = "{year}度_実施状況報告.pdf"
PAGES_NAME = "公表ページ.txt"  # output/公表/公表ページ.txt: the secretariat's own pages

REPORT_TEXT: dict[str, str] = {
    "draft-mark": "案",
    "draft-banner": "【案】この資料は確定版ではありません。",
    "draft-missing": "未提出の担当があります:{departments}",
    "draft-errors": "検証で解決していないエラーが {count} 件あります",
    "draft-reason-joiner": "。",
    "publisher": "発行者",
    "issued": "発行日",
    "toc": "目次",
    "toc-vision": "理念",
    "foreword": "はしがき",
    "committee": "委員会の意見と市の考え方",
    "summary": "指標の達成状況(概要)",
    "summary-lead": "基本目標ごとに、主な活動指標を判定(達成・未達成・未報告・評価対象外)で数えたものです。"
                    "未達成と未報告の多い基本目標から読むと、確認が必要な箇所がわかります。",
    "summary-caption": "基本目標ごとの指標の判定の数",
    "summary-goal": "基本目標",
    "summary-total": "計",
    "chart-label": "基本目標ごとの指標の判定の数を表す横棒グラフ。数値は隣の表と同じです。",
    "chart-bar": "{goal}:{parts}",
    "chart-part": "{judgement} {count}件",
    "attention-caption": "確認が必要な取組み(未達成・未報告の指標がある取組み)",
    "attention-initiative": "取組み",
    "attention-none": "未達成・未報告の指標はありません。",
    "rule": "達成率 = 実績値 ÷ 目標値(「以下」「未満」の目標は逆)。実績値がなければ数値目標の有無にかかわらず未報告、"
            "実績値があって数値目標のない指標は評価対象外です。",
    "goal": "基本目標{number} {title}",
    "activity": "活動目標{number} {title}",
    "initiative": "{label} {title}",
    "plan-block": "■計画",
    "results-block": "■{year}度実績",
    "plans-block": "■{year}度予定",
    "plan-caption": "{heading}:計画(活動目標の実現に向けた取り組みと主な活動指標等)",
    "plan-organisation": "組織",
    "plan-actions": "活動目標の実現に向けた取り組み",
    "plan-indicators": "主な活動指標等",
    "bracket": "〔{department}〕",
    "glossary-caption": "{heading}:用語と説明",
    "glossary-term": "用語",
    "glossary-description": "説明",
    "results-caption": "{heading}:{year}度の実施状況と実績値",
    "results-organisation": "区分",
    "results-reporter": "担当",
    "results-status": "{year}度実施状況",
    "results-values": "{year}度実績値",
    "plans-caption": "{heading}:{next_year}度の実施予定",
    "plans-text": "{year}度実施予定",
    "category": "【{category}】",
    "department-joiner": " ",
    "value-line": "・{text}",
    "not-reported": "未報告",
    "judgement-caption": "{heading}:主な活動指標の判定",
    "judgement-indicator": "指標",
    "judgement-target": "目標",
    "judgement-value": "実績値",
    "judgement-rate": "達成率",
    "judgement-judgement": "判定",
    "rate": "{rate}%",
    "accepted-note": "※ 事務局が確認し承認した注意事項:{message}(承認:{accepted})",
}

# 公表ページ.txt: the headings the secretariat writes under (in this order in the document).
PAGE_SECTIONS: dict[str, str] = {
    "foreword": "【はしがき】",
    "publisher": "【発行者】",
    "issued": "【発行日】",
    "committee": "【委員会の意見と市の考え方】",
}
PAGES_COMMENT = "#"  # a line starting with it is guidance, never published
PAGES_GUIDE = """\
# 公表ページの原稿(事務局が編集するファイル)
#
# 公表資料(実施状況報告の HTML など)に載せる、事務局が書くページです。
# consolidator report を実行し直しても、このファイルは上書きされません。
# 公表資料の HTML や Word ファイルを直接直すと、次の実行で消えてしまいます。ここに書いてください。
#
# 書き方:
# ・【はしがき】などの見出しの下の行に本文を書きます。見出しの行は変えないでください。
# ・空行で段落を分けます。
# ・「#」で始まる行は説明です(公表資料には載りません)。
# ・本文を書かなかった見出しは、公表資料に載りません。
# ・メモ帳で保存するときは、文字コード「UTF-8」を選んでください。
#
# 例:【発行者】の下に「山口市 健康福祉部 地域福祉課」、【発行日】の下に「令和5年3月」。
# 【委員会の意見と市の考え方】には、推進委員会の意見と市の考え方を、意見ごとに段落を分けて書きます。

【はしがき】

【発行者】

【発行日】

【委員会の意見と市の考え方】

"""

# The open data (指標一覧_令和N年度.csv / .xlsx): one row per measure, in this order.
OPEN_DATA_COLUMNS: dict[str, str] = {
    "year": "年度", "wareki": "和暦", "measure_id": "指標ID", "goal": "基本目標",
    "activity": "活動目標", "initiative_id": "取組みID", "initiative": "取組み", "measure": "指標",
    "owner": "担当", "target_text": "目標", "target": "目標値", "unit": "単位", "value": "実績値",
    "achievement": "達成率", "judgement": "判定", "explanation": "増減の理由",
    "reason": "未記入の理由",
}
OPEN_DATA_SHEET = "指標一覧"
WAREKI_YEAR = "{year}度"

PUBLISH_CLI: dict[str, str] = {
    "written": "公表資料(実施状況報告)を書き出しました:{folder}",
    "file": "  {path}",
    "draft": "公表資料は「案」として作成しました。理由:{reasons}",
    "final": "提出と検証が済んでいるため、「案」の表示なしで作成しました。",
    "pages-created": "事務局のページ(はしがき・発行者・発行日・委員会の意見と市の考え方)の原稿を作りました:{path}"
                     "(書いてから実行し直してください。このファイルは上書きされません)",
    "pages-used": "事務局のページの原稿:{path}",
    "pages-not-utf8": "事務局のページの原稿 {path} は UTF-8 ではなかったため、Shift_JIS として読みました。"
                      "メモ帳で保存するときは文字コード「UTF-8」を選んでください。",
}

# The PDF (consolidator.publish.pdf): the texts it adds to the document's (page numbers, the
# draft's page header).
PDF_TEXT: dict[str, str] = {
    "page": "{page} / {pages}",
    "draft-header": "【案】確定版ではありません",
    "chart-alt": "基本目標ごとの指標の判定の数を表す横棒グラフ。{parts}",
}

# The Japanese fonts the PDF looks for, per operating system, in the order it asks for them:
# (the family's name as Typst knows it, the file names it ships as). The later ones draw the
# characters the first lacks (𠮷, 髙, ①, ㈱: Yu Gothic and Meiryo cover JIS X 0213; on Linux
# IPAexGothic lacks 𠮷, Noto Sans CJK JP has it). Not messages: the file names of macOS are
# Japanese, and Japanese literals live in this package.
PDF_FONT_CANDIDATES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "windows": [("Yu Gothic", ("YuGothR.ttc", "YuGothM.ttc")),
                ("Meiryo", ("meiryo.ttc",)),
                ("BIZ UDGothic", ("BIZ-UDGothicR.ttc",)),
                ("MS Gothic", ("msgothic.ttc",))],
    "darwin": [("Hiragino Sans", ("ヒラギノ角ゴシック W3.ttc", "ヒラギノ角ゴシック W4.ttc")),
               ("Hiragino Kaku Gothic ProN", ("ヒラギノ角ゴ ProN W3.otf",
                                              "ヒラギノ角ゴシック ProN W3.otf"))],
    "linux": [("Noto Sans CJK JP", ("NotoSansCJK-Regular.ttc", "NotoSansCJKjp-Regular.otf",
                                    "NotoSansJP-Regular.otf")),
              ("IPAexGothic", ("ipaexg.ttf",)),
              ("IPAGothic", ("ipag.ttf",))],
}

# Findings of the published report: a form not drawn here, and what to do. The other forms
# are written all the same.
PUBLISH: dict[str, Message] = {
    "pdf-engine-missing": (W, "公表資料の PDF({file})は作りませんでした。PDF を作る部品(typst)がインストールされていません。"
                              "HTML・CSV・Excel の公表資料は書き出しました。",
                           "PowerShell かコマンドプロンプトで pip install \"consolidator[report]\" を実行してから、"
                           "consolidator report を実行し直してください。"),
    "pdf-font-missing": (W, "公表資料の PDF({file})は作りませんでした。日本語のフォントが見つかりません(探した場所:{path})。"
                            "HTML・CSV・Excel の公表資料は書き出しました。",
                         "Windows では游ゴシックかメイリオ(Windows に標準で入っています)、macOS ではヒラギノ角ゴシック、"
                         "Linux では Noto Sans CJK JP(fonts-noto-cjk)か IPAexゴシック(fonts-ipaexfont-gothic)を"
                         "インストールしてから、実行し直してください。"),
    "pdf-characters-missing": (W, "公表資料の PDF({file})で、見つかった日本語フォント({value})にない文字「{detail}」がありました。"
                                  "PDF はその文字を欠いたまま、PDF/UA-1 の指定なしで作りました。",
                               "JIS 第3・第4水準の文字まで含むフォント(Windows の游ゴシック、Linux の Noto Sans CJK JP など)を"
                               "インストールしてから、実行し直してください。"),
    "pdf-failed": (W, "公表資料の PDF({file})を作れませんでした({detail})。HTML・CSV・Excel の公表資料は書き出しました。",
                   "このメッセージをツールの担当者に伝えてください。"),
    "docx-engine-missing": (W, "公表資料の Word ファイル({file})は作りませんでした。Word ファイルを作る部品(python-docx)がインストールされていません。"
                               "ほかの公表資料は書き出しました。",
                            "PowerShell かコマンドプロンプトで pip install \"consolidator[report]\" を実行してから、"
                            "consolidator report を実行し直してください。"),
    # The desk draws the PDF and the Word file after its 集約 has answered
    # (consolidator.jobs.drawing): what went wrong there, said on its 集約 page.
    "published-drawing-failed": (W, "公表資料({file})を作れませんでした({detail})。HTML・CSV・Excel の公表資料は書き出しました。",
                                 "もう一度「集約する」を押してください。同じメッセージが続くときは、このメッセージをツールの担当者に伝えてください。"),
    "published-drawing-timeout": (W, "公表資料({file})が {limit} 秒たってもできあがらないため、作るのをやめました。"
                                     "HTML・CSV・Excel の公表資料は書き出しました。",
                                  "もう一度「集約する」を押してください。同じメッセージが続くときは、このメッセージをツールの担当者に伝えてください。"),
    "published-drawing-busy": (W, "公表資料({file})を作りましたが、ほかの処理が output フォルダを使い続けていたため置けませんでした。"
                                  "HTML・CSV・Excel の公表資料は書き出しました。",
                               "ほかの処理が終わってから、もう一度「集約する」を押してください。"),
}

# The Word form (令和N年度_実施状況報告.docx): what only it needs.
WORD_TEXT: dict[str, str] = {
    "toc-placeholder": "(ページ番号は、Word で目次を右クリックして「フィールド更新」を選ぶと表示されます)",
}
