# ruff: noqa: E501  (script lines and Japanese texts read better unbroken)
"""Every text of the offline bundle (scripts/build_bundle.py), in one place.

The .bat scripts are written in CP932 with CRLF line endings (scripts/build_bundle.py does the
encoding); they hold no ``& < > | ^ %`` in an ``echo`` text and no block in parentheses, so a
message never breaks cmd.exe's parsing, and no character whose second CP932 byte is a backslash,
``^`` or ``|`` (ソ, タ, 表, 構 …: マスター, パソコン, 表示 are avoided) in case a tool on the way
reads the file byte by byte. ``@NAME@`` marks a value the builder fills in:
@VERSION@ (the toolkit's version), @PY@ (3.11), @EXTRAS@ (desk,report), @PLATFORM@ (a label).
The builder is not part of the installed package, so these texts live beside it rather than in
consolidator/messages/.
"""

from __future__ import annotations

# ---- Windows: cmd.exe scripts (CP932, CRLF) ----------------------------------------------------

# Run first, in ASCII: the code page the rest of the file is read in is declared (and set) here,
# and put back when the script ends.
BAT_HEAD = r"""@echo off
rem consolidator @VERSION@ - encoding: cp932, line endings: CRLF
for /f "tokens=2 delims=:." %%c in ('chcp') do set "CONSOLIDATOR_OLDCP=%%c"
chcp 932 >nul
setlocal
cd /d "%~dp0"
set "BUNDLE=%~dp0"
set "VENV=%~dp0venv"
set "PYVER=@PY@"
"""

BAT_TAIL = r"""
:end_ok
echo.
pause
endlocal
chcp %CONSOLIDATOR_OLDCP% >nul
exit /b 0

:end_fail
echo.
pause
endlocal
chcp %CONSOLIDATOR_OLDCP% >nul
exit /b 1
"""

BAT_NO_LAUNCHER = r"""
:nolauncher
echo.
echo 【Python が見つかりません】
echo Python ランチャー「py」がこの PC にありません。
echo Python @PY@ のインストールが必要です。情報政策課に依頼してください:
echo   1. python.org の「Python @PY@.x」の「Windows installer 64-bit」を使います。
echo   2. インストーラーの最初の画面で「Use admin privileges when installing py.exe」と
echo      「Add python.exe to PATH」にチェックを入れ、「Customize installation」で
echo      「py launcher」にチェックが入っていることを確かめてインストールします。
echo   3. コマンドプロンプトで  py -0  と入力し、@PY@ の行に 64 と出ていれば準備完了です。
echo その後、この install.bat をもう一度ダブルクリックしてください。
goto end_fail

:nopython
echo.
echo 【Python @PY@ が見つかりません】
echo この PC にある Python は次のとおりです:
py -0
echo.
echo この導入パッケージは Python @PY@ 用です。
echo python.org の「Python @PY@.x」の「Windows installer 64-bit」を追加でインストールするか、
echo 情報政策課に、この PC の Python に合った導入パッケージを依頼してください。
echo インストール後、コマンドプロンプトで  py -0  と入力し、@PY@ の行に 64 と出ることを確かめます。
goto end_fail

:not64
echo.
echo 【Python @PY@ が 32bit 版です】
echo この導入パッケージには 64bit 版の Python @PY@ が必要です。
echo python.org の「Python @PY@.x」の「Windows installer 64-bit」をインストールしてください。
echo コマンドプロンプトの  py -0  の一覧で、@PY@ の行に 64 と出るものが 64bit 版です。
goto end_fail
"""

