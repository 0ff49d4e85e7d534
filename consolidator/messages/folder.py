"""The working folder: its settings file (``consolidator.toml``) and ``next-year``.

:data:`FOLDER` holds the findings (a settings file that cannot be used, a step to the next
year refused or not undone); :data:`FOLDER_TEXT` what the command line and the desk say about
them, and the comments written at the head of the settings file.
"""

from __future__ import annotations

from consolidator.messages.table import Message
from consolidator.severity import ERROR as E
from consolidator.severity import WARNING as W

FOLDER: dict[str, Message] = {
    # ---- the settings file -------------------------------------------------------------------
    "settings-unreadable": (E, "作業フォルダの設定ファイル {file} を読み取れません({line}行目:{detail})。",
                            "{file} をメモ帳で開き、{line}行目を「名前 = \"値\"」の形(値は半角の \" で囲む)に直して保存してから、もう一度実行してください。分からなければ {file} を別の名前に変えると、設定なしで動きます。"),
    "settings-bad-value": (E, "作業フォルダの設定ファイル {file} の {line}行目「{key}」の値が文字列ではありません(読み取った値:{value})。",
                           "{file} の {line}行目を {key} = \"…\" の形(値を半角の \" で囲む)に直して保存してから、もう一度実行してください。"),
    "settings-unknown-key": (W, "作業フォルダの設定ファイル {file} の {line}行目「{key}」は、このツールの設定にない名前のため使いません。",
                             "書き間違いでなければ対応は不要です。使える名前は plan・year・deadline・contact です。"),
    "settings-plan-missing": (E, "作業フォルダの設定ファイル {file} の計画 {value} が見つかりません。",
                              "計画のファイルを作業フォルダに戻すか、{file} の plan の行を直してください(計画のブックを取り込み直しても直ります)。"),
    # ---- next-year ---------------------------------------------------------------------------
    "next-year-no-plan": (E, "{year}度の集約でできる来年度の計画 {file} がありません。",
                          "先に {year}度の集約(consolidate、デスクの「集約」)を実行してください。"),
    "next-year-no-run": (E, "提出台帳 {file} に {year}度の検証・集約の記録がないため、提出がそろっているか確かめられません。",
                         "作業フォルダで {year}度の集約(consolidate、デスクの「集約」)を実行してから、もう一度実行してください(台帳を --ledger で別の場所にしていたときは --force で進めます)。"),
    "next-year-units-missing": (E, "{year}度はまだ {count} 担当が未提出です({departments})。",
                                "提出を待つか、このまま次の年度へ進むなら --force を付けて(デスクでは「未完了でも進む」に印を付けて)実行してください。"),
    "next-year-errors-open": (E, "{year}度の提出ファイルにまだ {count} 件のエラーがあります。",
                              "検証ログでエラーを確認して直すか、このまま次の年度へ進むなら --force を付けて(デスクでは「未完了でも進む」に印を付けて)実行してください。"),
    "next-year-held-open": (E, "{file} が Excel など別のソフトで開かれているため、次の年度へ進めませんでした。ファイルは何も移動していません。",
                            "{file} を閉じてから、もう一度実行してください。"),
    "next-year-archive-exists": (E, "保管先のフォルダ {folder} がすでにあります。上書きしないため、次の年度へ進めませんでした。",
                                 "{folder} の中身を確かめ、不要なら別の名前に変えてから、もう一度実行してください。"),
    "next-year-move-failed": (E, "{file} を {folder} へ移せませんでした({detail})。移したファイルはすべて元に戻しました。",
                              "ファイルを開いているソフトを閉じ、書き込みの権限を確かめてから、もう一度実行してください。"),
    "next-year-nothing-to-undo": (E, "元に戻せる「次の年度へ」の記録 {file} がありません。",
                                  "対応は不要です(次の年度へ進んでいないか、すでに元に戻しています)。"),
    "undo-new-year-started": (E, "{year}度のファイル {file} がすでに届いているため、元に戻せません。",
                              "新しい年度の作業が始まっています。前の年度のファイルは {folder} にあります。"),
    "undo-place-taken": (E, "{file} がすでにあるため、元に戻せません(上書きしないため)。",
                         "{file} を別の名前に変えるか別の場所へ移してから、もう一度元に戻してください。"),
}

FOLDER_TEXT: dict[str, str] = {
    "option-wins": "--{option} で指定された{what}を使います({file} の{what} {value} ではなく)。",
    "what-plan": "計画",
    "what-year": "年度",
    "what-deadline": "提出期限",
    "what-contact": "問い合わせ先",
    "settings-broken": "作業フォルダの設定ファイル {file} を直してから、もう一度実行してください。",
    "settings-written": "作業フォルダの設定ファイル {file} に計画 {plan} を記録しました(次からは --plan なしで使われます)。",
    "state-adopted": "提出台帳と検証結果の保存ファイルを作業フォルダ {folder} に移しました(年度をまたいで使います)。",
    "next-year-refused": "次の年度へは進みませんでした。ファイルは何も移動していません。",
    "next-year-done": "{year}度のファイルを {folder} に移し、{next}度の計画 {plan} を作業フォルダの計画にしました。次は generate で{next}度の様式を作れます(元に戻すには next-year --undo)。",
    "next-year-moved": "移動:{old} → {new}",
    "undo-done": "次の年度へ進む前の状態に戻しました({count} 件を元の場所へ移動、計画は {plan})。",
    "undo-refused": "元に戻しませんでした。ファイルは何も移動していません。",
    "archive-folder": "{year}度",  # 令和4年度: where a finished year's files go
    "undo-record": "次の年度へ_記録.json",  # the undo record, in the working folder
    # The head of consolidator.toml (TOML comments: each line starts with "# ").
    "settings-header": (
        "# consolidator の作業フォルダの設定(このフォルダで実行するとき、またはデスクと --folder で使います)。\n"
        "# メモ帳で編集できます。値は半角の \" で囲みます。コマンドで指定した値(--plan など)が優先されます。\n"
        "#   plan     = 使う計画カタログ(このフォルダからの場所)\n"
        "#   year     = 報告年度(例: \"令和4\"。省略時は計画の報告年度)\n"
        "#   deadline = 提出期限(様式と依頼・督促メールに表示)\n"
        "#   contact  = 問い合わせ先(様式とメールの署名に表示)\n"),
}

# The desk's 次の年度へ and 元に戻す, on the 集約 page.
YEAR_STEP_DESK_TEXT: dict[str, str] = {
    "heading": "次の年度へ",
    "lead": "{year}度の様式・提出ファイル・出力を「{archive}」フォルダへ移し、集約でできた来年度の計画を作業フォルダの計画にします。ファイルは削除も上書きもしません。新しい年度の提出が届くまでは元に戻せます。",
    "confirm": "{year}度のファイルを「{archive}」フォルダへ移すことを確認しました",
    "force": "未提出の担当やエラーが残っていても進む",
    "button": "次の年度へ進む",
    "not-confirmed": "「確認しました」に印を付けてから押してください。ファイルは何も移動していません。",
    "refused": "次の年度へは進みませんでした。ファイルは何も移動していません。理由:",
    "done": "次の年度へ進みました。前の年度のファイルは「{archive}」フォルダにあります。計画は {plan} です。次は「様式」で新しい年度の様式を作れます。",
    "undo-lead": "直前の「次の年度へ」を元に戻せます(新しい年度の提出がまだないときだけ)。",
    "undo-button": "元に戻す",
    "undo-refused": "元に戻しませんでした。ファイルは何も移動していません。理由:",
    "undo-done": "次の年度へ進む前の状態に戻しました。",
}
