"""Findings and texts about changes of the plan: the plan catalog as an editable workbook
(``plan export`` / ``plan import FILE.xlsx``), a department's former names, and a returned
workbook made from an older catalog."""

from __future__ import annotations

from consolidator.messages.table import Message
from consolidator.severity import ERROR as E
from consolidator.severity import INFO as I  # noqa: E741
from consolidator.severity import WARNING as W

PLAN_BOOK: dict[str, Message] = {
    # ---- the catalog (JSON) ------------------------------------------------------------------
    "plan-alias-conflict": (E, "旧名称「{value}」が現在の担当名または他の担当の旧名称と重なっています({path})",
                            "旧名称は、以前の名前として一つの担当にだけ書いてください。"),
    "plan-history-duplicate-year": (E, "指標「{indicator}」の過去の実績に {value} 年度が2回あります({path})",
                                    "同じ年度の実績は1つにしてください。"),
    # ---- the plan workbook (plan import FILE.xlsx) -------------------------------------------
    "plan-book-unreadable": (E, "計画のブックを読み込めません({detail}):{file}",
                             "plan export で書き出したブック(.xlsx)を Excel で開けるか確認し、.xlsx 形式で保存し直してください。"),
    "plan-book-sheet-missing": (E, "シート「{sheet}」がありません:{file}",
                                "plan export で書き出したブックのシートを削除・改名せずに使ってください(空でもシートは残してください)。"),
    "plan-book-column-missing": (E, "シート「{sheet}」に列「{value}」がありません(1行目の見出し)",
                                 "1行目の見出しを plan export で書き出したとおりに戻してください。"),
    "plan-book-item-missing": (E, "シート「{sheet}」に項目「{value}」の行がありません",
                               "A列の項目名を plan export で書き出したとおりに戻し、B列に値を入力してください。"),
    "plan-book-required": (E, "{sheet}!{cell} の「{label}」が空欄です",
                           "値を入力してください(表のシートで使わない行は、行ごと削除してください)。"),
    "plan-book-not-number": (E, "{sheet}!{cell} の「{label}」が数値ではありません:「{value}」",
                             "半角の数値だけを入力してください(単位は「単位」の列に、年度は 2024 のような西暦で)。"),
    "plan-book-bad-choice": (E, "{sheet}!{cell} の「{label}」に使えない値です:「{value}」(使える値:{choices})",
                             "一覧(ドロップダウン)から選んでください。"),
    "plan-book-unknown-parent": (E, "{sheet}!{cell} の「{label}」の「{value}」がシート「{parent}」にありません",
                                 "シート「{parent}」にある ID を入力するか、シート「{parent}」に行を追加してください。"),
    "plan-book-conflict": (E, "{sheet}!{cell} の「{label}」が同じ指標 {value} の前の行と異なります",
                           "一つの指標の複数の行(目標が複数の部分からなる指標)では、指標全体の列を同じ内容にしてください。"),
    "plan-book-history-unknown": (E, "{sheet}!{cell} の指標ID「{value}」がシート「{parent}」にありません",
                                  "指標IDを直すか、その行を削除してください。"),
    "plan-book-continues-unknown": (W, "{sheet}!{cell} の前計画の指標ID「{value}」がシート「{parent}」にありません(実績は引き継がれません)",
                                    "シート「{parent}」の指標IDから選んでください。"),
    "plan-book-continued": (I, "指標 {field_id} に前計画の指標 {value} の実績 {count} 年分を引き継ぎました",
                            "対応は不要です。"),
    "plan-book-history-kept": (W, "{sheet}!{cell}:指標 {field_id} の {year} 年度の実績は「過去の実績」の行を使い、前計画の実績は使いませんでした",
                               "どちらが正しいか確認してください。"),
    "plan-book-former-name": (I, "{sheet}!{cell} の担当「{value}」は旧名称のため「{department}」として読みました",
                              "対応は不要です(次に書き出すときは新しい名前になります)。"),
    # the catalog's checks, at a cell of the workbook (same rules as plan validate)
    "plan-book-invalid": (E, "{sheet}!{cell} の値が正しくありません:{detail}",
                          "記入要領のとおりに直してください。"),
    "plan-book-duplicate-id": (E, "ID「{value}」が重複しています({sheet}!{cell})",
                               "ID が一意になるよう直してください(担当名も重複できません)。"),
    "plan-book-id-mismatch": (E, "ID「{value}」が番号・上位の ID と合っていません({sheet}!{cell})、期待値 {expected}",
                              "ID を「基本目標-活動目標-取組み」の番号に合わせてください(例:取組み 1-2-3 の指標は 1-2-3-c1)。"),
    "plan-book-unknown-department": (E, "担当「{value}」が担当一覧にありません({sheet}!{cell})",
                                     "担当一覧に追加するか、担当名を直してください。名前を変えた担当は、担当一覧の「旧名称」に元の名前を書いてください。"),
    "plan-book-owner-not-reporter": (W, "指標の担当 {value} が取組み {initiative_id} の報告担当にありません({sheet}!{cell})",
                                     "シート「報告担当」に取組みと担当の行を追加してください(このままでも様式には指標が入ります)。"),
    "plan-book-owner-organisation": (E, "指標の担当 {value} は組織「{organisation}」に属していません({sheet}!{cell})",
                                     "市社協の指標は組織「市社協」・担当「市社協」、市の指標は組織「市」・担当は市の課にしてください。"),
    "plan-book-target-unit-missing": (E, "目標値 {value} に単位がありません(指標「{indicator}」、{sheet}!{cell})",
                                      "「単位」の列に単位(人、回、件、地区 など)を入力してください。"),
    "plan-book-department-unused": (I, "担当 {value} はどの取組みの報告担当にもなっていません({sheet}!{cell})",
                                    "不要であれば担当一覧から行を削除してください(その担当の様式は作られません)。"),
    "plan-book-category-not-council": (E, "区分(独自/受託/補助)は市社協だけが使えます:{value}({sheet}!{cell})",
                                       "市の課の行の区分の欄を空欄にしてください。"),
    "plan-book-alias-conflict": (E, "旧名称「{value}」が現在の担当名または他の担当の旧名称と重なっています({sheet}!{cell})",
                                 "旧名称は、以前の名前として一つの担当にだけ書いてください。"),
    "plan-book-unsafe-name": (E, "担当名「{value}」はファイル名に使えません:{reason}({sheet}!{cell})",
                              "担当名から該当する文字を除いてください。担当名は様式・メールの下書き・確認事項のファイル名になります。"),
    "plan-book-history-duplicate": (E, "指標「{indicator}」の {value} 年度の実績が2行あります({sheet}!{cell})",
                                    "同じ指標・年度の行は1つにしてください。"),
    # ---- a returned workbook and the plan's changes ------------------------------------------
    "department-renamed": (I, "様式の担当名「{value}」は現在の「{department}」(旧名称)として読みました:{file}",
                           "対応は不要です。次回からは新しい名前の様式を配布してください。"),
    "field-not-in-template": (W, "この様式(以前の計画カタログから作成)には、現在の計画の入力欄がありません({label}):{file}",
                              "計画が変わり、{department}の担当に加わった項目です。新しい様式を generate で作って送り、記入を依頼してください。"),
    "field-retired": (W, "現在の計画では{department}に求めていない入力欄に値があります({label}:「{value}」)。この値は集計しません:{sheet}!{cell}",
                      "計画の変更で廃止された、または他の担当に移った項目です(consolidator plan diff で確認できます)。必要なら新しい担当に値を伝えてください。"),
}