BAT_INSTALL = BAT_HEAD + r"""title consolidator のインストール
echo consolidator @VERSION@ をインストールします。対象: Windows 64bit・Python @PY@
echo ネットワークには接続しません。このフォルダの中のファイルだけを使います。
echo.
where py >nul 2>nul
if errorlevel 1 goto nolauncher
py -%PYVER% -c "import sys" >nul 2>nul
if errorlevel 1 goto nopython
py -%PYVER% -c "import struct, sys; sys.exit(struct.calcsize('P') != 8)" >nul 2>nul
if errorlevel 1 goto not64

echo [1/4] ファイルが壊れていないか確かめています。SHA256SUMS.txt と照合します...
py -%PYVER% verify_sums.py
if errorlevel 1 goto badsums

if exist "%VENV%\Scripts\python.exe" goto check
if not exist "%VENV%\" goto create
if exist "%VENV%\consolidator-bundle.txt" goto recreate
goto foreign

:check
if not exist "%VENV%\consolidator-bundle.txt" goto foreign
"%VENV%\Scripts\python.exe" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '%PYVER%'.split('.'))))" >nul 2>nul
if errorlevel 1 goto recreate
echo [2/4] 前回インストールした環境を更新します: %VENV%
goto install

:recreate
echo [2/4] 環境を作り直します。Python の版が変わったか、前回のインストールが途中で止まりました: %VENV%
py -%PYVER% -m venv --clear "%VENV%"
if errorlevel 1 goto failed
goto mark

:create
echo [2/4] このフォルダの中に専用の環境を作ります: %VENV%
mkdir "%VENV%"
> "%VENV%\consolidator-bundle.txt" echo made by install.bat of consolidator @VERSION@
py -%PYVER% -m venv "%VENV%"
if errorlevel 1 goto failed

:mark
> "%VENV%\consolidator-bundle.txt" echo made by install.bat of consolidator @VERSION@

:install
echo [3/4] consolidator と必要な部品をインストールしています...
"%VENV%\Scripts\python.exe" -m pip install --disable-pip-version-check --no-index --find-links "%BUNDLE%wheels" --upgrade "consolidator[@EXTRAS@]"
if errorlevel 1 goto failed
"%VENV%\Scripts\python.exe" -m pip install --disable-pip-version-check --no-index --find-links "%BUNDLE%wheels" --force-reinstall --no-deps consolidator
if errorlevel 1 goto failed

echo [4/4] 動作を確かめています...
"%VENV%\Scripts\python.exe" -m consolidator --version
if errorlevel 1 goto failed
echo.
echo 【インストールが完了しました】
echo デスク(ブラウザの画面)は start_desk.bat をダブルクリックすると起動します。
echo 新しい版の導入パッケージが届いたら、その中の install.bat を同じように実行します。
echo 作業フォルダの様式・提出ファイル・報告書はそのまま残ります。
goto end_ok

:badsums
echo.
echo 【ファイルが壊れているか、足りません】
echo 上に出たファイルが SHA256SUMS.txt と一致しません。インストールは行っていません。
echo 導入パッケージの zip をもう一度展開するか、情報政策課に再送を依頼してください。
goto end_fail

:foreign
echo.
echo 【インストールできません】
echo %VENV% に、このインストーラーが作ったものではないフォルダがあります。
echo そのフォルダの名前を変えるか、導入パッケージを別のフォルダに展開してから実行してください。
goto end_fail

:failed
echo.
echo 【インストールに失敗しました】
echo 上に出たメッセージを情報政策課に伝えてください。
echo このフォルダの中の venv 以外は何も変えていません。
goto end_fail
""" + BAT_NO_LAUNCHER + BAT_TAIL

BAT_UNINSTALL = BAT_HEAD + r"""title consolidator のアンインストール
set "CONF=%~dp0desk_folder.txt"
if not exist "%VENV%\consolidator-bundle.txt" goto notinstalled
echo consolidator をアンインストールします。install.bat が作ったものだけを削除します:
echo   %VENV%
echo   %CONF%
echo 作業フォルダの様式・提出ファイル・報告書は削除しません。
echo.
rmdir /s /q "%VENV%"
if exist "%VENV%\" goto busy
if exist "%CONF%" del "%CONF%"
echo 【アンインストールが完了しました】
echo このフォルダごと削除してもかまいません。Python 本体は残っています。
goto end_ok

:busy
echo 【一部を削除できませんでした】
echo デスクの画面を閉じてから、もう一度 uninstall.bat を実行してください。
goto end_fail

:notinstalled
echo このフォルダには install.bat でインストールしたものがありません。何も削除していません。
goto end_ok
""" + BAT_TAIL

