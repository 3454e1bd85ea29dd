"""The editor sign-in panel under AppTest, in each mode: read-only, password, OIDC."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ecology import auth
from ecology.ui import auth as auth_ui

ALICE_PASSWORD = "alice's long passphrase"
BOB_PASSWORD = "bob's different passphrase"
OIDC = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 32,
        "client_id": "id", "client_secret": "secret",
        "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}


def _panel_script() -> None:
    import streamlit as st

    from ecology.ui.auth import current_editor, sign_in_panel

    sign_in_panel()
    st.text(f"editor: {current_editor()}")


@pytest.fixture(scope="module")
def hashes() -> dict[str, str]:
    return {"alice": auth.hash_password(ALICE_PASSWORD), "bob": auth.hash_password(BOB_PASSWORD)}


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    """No editor settings from the environment, and no failures left by another test."""
    monkeypatch.delenv(auth.ENV_HASH, raising=False)
    monkeypatch.delenv(auth.ENV_NAME, raising=False)
    auth_ui.SHARED_THROTTLE.reset()
    yield
    auth_ui.SHARED_THROTTLE.reset()


def app_with(secrets: dict) -> AppTest:
    app = AppTest.from_function(_panel_script, default_timeout=30)
    # Always give AppTest some secrets: with none it reads the real
    # .streamlit/secrets.toml, and a developer's own file would change the mode.
    app.secrets.update(secrets or {"unrelated": "so no secrets.toml is read"})
    return app.run()


def editor(app: AppTest) -> str:
    assert not app.exception, app.exception
    return app.text[-1].value.removeprefix("editor: ")


def button(app: AppTest, label: str):
    matches = [b for b in app.button if b.label == label]
    assert len(matches) == 1, [b.label for b in app.button]
    return matches[0]


def sign_in(app: AppTest, password: str, name: str | None = None) -> AppTest:
    if name is not None:
        app.selectbox(key="editor_name").set_value(name)
    app.text_input(key="editor_password").input(password)
    return button(app, "Sign in").click().run()


# ---- read-only --------------------------------------------------------------------

def test_read_only_shows_no_form_and_says_how_to_turn_editing_on():
    app = app_with({})
    assert editor(app) == "None"
    assert not app.text_input and not app.button and not app.selectbox
    assert "Editing is switched off" in app.caption[0].value
    assert "Editors: signing in" in app.caption[0].value


def test_plain_text_password_in_secrets_leaves_the_app_read_only():
    app = app_with({"editors": {"alice": ALICE_PASSWORD}})
    assert editor(app) == "None" and not app.text_input
    assert "server log" in app.caption[0].value
    assert ALICE_PASSWORD not in app.caption[0].value


# ---- password mode ----------------------------------------------------------------------

def test_wrong_password_is_refused(hashes):
    app = app_with({"editors": {"alice": hashes["alice"]}})
    assert editor(app) == "None"
    assert not app.selectbox  # one editor: nothing to choose
    app = sign_in(app, BOB_PASSWORD)
    assert editor(app) == "None"
    assert "Wrong password for alice" in app.error[0].value
    assert "4 tries left" in app.error[0].value
    # The form empties itself, so a typed password does not stay in the session.
    assert app.text_input(key="editor_password").value == ""
    assert BOB_PASSWORD not in [app.session_state[k] for k in app.session_state.keys()]


def test_right_password_signs_in_and_sign_out_signs_out(hashes):
    app = sign_in(app_with({"editors": {"alice": hashes["alice"]}}), ALICE_PASSWORD)
    assert editor(app) == "alice"
    assert not app.error and not app.text_input
    assert "Signed in as editor **alice**" in app.caption[0].value
    # The password is not kept anywhere in the session.
    assert ALICE_PASSWORD not in [app.session_state[k] for k in app.session_state.keys()]
    app = button(app, "Sign out").click().run()
    assert editor(app) == "None"
    assert app.text_input(key="editor_password").value == ""


def test_several_editors_choose_a_name_and_each_needs_their_own_password(hashes):
    app = app_with({"editors": hashes})
    assert app.selectbox(key="editor_name").options == ["alice", "bob"]
    app = sign_in(app, ALICE_PASSWORD, name="bob")
    assert editor(app) == "None" and app.error
    app = sign_in(app, BOB_PASSWORD, name="bob")
    assert editor(app) == "bob"


def test_environment_hash_gives_a_default_editor(hashes, monkeypatch):
    monkeypatch.setenv(auth.ENV_HASH, hashes["bob"])
    app = sign_in(app_with({}), BOB_PASSWORD)
    assert editor(app) == "editor"


def test_editor_removed_from_the_settings_stops_editing(hashes):
    app = sign_in(app_with({"editors": hashes}), ALICE_PASSWORD, name="alice")
    assert editor(app) == "alice"
    app.secrets["editors"] = {"bob": hashes["bob"]}
    assert editor(app.run()) == "None"


def test_five_failures_pause_tries_even_with_the_right_password(hashes):
    app = app_with({"editors": {"alice": hashes["alice"]}})
    for _ in range(5):
        app = sign_in(app, "not it")
    assert "Try again in 30 seconds" in app.error[0].value
    app = sign_in(app, ALICE_PASSWORD)
    assert editor(app) == "None"
    assert "Too many wrong passwords" in app.error[0].value
    # A new session (another browser tab) from the same address is paused too: the count is per
    # editor and address.
    fresh = sign_in(app_with({"editors": {"alice": hashes["alice"]}}), ALICE_PASSWORD)
    assert editor(fresh) == "None" and "Too many wrong passwords" in fresh.error[0].value


# ---- OIDC mode ----------------------------------------------------------------------

def oidc_app(user: dict, **extra: dict) -> AppTest:
    app = AppTest.from_function(_panel_script, default_timeout=30)
    app.secrets["auth"] = OIDC
    app.secrets.update(extra)
    app.user = user
    return app.run()


def test_oidc_signed_out_offers_sign_in_only():
    app = oidc_app({"is_logged_in": False})
    assert editor(app) == "None"
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.text_input


def test_oidc_needs_is_logged_in_not_just_an_email():
    app = oidc_app({"email": "test@example.com"})  # AppTest's default user shape
    assert editor(app) == "None"


def test_oidc_without_an_allow_list_signs_people_in_as_viewers_only():
    app = oidc_app({"is_logged_in": True, "email": "ada@example.org", "name": "Ada"})
    assert editor(app) == "None"


def test_oidc_signed_in_user_is_the_editor_and_can_sign_out():
    app = oidc_app({"is_logged_in": True, "email": "ada@example.org", "name": "Ada"},
                   editors_oidc={"emails": ["ada@example.org"]})
    assert editor(app) == "ada@example.org"
    assert "Signed in as editor **ada@example.org**" in app.caption[0].value
    app = button(app, "Sign out").click().run()
    assert editor(app) == "None"
    assert app.user == {"is_logged_in": False}


def test_oidc_allow_list_keeps_other_accounts_as_viewers():
    allow = {"editors_oidc": {"emails": ["ada@example.org"]}}
    app = oidc_app({"is_logged_in": True, "email": "eve@example.org"}, **allow)
    assert editor(app) == "None"
    assert "not on the editors list" in app.caption[0].value
    app = oidc_app({"is_logged_in": True, "email": "Ada@Example.org"}, **allow)
    assert editor(app) == "Ada@Example.org"


def test_oidc_named_providers_get_a_button_each():
    shared = {k: OIDC[k] for k in auth.AUTH_SHARED_KEYS}
    provider = {k: OIDC[k] for k in auth.AUTH_PROVIDER_KEYS}
    app = AppTest.from_function(_panel_script, default_timeout=30)
    app.secrets["auth"] = {**shared, "google": provider, "microsoft": provider}
    app.user = {"is_logged_in": False}
    app.run()
    assert [b.label for b in app.button] == ["Sign in with google", "Sign in with microsoft"]
