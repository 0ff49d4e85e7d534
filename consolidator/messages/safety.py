"""Findings of the safety checks on a returned file (bytes, zip, XML, grid, parsing), and the
texts that go into them (what a file looks like, where in a workbook, details)."""

from __future__ import annotations

from consolidator.messages.table import Message
from consolidator.severity import ERROR as E
from consolidator.severity import WARNING as W

SAFETY: dict[str, Message] = {
    # ---- file safety --------------------------------------------------------------------------
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
    # Not emitted since .ods files are read (issue 11); kept: published codes stay.
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


# What a file that is not a workbook looks like ({looks_like} of file-not-workbook), by kind.
LOOKS_LIKE: dict[str, str] = {
    "doc": "Word文書(.doc)",
    "ppt": "PowerPointファイル(.ppt)",
    "ole": "古いOffice形式(OLE2)のファイル",
    "docx": "Word文書(.docx)",
    "pptx": "PowerPointファイル(.pptx)",
    "xlsb": "Excelバイナリブック(.xlsb)",
    "odf": "OpenDocument形式の文書(.odt/.odp)",
    "zip": "ZIP圧縮ファイル",
    "pdf": "PDF",
    "png": "PNG画像",
    "jpeg": "JPEG画像",
    "gif": "GIF画像",
    "rtf": "RTF文書",
    "binary": "不明な形式(テキストでも画像でもないデータ)",
    "html": "HTML(Webページ)",
    "mhtml": "Webページ(MHTML)",
    "xml-spreadsheet": "Excel 2003 XMLスプレッドシート",
    "xml": "XMLファイル",
    "csv": "CSV(テキスト)",
    "text": "テキストファイル",
}

# The parts of the safety findings' texts: {detail}, {part}, {where} and sizes.
SAFETY_TEXT: dict[str, str] = {
    # ---- the zip directory (file_check) -------------------------------------------------------
    "encrypted-part": "暗号化された部品",
    "unsupported-compression": "未対応の圧縮方式 {method}",
    "declared-sizes": "圧縮後 {compressed} バイト、展開後 {uncompressed} バイトと記録",
    "whole-file": "(全体)",
    "size-over": "{size} 超",  # a part larger than the cap: it was not read to its end
    "unknown-link-target": "リンク先不明",
    # ---- where in the workbook (content_scan) -------------------------------------------------
    "whole-workbook": "ブック全体",
    "sheet": "シート「{sheet}」",
    "sheet-cell": "シート「{sheet}」のセル {cell}",
    "unknown-cell": "(位置不明)",
    "sheet-content": "(シート「{sheet}」の内容)",
    "relationship": "(関係 {id})",
    "no-relationship-id": "未指定",
    "sheet-dimension": "シート「{sheet}」の使用範囲(dimension)",
    "sheet-row-number": "シート「{sheet}」の行番号",
    "sheet-columns": "シート「{sheet}」の列の設定(cols)",
    "sheet-merged-cell": "シート「{sheet}」の結合セル",
    "sheet-merged-ranges": "シート「{sheet}」の結合範囲",
    "shared-string": "共有文字列(xl/sharedStrings.xml)の {number} 番目",
    "also-elsewhere": "(ほか {count} か所)",
    "named-range": "名前付き範囲「{name}」",
    "more-places": "ほか {count} か所",  # the summary of a code found more often than listed
    # ---- reading in a worker process (isolation) ----------------------------------------------
    "result-not-sendable": "結果を受け渡せません: {detail}",
    "item-not-sendable": "項目を受け渡せません: {detail}",
    "timed-out": "{seconds}秒を超えたため中止しました",
    "memory-watched": "使用メモリが {used} MB になり上限を超えたため中止しました",
}