BAT_START_DESK = BAT_HEAD + r"""title consolidator デスク
set "CONF=%~dp0desk_folder.txt"
if not exist "%VENV%\Scripts\python.exe" goto notinstalled
if /i "%~1"=="/change" goto ask
if exist "%CONF%" goto readconf

:ask
echo 作業フォルダを決めます。2回目からはこのフォルダで起動します。
echo フォルダのパスを入力するか、フォルダをこの画面にドラッグして Enter を押します。
echo 例:  C:\地域福祉計画\令和4年度
echo 浅い場所のフォルダが確実です。なければ作ります。
set "FOLDER="
set /p "FOLDER=作業フォルダ: "
if not defined FOLDER goto ask
set "FOLDER=%FOLDER:"=%"
if not exist "%FOLDER%\" mkdir "%FOLDER%"
if not exist "%FOLDER%\" goto badfolder
> "%CONF%" echo %FOLDER%
goto run

:readconf
set /p FOLDER=<"%CONF%"

:run
if /i "%~1"=="/prompt" goto prompt
echo 作業フォルダ: %FOLDER%
echo 作業フォルダを変えるときは、コマンドプロンプトで  start_desk.bat /change  と実行します。
echo デスクを終わるときは、この黒い画面を閉じます。
echo.
"%VENV%\Scripts\python.exe" -m consolidator desk --folder "%FOLDER%"
if errorlevel 1 goto end_fail
goto end_ok

:prompt
cd /d "%FOLDER%"
set "PATH=%VENV%\Scripts;%PATH%"
echo 作業フォルダ: %FOLDER%
echo ここでは consolidator のコマンドが使えます。例:  consolidator consolidate submissions
echo 終わるときは  exit  と入力するか、この画面を閉じます。
cmd /k
goto end_ok

:badfolder
echo そのフォルダは作れませんでした。別の場所を入力してください。
goto ask

:notinstalled
echo まだインストールされていません。先に install.bat をダブルクリックしてください。
goto end_fail
""" + BAT_TAIL

# Opens a command prompt in the working folder with consolidator on PATH (start_desk.bat asks
# for the folder the first time, the same one the desk uses).
BAT_COMMAND_PROMPT = BAT_HEAD + r"""title consolidator コマンドプロンプト
rem 作業フォルダでコマンドプロンプトを開きます。consolidator のコマンドが使えます。
call "%~dp0start_desk.bat" /prompt
endlocal
chcp %CONSOLIDATOR_OLDCP% >nul
"""

# ---- macOS and Linux: sh scripts (UTF-8, LF) ---------------------------------------------------

SH_INSTALL = r"""#!/bin/sh
# consolidator @VERSION@ — インストール/更新(インターネットは使いません)
set -eu
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python@PY@}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "Python @PY@($PYTHON)が見つかりません。python.org などから Python @PY@ を入れてから、もう一度実行してください。" >&2
  exit 1
fi
"$PYTHON" verify_sums.py
if [ -x venv/bin/python ]; then
  echo "前回インストールした環境を更新します: $(pwd)/venv"
else
  if [ -e venv ]; then
    echo "venv というフォルダがすでにあります(このインストーラーが作ったものではありません)。" >&2
    exit 1
  fi
  "$PYTHON" -m venv venv
  echo "made by install.sh of consolidator @VERSION@" > venv/consolidator-bundle.txt
fi
venv/bin/python -m pip install --disable-pip-version-check --no-index --find-links wheels --upgrade "consolidator[@EXTRAS@]"
venv/bin/python -m pip install --disable-pip-version-check --no-index --find-links wheels --force-reinstall --no-deps consolidator
venv/bin/python -m consolidator --version
echo "インストールが完了しました。コマンドは $(pwd)/venv/bin/consolidator です。"
"""

SH_UNINSTALL = r"""#!/bin/sh
# consolidator @VERSION@ — アンインストール(install.sh が作ったものだけを削除します)
set -eu
cd "$(dirname "$0")"
if [ ! -f venv/consolidator-bundle.txt ]; then
  echo "install.sh でインストールしたものがありません。何も削除していません。"
  exit 0
fi
rm -rf venv desk_folder.txt
echo "アンインストールが完了しました。作業フォルダはそのまま残っています。"
"""

SH_START_DESK = r"""#!/bin/sh
# consolidator @VERSION@ — デスクを起動します(作業フォルダは最初の1回だけ尋ねます)
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
CONF="$HERE/desk_folder.txt"
if [ ! -x "$HERE/venv/bin/python" ]; then
  echo "まだインストールされていません。先に install.sh を実行してください。" >&2
  exit 1
fi
if [ "${1:-}" = "--change" ] || [ ! -f "$CONF" ]; then
  printf '作業フォルダ: '
  read -r FOLDER
  mkdir -p "$FOLDER"
  printf '%s\n' "$FOLDER" > "$CONF"
fi
FOLDER="$(cat "$CONF")"
echo "作業フォルダ: $FOLDER(変えるときは start_desk.sh --change)"
exec "$HERE/venv/bin/python" -m consolidator desk --folder "$FOLDER"
"""

