"""Editor sign-in in the app: who is editing (for the audit trail) and the sign-in panel.

Viewers are everyone who is not signed in as an editor; pages show edit controls only
when ``current_editor()`` returns a name. See README "Editors: signing in".
"""

from __future__ import annotations

import logging
import math

import streamlit as st

from ecology import auth, settings

_LOG = logging.getLogger(__name__)

EDITOR_KEY = "ecology_editor"  # session state: the signed-in editor's name (password mode)
_FAILURES_KEY = "ecology_editor_failures"  # session state: a per-session auth.Throttle
_MESSAGE_KEY = "ecology_editor_message"  # session state: the last sign-in error, shown once
README_SECTION = "“Editors: signing in” in the README"

# Failures per editor name and client address across all sessions: a fresh browser tab must not
# reset the count, and someone guessing from elsewhere pauses only their own tries, never the
# named editor's own sign-in (a pause keyed on the name alone would let anyone lock them out).
SHARED_THROTTLE = auth.Throttle()


def _throttle_key(name: str) -> tuple[str, str]:
    address = st.context.ip_address  # None behind some proxies (and not text under AppTest)
    return name, address if isinstance(address, str) and address else "unknown address"


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError subclasses it)
        return {}
    except Exception as error:  # a broken secrets file: read-only, and say why in the log
        _LOG.warning("could not read the secrets: %s", error)
        return {}


def config() -> auth.AuthConfig:
    """Return the sign-in configuration from st.secrets and the environment."""
    return auth.resolve(_secrets(), settings.current().editor_environment)


def current_editor() -> str | None:
    """Return the signed-in editor's name (password mode) or email (OIDC), or None for a viewer."""
    settings = config()
    if settings.mode == auth.OIDC:
        return settings.oidc_editor(st.user.to_dict())
    if settings.mode == auth.PASSWORD:
        name = st.session_state.get(EDITOR_KEY)
        # Checked against the configuration on every run, so removing an editor
        # from the secrets takes away their editing at once.
        return name if isinstance(name, str) and name in settings.editors else None
    return None


def _session_throttle() -> auth.Throttle:
    if _FAILURES_KEY not in st.session_state:
        st.session_state[_FAILURES_KEY] = auth.Throttle(SHARED_THROTTLE.limit, SHARED_THROTTLE.lockout_s)
    return st.session_state[_FAILURES_KEY]


def _wait_message(seconds: float) -> str:
    return f"Too many wrong passwords. Try again in {math.ceil(seconds)} seconds."


def _try_password() -> None:
    """Form callback: check the typed password, then blank it, before the script runs."""
    settings = config()
    names = sorted(settings.editors)
    name = st.session_state.get("editor_name") if len(names) > 1 else (names or [""])[0]
    password = st.session_state.get("editor_password") or ""
    # Callbacks run before the widgets are drawn, so the password can be wiped
    # from the session here (clear_on_submit only empties the browser's copy).
    st.session_state["editor_password"] = ""
    session = _session_throttle()
    # Both counts are checked before the password, so a try during a pause costs
    # no scrypt work and reveals nothing.
    key = _throttle_key(name)
    wait = max(session.seconds_left("tries"), SHARED_THROTTLE.seconds_left(key))
    if wait > 0:
        st.session_state[_MESSAGE_KEY] = _wait_message(wait)
        return
    if settings.check_password(name, password):
        session.succeeded("tries")
        SHARED_THROTTLE.succeeded(key)
        st.session_state[EDITOR_KEY] = name
        st.session_state.pop(_MESSAGE_KEY, None)
        return
    left = min(session.failed("tries"), SHARED_THROTTLE.failed(key))
    _LOG.warning("failed editor sign-in for %r", name)
    if left == 0:
        st.session_state[_MESSAGE_KEY] = f"Wrong password. {_wait_message(SHARED_THROTTLE.lockout_s)}"
    else:
        st.session_state[_MESSAGE_KEY] = (
            f"Wrong password for {name}. {left} {'try' if left == 1 else 'tries'} left "
            f"before a {SHARED_THROTTLE.lockout_s:.0f}-second pause.")


def _sign_out_password() -> None:
    st.session_state.pop(EDITOR_KEY, None)


def _password_panel(settings: auth.AuthConfig) -> None:
    signed_in = current_editor()
    if signed_in:
        st.caption(f"Signed in as editor **{signed_in}**.")
        st.button("Sign out", key="editor_sign_out", on_click=_sign_out_password)
        return

    names = sorted(settings.editors)
    with st.form("editor_sign_in", clear_on_submit=True, border=False):
        st.markdown("**Editors: sign in**")
        if len(names) > 1:
            st.selectbox("Editor", names, key="editor_name")
        else:
            st.caption(f"Editor: {names[0]}")
        st.text_input("Password", type="password", key="editor_password", max_chars=200)
        st.form_submit_button("Sign in", on_click=_try_password)
    message = st.session_state.pop(_MESSAGE_KEY, None)  # shown once, after the try that caused it
    if message:
        st.error(message)


def _oidc_panel(settings: auth.AuthConfig) -> None:
    user = st.user.to_dict()
    if user.get("is_logged_in") is True:
        editor = settings.oidc_editor(user)
        if editor:
            st.caption(f"Signed in as editor **{editor}**.")
        else:
            who = user.get("email") or user.get("name") or "this account"
            st.caption(f"Signed in as {who}, which is not on the editors list: you can view but not edit.")
        if st.button("Sign out", key="editor_sign_out"):
            st.logout()
        return
    for provider in settings.providers:
        label = "Sign in" if provider == auth.DEFAULT_PROVIDER else f"Sign in with {provider}"
        if st.button(label, key=f"editor_sign_in_{provider}", help="For editors of the asset register"):
            st.login() if provider == auth.DEFAULT_PROVIDER else st.login(provider)


def sign_in_panel() -> None:
    """Draw the editor sign-in (or sign-out) controls where it is called, e.g. in the sidebar."""
    settings = config()
    for problem in settings.problems:
        # Names settings only, never their values.
        _LOG.warning("sign-in settings: %s", problem)
    if settings.mode == auth.OIDC:
        _oidc_panel(settings)
    elif settings.mode == auth.PASSWORD:
        _password_panel(settings)
    else:
        found = " Some sign-in settings were found but cannot be used: the server log says which." \
            if settings.problems else ""
        st.caption(f"Editing is switched off: no editor sign-in is set up. "
                   f"To turn it on, see {README_SECTION}.{found}")