# The workbook's sheets, by key (the import finds them by these names: change both together).
PLAN_BOOK_SHEETS: dict[str, str] = {
    "guide": "記入要領",
    "plan": "計画",
    "departments": "担当一覧",
    "goals": "基本目標・活動目標",
    "initiatives": "取組み",
    "actions": "計画の取組み内容",
    "indicators": "指標",
    "reporters": "報告担当",
    "glossary": "用語",
    "previous_texts": "前回報告の文章",
    "history": "過去の実績",
    "old_measures": "前計画の指標",
    "old_history": "前計画の実績",
    "choices": "選択肢",
}

# Each sheet's column headings (row 1), by column key; 計画 has rows of items instead.
PLAN_BOOK_HEADERS: dict[str, dict[str, str]] = {
    "plan": {"item": "項目", "value": "値", "note": "説明"},
    "departments": {"name": "担当名", "organisation": "組織", "aliases": "旧名称",
                    "email": "メールアドレス"},
    "goals": {"goal_id": "基本目標ID", "activity_id": "活動目標ID", "number": "番号",
              "title": "名称"},
    "initiatives": {"id": "取組みID", "activity_id": "活動目標ID", "number": "番号",
                    "title": "名称", "previous_year": "前回報告の年度"},
    "actions": {"initiative_id": "取組みID", "organisation": "組織", "number": "番号",
                "label": "記号", "text": "内容", "new": "新規", "departments": "関係課"},
    "indicators": {"id": "指標ID", "initiative_id": "取組みID", "organisation": "組織",
                   "owner": "担当", "name": "指標名", "target": "目標",
                   "departments": "関係課", "measure_id": "値の項目ID", "label": "項目名",
                   "text": "項目の目標", "value": "目標値", "unit": "単位", "period": "期間",
                   "qualifier": "条件", "year": "目標年度", "year_role": "目標年度の意味",
                   "percent": "割合(%)", "continues": "前計画の指標ID",
                   "change_factor": "増減確認の倍率"},
    "reporters": {"initiative_id": "取組みID", "department": "担当", "dokuji": "【独自】",
                  "jutaku": "【受託】", "hojo": "【補助】"},
    "glossary": {"initiative_id": "取組みID", "term": "用語", "description": "説明"},
    "previous_texts": {"initiative_id": "取組みID", "section": "欄", "departments": "担当",
                       "category": "区分", "text": "内容"},
    "history": {"measure_id": "指標ID", "name": "指標(参考)", "year": "年度", "text": "実績",
                "value": "値", "unit": "単位", "reason": "理由", "note": "備考",
                "target": "その年度の目標値", "explanation": "増減の理由"},
    "old_measures": {"measure_id": "指標ID", "name": "指標", "owner": "担当", "target": "目標",
                     "unit": "単位"},
    "old_history": {"measure_id": "指標ID", "name": "指標(参考)", "year": "年度", "text": "実績",
                    "value": "値", "unit": "単位", "reason": "理由", "note": "備考",
                    "target": "その年度の目標値", "explanation": "増減の理由"},
    "choices": {"organisation": "組織", "unit": "単位", "period": "期間", "qualifier": "条件",
                "year_role": "目標年度の意味", "reason": "理由", "flag": "○", "section": "欄",
                "category": "区分"},
}