# ---- verify_sums.py: checks SHA256SUMS.txt with the PC's own Python (ASCII-only output) -------

VERIFY_SUMS = r'''"""Checks every file of this bundle against SHA256SUMS.txt (run: py -@PY@ verify_sums.py)."""
import hashlib
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
bad = 0
for line in (here / "SHA256SUMS.txt").read_text("ascii").splitlines():
    digest, name = line.split("  ", 1)
    path = here / name
    if not path.is_file():
        print("MISSING", name)
        bad += 1
    elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
        print("CHANGED", name)
        bad += 1
print("SHA256SUMS.txt: OK" if not bad else f"SHA256SUMS.txt: {bad} file(s) do not match")
sys.exit(1 if bad else 0)
'''

# ---- the read-me for the IT department (UTF-8 with BOM, CRLF) --------------------------------

LICENCE_UNKNOWN = "(METADATA に記載なし)"
PLATFORM_LABELS = {
    "win_amd64": "Windows 64bit(x64)",
    "macosx_11_0_arm64": "macOS 11 以降(Apple シリコン)",
    "manylinux2014_x86_64": "Linux x86_64(glibc @GLIBC@ 以降)",
}

README_IT_HEAD = """consolidator @VERSION@ オフライン導入パッケージ — 情報システム担当の方へ
================================================================================

対象: @PLATFORM@ / Python @PY@
作成: @BUILT@(Linux 上で scripts/build_bundle.py により作成、pip @PIP@)

これは何か
----------
地域福祉計画 実施状況報告の様式作成・検証・集約ツール consolidator を、インターネットに
接続していないパソコン(LGWAN 側など)にインストールするための一式です。
Python の部品(wheel)はすべてこの中にあり、インストール時にインターネットは使いません。
ソースからのビルド(コンパイル)も行いません。インストール先は、この一式を展開したフォルダの
中の venv フォルダだけです(Python 本体・レジストリ・他のフォルダは変更しません)。
デスク(start_desk の画面)は、この PC の中だけ(127.0.0.1)で待ち受けるブラウザ用の画面で、
他のパソコンからは接続できません。ツールがインターネットや外部に接続することはありません。

デスクの安全(共用の仮想デスクトップ・ターミナルサーバーで使うとき)
----------------------------------------------------------------
同じパソコンにログインしているほかの利用者のプログラムも 127.0.0.1 には接続できます。そのため
デスクは起動のたびに乱数の秘密を作ります。ページはすべて乱数のパスの下にあり、鍵の Cookie は
そのパスにだけ送られ(HttpOnly・SameSite=Strict)、変更する操作にはページ内のフォームの鍵と
同じオリジンが必要です。Host が 127.0.0.1 / localhost 以外の要求は拒否します。起動時に表示され
ブラウザに渡すアドレス(パスと鍵を含む)を読めるもの(デスクやブラウザのメモリ・画面・履歴・
プロファイルを読める同じパソコンの利用者、管理者を含む)からは守れません。共用のパソコンでは、
使い終えたらデスクを終了してください(start_desk の黒い画面を閉じるか Ctrl+C。鍵は無効に
なります)。詳しくは開発元の README の
「デスクの安全(脅威モデル)」の節にあります。

中身
----
  @SCRIPTS@
  verify_sums.py         SHA256SUMS.txt と全ファイルを照合します(インストール時にも自動で実行)
  SHA256SUMS.txt         全ファイルの SHA-256
  README_IT.txt          このファイル
  wheels フォルダ        consolidator 本体と依存パッケージの wheel(@COUNT@ 個、計 @SIZE@)
  導入される機能: consolidator 本体と追加機能(extras)@EXTRAS@

必要な Python
-------------
@PYTHON_NEEDED@

確認(検証)のしかた
------------------
1. zip ファイル自体: 作成時に zip と同じ場所に「zip名.sha256」ができます。別経路で受け取った
   値と、次のコマンドの結果を比べてください。
     certutil -hashfile consolidator-@VERSION@-@TARGET@.zip SHA256
2. 展開後の各ファイル: SHA256SUMS.txt に全ファイルの SHA-256 があります。
   Windows では一つずつ  certutil -hashfile wheels\\ファイル名 SHA256  で確認できます。
   まとめて確認するには  py -@PY@ verify_sums.py (Linux では  sha256sum -c SHA256SUMS.txt 、
   macOS では  shasum -a 256 -c SHA256SUMS.txt )。
3. 同じ一式は、インターネットに接続できる Linux 上でソースから作り直せます
   (開発元の README の「オフライン導入パッケージ」の節)。

@STEPS@

同梱パッケージとライセンス(各 wheel の METADATA の License-Expression / License / Classifier から)
--------------------------------------------------------------------------------------------
"""

