"""Editor sign-in without Streamlit: password hashes, which sign-in mode applies, a throttle.

Three modes, chosen from the secrets (``.streamlit/secrets.toml``) and the environment:

- ``"oidc"``: an ``[auth]`` section complete enough for ``st.login``;
- ``"password"``: editor password hashes in ``[editors]`` (name = hash) or in
  ``ECOLOGY_EDITOR_PASSWORD_HASH`` (name from ``ECOLOGY_EDITOR_NAME``, default "editor");
- ``"read_only"``: neither, so nobody can edit.

``python -m ecology editor-password`` prints a hash line to paste into the secrets file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets as _random
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

OIDC = "oidc"
PASSWORD = "password"
READ_ONLY = "read_only"

ENV_HASH = "ECOLOGY_EDITOR_PASSWORD_HASH"
ENV_NAME = "ECOLOGY_EDITOR_NAME"
DEFAULT_ENV_NAME = "editor"
DEFAULT_PROVIDER = "default"

# scrypt cost: the OWASP Password Storage Cheat Sheet's minimum (N = 2**17, r = 8, p = 1):
# 128 MiB and about half a second per check here, which makes guessing slow and sign-in
# still quick. Hashes made with a lower cost still verify, and are reported as weak.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PASSWORD_CHARS = 12  # enforced by the CLI that makes hashes, not when checking

# Bounds for parameters read back from a stored hash: a typo or hostile value
# (n = 2**40) must give "no match", not exhaust memory.
_MAX_N = 2**20
_MAX_R = 32
_MAX_P = 16
_NUMBER = re.compile(r"[0-9]{1,8}")
BARE_TOML_KEY = re.compile(r"[A-Za-z0-9_-]+")

# Keys st.login needs (Streamlit 1.67, streamlit/auth_util.py validate_auth_credentials).
AUTH_SHARED_KEYS = ("redirect_uri", "cookie_secret")
AUTH_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


def _password_bytes(password: str) -> bytes:
    # NFC so the same password typed on different keyboards/OSes hashes the same.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # maxmem a little above the 128*n*r bytes scrypt needs, so OpenSSL's 32 MiB default never refuses.
    return hashlib.scrypt(_password_bytes(password), salt=salt, n=n, r=r, p=p, dklen=length,
                          maxmem=128 * n * r * (p + 1) + 2**20)


def hash_password(password: str) -> str:
    """Return "scrypt$n$r$p$salt_b64$hash_b64" for the password, with a fresh random salt.

    Raises ValueError for an empty password.
    """
    if not password:
        raise ValueError("the password is empty")
    salt = _random.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    encode = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt)}${encode(key)}"


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    """Return (n, r, p, salt, key) from a stored hash, or None if it is not one we can check."""
    if not isinstance(stored, str):
        return None
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    if not all(_NUMBER.fullmatch(part) for part in parts[1:4]):
        return None
    n, r, p = (int(part) for part in parts[1:4])
    if not (2 <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P):
        return None
    try:
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except (binascii.Error, ValueError):
        return None
    if not (8 <= len(salt) <= 64 and 16 <= len(key) <= 64):
        return None
    return n, r, p, salt, key


def verify_password(password: str, stored: str) -> bool:
    """Return True if the password matches the stored hash; False for a wrong password or
    a stored value that is not a hash this module made (never raises)."""
    parsed = _parse(stored)
    if parsed is None or not isinstance(password, str):
        return False
    n, r, p, salt, key = parsed
    try:
        derived = _scrypt(password, salt, n, r, p, len(key))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(derived, key)


# A real hash to check against when the name is unknown, so that answer takes as
# long as a wrong password for a known name. Made lazily: importing stays fast.
_dummy_hash: str | None = None


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(_random.token_urlsafe(16))
    return _dummy_hash


@dataclass(frozen=True)
class AuthConfig:
    """Which sign-in applies, and what it needs.

    ``providers``: OIDC provider names for ``st.login`` ("default" = the keys directly in
    ``[auth]``). ``editors``: name -> stored hash (password mode). ``allowed_emails``: the
    OIDC editor allow-list, lower case (empty or None: no one may edit).
    ``problems``: plain-words notes about settings that were found but could not be used.
    """

    mode: str
    providers: tuple[str, ...] = ()
    editors: Mapping[str, str] = field(default_factory=dict)
    allowed_emails: frozenset[str] | None = None
    problems: tuple[str, ...] = ()

    def check_password(self, name: str, password: str) -> bool:
        """Return True if ``name`` is a configured editor and the password is theirs."""
        stored = self.editors.get(name) if isinstance(name, str) else None
        if stored is None:
            verify_password(password, _dummy())  # same cost as a wrong password
            return False
        return verify_password(password, stored)

    def oidc_editor(self, user: Mapping) -> str | None:
        """Return the editor name (email, else name, else subject) of a signed-in OIDC user
        who may edit, or None (signed out, or not on the allow-list)."""
        if self.mode != OIDC or user.get("is_logged_in") is not True:
            return None
        email = user.get("email")
        email = email.strip() if isinstance(email, str) else ""
        # An allow-list is only as good as the email claim: refuse one the provider says it has
        # not verified. No list, no editors.
        if not self.allowed_emails or not email or user.get("email_verified") is False:
            return None
        if email.lower() not in self.allowed_emails:
            return None
        for claim in (email, user.get("name"), user.get("sub")):
            if isinstance(claim, str) and claim.strip():
                return claim.strip()
        return None


def _as_mapping(value: object) -> Mapping | None:
    return value if isinstance(value, Mapping) else None


def _oidc_providers(auth: Mapping) -> tuple[tuple[str, ...], list[str]]:
    """Return the usable provider names in an [auth] section and notes on what is missing."""
    problems = []
    missing_shared = [key for key in AUTH_SHARED_KEYS if not auth.get(key)]
    providers = []
    if all(auth.get(key) for key in AUTH_PROVIDER_KEYS):
        providers.append(DEFAULT_PROVIDER)
    for name, section in auth.items():
        section = _as_mapping(section)
        if section is None or name in ("client_kwargs",):
            continue
        missing = [key for key in AUTH_PROVIDER_KEYS if not section.get(key)]
        if "_" in name:
            # st.login refuses provider names with an underscore.
            problems.append(f"[auth.{name}]: provider names cannot contain '_'")
        elif missing:
            problems.append(f"[auth.{name}] is missing {', '.join(missing)}")
        else:
            providers.append(name)
    if not providers:
        present = [key for key in AUTH_PROVIDER_KEYS if auth.get(key)]
        absent = [key for key in AUTH_PROVIDER_KEYS if not auth.get(key)]
        detail = f"is missing {', '.join(absent)}" if present else "names no provider"
        problems.append(f"[auth] {detail} (client_id, client_secret, server_metadata_url)")
    if missing_shared:
        problems.append(f"[auth] is missing {', '.join(missing_shared)}")
        providers = []
    return tuple(providers), problems


def _allowed_emails(secrets: Mapping, problems: list[str]) -> frozenset[str]:
    """Return the OIDC editors' emails (lower case); none configured means no editors: signing in
    with a provider proves who someone is, not that they may change the register."""
    section = _as_mapping(secrets.get("editors_oidc"))
    if section is None or "emails" not in section:
        problems.append("[editors_oidc] emails is not set: with OIDC sign-in, only the listed emails may "
                        "edit, so no one can edit yet")
        return frozenset()
    emails = section["emails"]
    if isinstance(emails, str):
        emails = [emails]
    if not isinstance(emails, (list, tuple)):
        problems.append("[editors_oidc] emails must be a list of email addresses")
        return frozenset()  # a broken allow-list admits nobody rather than everybody
    return frozenset(e.strip().lower() for e in emails if isinstance(e, str) and e.strip())


def _password_editors(secrets: Mapping, environ: Mapping, problems: list[str]) -> dict[str, str]:
    editors: dict[str, str] = {}
    section = secrets.get("editors")
    if section is not None and _as_mapping(section) is None:
        problems.append("[editors] must be a table of name = \"scrypt$...\" lines")
    for name, stored in (_as_mapping(section) or {}).items():
        if isinstance(stored, str) and _parse(stored) is not None:
            editors[str(name)] = stored.strip()
            if _parse(stored)[0] < SCRYPT_N:
                problems.append(f"[editors] {name}: the hash uses a scrypt cost below N = 2**17 (OWASP's minimum); "
                                "make a new one with `python -m ecology editor-password`")
        else:
            problems.append(f"[editors] {name}: not a hash made by `python -m ecology editor-password`")
    env_hash = (environ.get(ENV_HASH) or "").strip()
    if env_hash:
        name = (environ.get(ENV_NAME) or "").strip() or DEFAULT_ENV_NAME
        if _parse(env_hash) is None:
            problems.append(f"{ENV_HASH}: not a hash made by `python -m ecology editor-password`")
        else:
            editors.setdefault(name, env_hash)  # the secrets file wins on a clash
    return editors


def resolve(secrets: Mapping, environ: Mapping) -> AuthConfig:
    """Return the sign-in configuration: OIDC if [auth] is complete, else password if any
    editor hash is configured, else read-only."""
    problems: list[str] = []
    auth = _as_mapping(secrets.get("auth"))
    if auth is not None:
        providers, oidc_problems = _oidc_providers(auth)
        problems += oidc_problems
        if providers:
            allowed = _allowed_emails(secrets, problems)
            return AuthConfig(OIDC, providers=providers, allowed_emails=allowed,
                              problems=tuple(problems))
    editors = _password_editors(secrets, environ, problems)
    if editors:
        return AuthConfig(PASSWORD, editors=editors, problems=tuple(problems))
    return AuthConfig(READ_ONLY, problems=tuple(problems))


class Throttle:
    """Counts failed sign-ins per key and refuses tries for ``lockout_s`` after ``limit``
    failures in a row. Thread-safe: Streamlit runs sessions in threads."""

    def __init__(self, limit: int = 5, lockout_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.lockout_s = lockout_s
        self._clock = clock
        self._failures: dict[object, int] = {}
        self._locked_until: dict[object, float] = {}
        self._lock = threading.Lock()

    def seconds_left(self, key: object) -> float:
        """Return the seconds until ``key`` may try again (0 if it may try now)."""
        with self._lock:
            left = self._locked_until.get(key, 0.0) - self._clock()
            if left <= 0 and key in self._locked_until:
                # The pause is over: a fresh run of tries.
                del self._locked_until[key]
                self._failures.pop(key, None)
            return max(left, 0.0)

    def failed(self, key: object) -> int:
        """Record a failure; return the tries left before a pause (0 = paused now)."""
        with self._lock:
            count = self._failures.get(key, 0) + 1
            self._failures[key] = count
            if count >= self.limit:
                self._locked_until[key] = self._clock() + self.lockout_s
                return 0
            return self.limit - count

    def succeeded(self, key: object) -> None:
        """Forget the failures of ``key``."""
        with self._lock:
            self._failures.pop(key, None)
            self._locked_until.pop(key, None)

    def __getstate__(self) -> dict:
        # Picklable (Streamlit can require serialisable session state): drop the
        # lock, and the clock, which comes back as time.monotonic.
        with self._lock:
            return {"limit": self.limit, "lockout_s": self.lockout_s,
                    "failures": dict(self._failures), "locked_until": dict(self._locked_until)}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["limit"], state["lockout_s"])
        self._failures.update(state["failures"])
        self._locked_until.update(state["locked_until"])

    def reset(self) -> None:
        """Forget everything (tests)."""
        with self._lock:
            self._failures.clear()
            self._locked_until.clear()
