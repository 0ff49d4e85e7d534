"""Safe by default: any web page the user visits can send requests to 127.0.0.1, and any
other program on the machine can connect to it.

Every start makes three random secrets, and four checks are made before a request body is
read:

- **Host**: the request must name this server (``127.0.0.1:<port>`` or ``localhost:<port>``);
  a DNS-rebinding page (an attacker's name resolving to 127.0.0.1) is refused on every request.
- **Root**: every page lives under a random first path segment (``/<root>/status``), which
  no other server ever sees: the desk's pages link only within it, and ``Referrer-Policy:
  same-origin`` keeps it out of the requests a page makes elsewhere.
- **Key**: the address the command prints and opens carries the cookie's key once
  (``/<root>/?token=…``); the desk turns it into a cookie (``HttpOnly``,
  ``SameSite=Strict``: a browser never sends it with a request another site starts), and
  every page but the package's own style sheet and script needs it. A cookie does not tell
  ports apart, so the cookie is scoped to the root's path (``Path=/<root>/``): a browser sends
  it only with requests under the root — never to another program serving pages on
  127.0.0.1, which would otherwise receive ``desk-<port>=<key>`` with every request the user
  makes to it. And a cookie alone, leaked however, opens nothing: without the root every
  request is refused.
- **State-changing requests** (anything but GET/HEAD/OPTIONS) must in addition come from this
  origin (``Origin``, or ``Referer`` when a browser leaves ``Origin`` out) and carry the
  form's key (another secret, in the desk's own pages only) in the form field ``csrf``.

A refused request gets 403 with a page that says nothing of the project, and changes
nothing. The threat model is in the README (デスクの安全).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_PARAM = "token"
FORM_FIELD = "csrf"
LOOPBACK = "127.0.0.1"
HOST_NAMES = (LOOPBACK, "localhost")
OPEN_PATHS = ("/static/",)  # the package's own CSS and script: no project data

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]

# Why a request was refused (the key of its Japanese text in DESK_TEXT).
NO_HOST, NO_KEY, OTHER_ORIGIN = "forbidden-host", "forbidden-token", "forbidden-origin"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


@dataclass(frozen=True)
class Guard:
    """The checks of one server start: its port and its secrets — the cookie's key
    (``token``), the path every page lives under (``root``, ``/`` and a random segment) and
    the form's key (``form``)."""

    token: str
    port: int
    root: str
    form: str

    @classmethod
    def new(cls, port: int) -> Guard:
        """The secrets of a new start on ``port``."""
        return cls(new_token(), port, f"/{secrets.token_urlsafe(24)}", new_token())

    @property
    def cookie_name(self) -> str:
        # One cookie per port: two desks may run at once (their roots differ too).
        return f"desk-{self.port}"

    @property
    def cookie_path(self) -> str:
        """The cookie is sent only with requests under the root."""
        return f"{self.root}/"

    def hosts(self) -> set[str]:
        return {f"{name}:{self.port}" for name in HOST_NAMES}

    def origins(self) -> set[str]:
        return {f"http://{host}" for host in self.hosts()}

    def keyed(self, root: str, cookie: str | None) -> bool:
        """The request is under the root and carries the cookie's key."""
        return same(root, self.root) and same(cookie, self.token)

    def refusal(self, method: str, root: str, path: str, host: str, cookie: str | None,
                origin: str | None, referer: str | None) -> str | None:
        """Why a request is refused before its body is read (None: it may go on); ``root``
        is the part of its path taken as the root (``SCRIPT_NAME``), ``path`` the rest."""
        if host not in self.hosts():
            return NO_HOST
        if path.startswith(OPEN_PATHS) and method in SAFE_METHODS:
            return None
        if not self.keyed(root, cookie):
            return NO_KEY
        if method not in SAFE_METHODS and _origin(origin, referer) not in self.origins():
            return OTHER_ORIGIN
        return None

    def form_refusal(self, method: str, field: str | None) -> str | None:
        """The form's key a state-changing form must carry (checked once the form is read)."""
        if method in SAFE_METHODS or same(field, self.form):
            return None
        return OTHER_ORIGIN


class UnderRoot:
    """WSGI middleware: a request whose path begins with the root is passed on with the root
    as ``SCRIPT_NAME`` (so every address the pages make, ``url_for``, carries it) and the rest
    as ``PATH_INFO``; any other request with an empty ``SCRIPT_NAME``, for the guard to
    refuse."""

    def __init__(self, app: WSGIApp, root: str) -> None:
        self.app = app
        self.root = root

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        head, sep, rest = path[1:].partition("/")
        if hmac.compare_digest(f"/{head}".encode(), self.root.encode()):
            environ["SCRIPT_NAME"], environ["PATH_INFO"] = self.root, sep + rest
        else:
            environ["SCRIPT_NAME"], environ["PATH_INFO"] = "", path
        return self.app(environ, start_response)


def _origin(origin: str | None, referer: str | None) -> str | None:
    if origin:
        return origin
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}"
    return None