README_IT_PYTHON_WINDOWS = """python.org の Python @PY@(「Windows installer (64-bit)」、@PY@ の最新の修正版)。
Microsoft Store 版ではなく python.org のインストーラーを使ってください。
インストーラーでは「py launcher」を入れます(既定で入ります。「Use admin privileges when
installing py.exe」にチェックすると全ユーザーで使えます)。確認は、コマンドプロンプトで
  py -0
と入力し、@PY@ の行に 64(64-bit)と出ること。Python がない・版が違うときは、install.bat が
その旨と、この手順を日本語で表示して止まります。"""

README_IT_PYTHON_POSIX = """Python @PY@(python@PY@ というコマンドで起動できること。別の名前なら
PYTHON=/path/to/python3 sh install.sh のように指定します)。確認:  python@PY@ --version"""

README_IT_STEPS_WINDOWS = """インストール(事務局の方がそのまま行えます)
------------------------------------------
1. zip を、名前が短く浅いフォルダ(例: C:\\地域福祉計画\\)で「すべて展開」します。
2. 展開したフォルダの install.bat をダブルクリックします。黒い画面に経過が表示され、
   「インストールが完了しました」と出たら、何かキーを押して閉じます。
   (SmartScreen の確認が出たら「詳細情報」→「実行」。管理者権限は不要です。)
3. start_desk.bat をダブルクリックすると、デスク(ブラウザの画面)が開きます。初回だけ
   作業フォルダ(様式・提出ファイル・マスターを置く場所)を尋ねます。変えるときは
   コマンドプロンプトで  start_desk.bat /change 。
   コマンドで使うときは command_prompt.bat をダブルクリックします。作業フォルダで開いた画面で
   consolidator consolidate submissions のようにコマンドを入力できます。

更新
----
同じフォルダの install.bat をもう一度実行すると、その場で入れ直します(Python を更新したとき
など)。新しい版の zip は版名の付いた別のフォルダに展開されます。その install.bat を実行し、
以後は新しいフォルダの start_desk.bat を使います(初回に作業フォルダを尋ねるので、これまでと
同じフォルダを指定すれば、様式・提出ファイル・マスター・台帳はそのまま引き継がれます)。
古い版は、古いフォルダの uninstall.bat を実行してからフォルダごと削除します。

アンインストール
----------------
uninstall.bat をダブルクリックします。install.bat が作った venv フォルダと
desk_folder.txt(作業フォルダの記録)だけを削除します。作業フォルダと Python 本体は残ります。
その後、展開したフォルダごと削除して構いません。"""

README_IT_STEPS_POSIX = """インストール・更新・アンインストール
------------------------------------
  sh install.sh        venv を作ってインストール(もう一度実行すると更新)
  sh start_desk.sh     デスクを起動(初回だけ作業フォルダを尋ねます)
  sh uninstall.sh      install.sh が作った venv と desk_folder.txt だけを削除
コマンドは  venv/bin/consolidator  です。"""

SCRIPT_LINES_WINDOWS = """install.bat            インストール・更新(ダブルクリック)
  uninstall.bat          アンインストール(install.bat が作ったものだけを削除)
  start_desk.bat         デスクを起動(作業フォルダは初回に尋ねます)
  command_prompt.bat     作業フォルダでコマンドプロンプトを開く(consolidator のコマンドが使えます)"""

SCRIPT_LINES_POSIX = """install.sh             インストール・更新
  uninstall.sh           アンインストール(install.sh が作ったものだけを削除)
  start_desk.sh          デスクを起動(作業フォルダは初回に尋ねます)"""

BUILD_REFUSED_COMPILE = (
    "{name} {version} has no binary wheel for {target} and its source builds a "
    "platform-specific wheel ({wheel}): it needs compiling, which the bundle never leaves to "
    "the PC. Pin a version that publishes a wheel for {target}, or drop the dependency."
)
BUILD_REFUSED_UNRESOLVED = (
    "Requirement {requirement} (needed by {parent}) has no wheel for {target} and no source "
    "archive to build one from."
)
