"""Safe by default: any web page the user visits can send requests to 127.0.0.1.

Three checks, all made before a request body is read:

- **Host**: the request must name this server (``127.0.0.1:<port>`` or ``localhost:<port>``);
  a DNS-rebinding page (an attacker's name resolving to 127.0.0.1) is refused on every request.
- **Key**: a random token made at every start. The address the command prints and opens
  carries it once (``/?token=…``); the desk turns it into a cookie (``HttpOnly``,
  ``SameSite=Strict``: a browser never sends it with a request another site starts) and every
  page but the package's own style sheet and script needs it.
- **State-changing requests** (anything but GET/HEAD/OPTIONS) must in addition come from this
  origin (``Origin``, or ``Referer`` when a browser leaves ``Origin`` out) and carry the token
  in the form field ``csrf``.

A refused request gets 403 with a Japanese page and changes nothing.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_PARAM = "token"
FORM_FIELD = "csrf"
LOOPBACK = "127.0.0.1"
HOST_NAMES = (LOOPBACK, "localhost")
OPEN_PATHS = ("/static/",)  # the package's own CSS and script: no project data

# Why a request was refused (the key of its Japanese text in DESK_TEXT).
NO_HOST, NO_KEY, OTHER_ORIGIN = "forbidden-host", "forbidden-token", "forbidden-origin"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


@dataclass(frozen=True)
class Guard:
    """The checks of one server start: its token and its port."""

    token: str
    port: int

    @property
    def cookie_name(self) -> str:
        # One cookie per port: cookies do not tell ports apart, two desks may run at once.
        return f"desk-{self.port}"

    def hosts(self) -> set[str]:
        return {f"{name}:{self.port}" for name in HOST_NAMES}

    def origins(self) -> set[str]:
        return {f"http://{host}" for host in self.hosts()}

    def refusal(self, method: str, path: str, host: str, cookie: str | None,
                origin: str | None, referer: str | None) -> str | None:
        """Why a request is refused before its body is read (None: it may go on)."""
        if host not in self.hosts():
            return NO_HOST
        if path.startswith(OPEN_PATHS) and method in SAFE_METHODS:
            return None
        if not same(cookie, self.token):
            return NO_KEY
        if method not in SAFE_METHODS and _origin(origin, referer) not in self.origins():
            return OTHER_ORIGIN
        return None

    def form_refusal(self, method: str, field: str | None) -> str | None:
        """The token a state-changing form must carry (checked once the form is read)."""
        if method in SAFE_METHODS or same(field, self.token):
            return None
        return OTHER_ORIGIN


def _origin(origin: str | None, referer: str | None) -> str | None:
    if origin:
        return origin
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}"
    return None