# The rows of the 計画 sheet: item key → (the item's name in column A, its explanation).
PLAN_BOOK_ITEMS: dict[str, tuple[str, str]] = {
    "id": ("計画ID", "半角英小文字・数字・ハイフン(例:yamaguchi-chiiki-fukushi-2023)。様式はこの ID で計画を見分けます。"),
    "name": ("計画の名称", ""),
    "vision": ("理念", ""),
    "start": ("計画期間の開始年度", "西暦(例:2023)"),
    "end": ("計画期間の終了年度", "西暦(例:2027)"),
    "report_year": ("報告年度", "次の様式で実績を集める年度(西暦)"),
    "previous_year": ("前回報告の年度", "前回の報告の実績の年度(西暦)。新しい計画で前回報告がなければ空欄"),
    "previous_title": ("前回報告の表題", ""),
    "previous_source": ("前回報告の出典", "空欄可"),
}

# Words in the cells: the flag of a yes/no column, the year roles, the sections of 前回報告の文章.
PLAN_BOOK_WORDS: dict[str, str] = {
    "flag": "○",
    "deadline": "期限",
    "start": "開始",
    "status": "実施状況",
    "plans": "予定",
    "list-separator": "、",
    "choose-title": "一覧から選んでください",
    "choose": "ドロップダウンの一覧から選んでください(担当は「担当一覧」、単位などは「選択肢」シートの一覧です)。",
}

# The 記入要領 sheet, one line per row.
PLAN_BOOK_GUIDE: tuple[str, ...] = (
    "地域福祉計画 計画カタログ(編集用ブック)",
    "",
    "■ このブックについて",
    "計画の構成(基本目標・活動目標・取組み)、指標と目標、担当、用語、前回報告と過去の実績を、シートごとに1行1件で収めています。",
    "編集したら consolidator plan import このブック.xlsx -o plan.json で計画カタログ(JSON)に戻します。問題があればシートとセルを示して知らせ、カタログは書き出しません。",
    "",
    "■ 全体のきまり",
    "・シート名と1行目の見出しは変えないでください。行の追加・削除・並べ替えは自由です(同じ親の中では行の順が報告書の順になります)。",
    "・ID は左端の列にあります。基本目標は 1、活動目標は 1-2、取組みは 1-2-3、指標は 1-2-3-s1(市社協)/1-2-3-c1(市)のように、上位の番号に続けます。",
    "・年度は西暦で入力してください(令和5年度 → 2023)。数値の列には数値だけを入力します(単位は「単位」の列)。",
    "・担当・単位・組織・区分などの列は、ドロップダウンから選べます。",
    "・「担当一覧」の「メールアドレス」(空欄可)は、様式の送付・修正依頼・督促のメールの下書きの宛先になります。計画の内容ではないため、変えても以前の様式はそのまま読めます。",
    "",
    "■ よくある変更",
    "・担当の名前が変わった:「担当一覧」の担当名を新しい名前にし、「旧名称」に元の名前を書きます。他のシートの担当名は元のままでも新しい名前として読みます。以前の様式・前回報告もそのまま照合されます。",
    "・指標の担当を変える:「指標」シートの「担当」を変えます(目標が複数の部分からなる指標は、その指標のすべての行)。担当が「報告担当」にない場合は、そのシートに取組みと担当の行を追加します。",
    "・増減の確認の基準を変える:実績値が前年度の実績(なければ目標値)の10倍以上または10分の1以下のとき、様式の「増減の理由」に色が付き、理由がなければ警告になります。指標ごとに変えるときは「指標」シートの「増減確認の倍率」に 1 より大きい数値(例:3、20)を入力します(空欄は10)。",
    "・指標を追加する:「指標」シートに行を追加し、指標ID・取組みID・組織・担当・指標名・目標を入力します。数値の目標は「目標値」と「単位」に入れると達成率が計算されます。",
    "・指標・取組みを廃止する:その行を削除します(取組みを削除するときは、その取組みの指標・取組み内容・報告担当・用語・前回報告の文章の行も削除します)。過去の実績は以前のカタログに残ります。",
    "・新しい計画期間:plan export --blank で空のブックを作り、計画の内容を入力します。前の計画の指標を引き継ぐ指標には「前計画の指標ID」を選ぶと、その指標の過去の実績が引き継がれます(シート「前計画の指標」「前計画の実績」は前の計画のもので、編集は不要です)。",
    "",
    "■ 変更の確認",
    "consolidator plan diff 古い.json 新しい.json で、担当・取組み・指標・目標の変更を一覧できます。",
)
