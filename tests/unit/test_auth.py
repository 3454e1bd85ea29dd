"""Editor password hashes, sign-in mode resolution, the failure throttle and the hash CLI."""

from __future__ import annotations

import argparse
import base64
import io
import pickle

import pytest

from ecology import auth
from ecology.cli import editor_password

# One hash made per test run: scrypt is slow on purpose.
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def stored() -> str:
    return auth.hash_password(PASSWORD)


# ---- hash / verify ------------------------------------------------------------------

def test_right_password_verifies(stored):
    assert auth.verify_password(PASSWORD, stored)


@pytest.mark.parametrize("attempt", ["", "correct horse battery stapl", PASSWORD.upper(), PASSWORD + " "])
def test_wrong_password_does_not_verify(stored, attempt):
    assert not auth.verify_password(attempt, stored)


def test_hash_is_self_describing_and_salted(stored):
    name, n, r, p, salt, key = stored.split("$")
    assert (name, int(n), int(r), int(p)) == ("scrypt", auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert PASSWORD not in stored


def test_two_hashes_of_one_password_differ_and_both_verify(stored):
    other = auth.hash_password(PASSWORD)
    assert other != stored
    assert other.split("$")[4] != stored.split("$")[4]  # different salts
    assert auth.verify_password(PASSWORD, other)


def test_same_password_in_other_unicode_form_verifies():
    composed = auth.hash_password("café au lait ☕ 2024")
    assert auth.verify_password("cafe\u0301 au lait ☕ 2024", composed)


def test_empty_password_cannot_be_hashed():
    with pytest.raises(ValueError):
        auth.hash_password("")


@pytest.mark.parametrize("bad", [
    "", "scrypt", "plain-text-password", "scrypt$16384$8$1$c2FsdA==",  # too few parts
    "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA$extra",
    "bcrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
    "scrypt$16385$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,     # n not a power of two
    "scrypt$1099511627776$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # absurd cost
    "scrypt$-16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
    "scrypt$16384$0$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
    "scrypt$16384$8$1$not*base64$" + "A" * 44,
    "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",            # key too short to mean anything
    None, 12345, b"scrypt$16384$8$1$",
])
def test_malformed_stored_value_is_false_not_an_error(bad):
    assert auth.verify_password(PASSWORD, bad) is False


def test_tampered_hash_does_not_verify(stored):
    head, key = stored.rsplit("$", 1)
    raw = bytearray(base64.b64decode(key))
    raw[0] ^= 1
    assert not auth.verify_password(PASSWORD, f"{head}${base64.b64encode(bytes(raw)).decode()}")
    salt_changed = stored.split("$")
    salt_changed[4] = base64.b64encode(b"\0" * 16).decode()
    assert not auth.verify_password(PASSWORD, "$".join(salt_changed))
    cost_changed = stored.replace(f"${auth.SCRYPT_N}$", f"${auth.SCRYPT_N // 2}$", 1)
    assert not auth.verify_password(PASSWORD, cost_changed)


def test_surrounding_whitespace_in_stored_value_is_ignored(stored):
    assert auth.verify_password(PASSWORD, f"  {stored}\n")


# ---- mode resolution -------------------------------------------------------------------

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 32,
        "client_id": "id", "client_secret": "secret",
        "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}


def test_nothing_configured_is_read_only():
    config = auth.resolve({}, {})
    assert config.mode == auth.READ_ONLY and not config.editors and not config.problems


def test_complete_auth_section_is_oidc_with_default_provider():
    config = auth.resolve({"auth": AUTH}, {})
    assert config.mode == auth.OIDC
    assert config.providers == ("default",)
    assert config.allowed_emails == frozenset()
    assert any("no one can edit yet" in p for p in config.problems)


def test_oidc_wins_over_passwords(stored):
    config = auth.resolve({"auth": AUTH, "editors": {"alice": stored}}, {auth.ENV_HASH: stored})
    assert config.mode == auth.OIDC


def test_named_providers_are_offered():
    shared = {k: AUTH[k] for k in auth.AUTH_SHARED_KEYS}
    provider = {k: AUTH[k] for k in auth.AUTH_PROVIDER_KEYS}
    config = auth.resolve({"auth": {**shared, "google": provider, "microsoft": provider,
                                    "my_idp": provider, "okta": {"client_id": "x"}}}, {})
    assert config.mode == auth.OIDC
    assert config.providers == ("google", "microsoft")
    assert any("my_idp" in p and "'_'" in p for p in config.problems)
    assert any("okta" in p and "client_secret" in p for p in config.problems)


@pytest.mark.parametrize("missing", ["redirect_uri", "cookie_secret", "client_id", "server_metadata_url"])
def test_incomplete_auth_section_is_not_oidc_and_says_what_is_missing(missing, stored):
    partial = {k: v for k, v in AUTH.items() if k != missing}
    assert auth.resolve({"auth": partial}, {}).mode == auth.READ_ONLY
    fallback = auth.resolve({"auth": partial, "editors": {"alice": stored}}, {})
    assert fallback.mode == auth.PASSWORD
    assert any(missing in p for p in fallback.problems)


def test_editors_table_is_password_mode(stored):
    config = auth.resolve({"editors": {"alice": stored, "bob": stored}}, {})
    assert config.mode == auth.PASSWORD
    assert sorted(config.editors) == ["alice", "bob"]


def test_environment_hash_is_password_mode_with_default_name(stored):
    config = auth.resolve({}, {auth.ENV_HASH: stored})
    assert config.mode == auth.PASSWORD
    assert list(config.editors) == ["editor"]
    named = auth.resolve({}, {auth.ENV_HASH: stored, auth.ENV_NAME: " Jo Smith "})
    assert list(named.editors) == ["Jo Smith"]


def test_environment_editor_joins_the_secrets_editors_and_secrets_win_a_clash(stored):
    other = auth.hash_password("another long password")
    config = auth.resolve({"editors": {"alice": stored}}, {auth.ENV_HASH: other, auth.ENV_NAME: "bob"})
    assert sorted(config.editors) == ["alice", "bob"]
    clash = auth.resolve({"editors": {"alice": stored}}, {auth.ENV_HASH: other, auth.ENV_NAME: "alice"})
    assert clash.editors["alice"] == stored


def test_plain_text_passwords_in_secrets_are_refused(stored):
    config = auth.resolve({"editors": {"alice": "hunter2", "bob": stored}}, {auth.ENV_HASH: "hunter2"})
    assert list(config.editors) == ["bob"]
    assert any("alice" in p for p in config.problems)
    assert any(auth.ENV_HASH in p for p in config.problems)
    assert auth.resolve({"editors": {"alice": "hunter2"}}, {}).mode == auth.READ_ONLY
    assert not any("hunter2" in p for p in config.problems)  # never echo what might be a password


def test_blank_environment_hash_is_ignored():
    assert auth.resolve({}, {auth.ENV_HASH: "  ", auth.ENV_NAME: "x"}).mode == auth.READ_ONLY


def test_check_password_per_editor(stored):
    config = auth.resolve({"editors": {"alice": stored}}, {})
    assert config.check_password("alice", PASSWORD)
    assert not config.check_password("alice", "wrong")
    assert not config.check_password("mallory", PASSWORD)


# ---- OIDC editors -----------------------------------------------------------------

SIGNED_IN = {"is_logged_in": True, "email": "Ada@Example.org", "name": "Ada", "sub": "123"}


def test_without_an_allow_list_no_signed_in_oidc_user_is_an_editor():
    config = auth.resolve({"auth": AUTH}, {})
    assert config.oidc_editor(SIGNED_IN) is None
    assert config.oidc_editor({"is_logged_in": True, "sub": "123"}) is None


def test_the_scrypt_cost_is_at_least_owasps_minimum_and_weak_hashes_are_reported():
    assert (auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P) >= (2**17, 8, 1)
    assert auth.hash_password("correct horse battery").split("$")[1] == str(2**17)
    import base64, hashlib
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(b"correct horse battery", salt=salt, n=2**14, r=8, p=1, dklen=32)
    weak = f"scrypt${2**14}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"
    config = auth.resolve({"editors": {"alice": weak}}, {})
    assert auth.verify_password("correct horse battery", weak)  # still signs in
    assert any("below N = 2**17" in p for p in config.problems)


@pytest.mark.parametrize("user", [{}, {"email": "ada@example.org"}, {"is_logged_in": False, "email": "a@b"},
                                  {"is_logged_in": "true", "email": "a@b"}])
def test_signed_out_oidc_user_is_no_editor(user):
    assert auth.resolve({"auth": AUTH}, {}).oidc_editor(user) is None


def test_allow_list_limits_oidc_editors():
    config = auth.resolve({"auth": AUTH, "editors_oidc": {"emails": ["ada@example.org "]}}, {})
    assert config.allowed_emails == frozenset({"ada@example.org"})
    assert config.oidc_editor(SIGNED_IN) == "Ada@Example.org"  # case-insensitive match
    assert config.oidc_editor({**SIGNED_IN, "email": "eve@example.org"}) is None
    assert config.oidc_editor({**SIGNED_IN, "email_verified": False}) is None
    assert config.oidc_editor({"is_logged_in": True, "name": "Ada"}) is None


def test_broken_allow_list_admits_nobody():
    config = auth.resolve({"auth": AUTH, "editors_oidc": {"emails": 42}}, {})
    assert config.allowed_emails == frozenset()
    assert config.oidc_editor(SIGNED_IN) is None
    assert config.problems


def test_oidc_editor_is_none_in_password_mode(stored):
    assert auth.resolve({"editors": {"a": stored}}, {}).oidc_editor(SIGNED_IN) is None


# ---- throttle -----------------------------------------------------------------------

class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_pauses_after_five_failures_for_thirty_seconds():
    clock = FakeClock()
    throttle = auth.Throttle(limit=5, lockout_s=30, clock=clock)
    assert [throttle.failed("k") for _ in range(5)] == [4, 3, 2, 1, 0]
    assert throttle.seconds_left("k") == 30
    assert throttle.seconds_left("other") == 0
    clock.now += 29
    assert throttle.seconds_left("k") == pytest.approx(1)
    clock.now += 1
    assert throttle.seconds_left("k") == 0
    assert throttle.failed("k") == 4  # a fresh run of tries after the pause


def test_throttle_success_forgets_failures():
    throttle = auth.Throttle(limit=3, clock=FakeClock())
    throttle.failed("k")
    throttle.failed("k")
    throttle.succeeded("k")
    assert throttle.failed("k") == 2


def test_throttle_survives_pickling():
    throttle = auth.Throttle(limit=3, clock=FakeClock())
    throttle.failed("k")
    copy = pickle.loads(pickle.dumps(throttle))
    assert copy.failed("k") == 1


# ---- python -m ecology editor-password ---------------------------------------------------

def run_cli(*argv: str, stdin: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    editor_password.add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    status = editor_password.run(parser.parse_args(list(argv)), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_cli_prints_a_secrets_line_that_verifies():
    import tomllib

    status, out, err = run_cli("--name", "alice", stdin=PASSWORD + "\n")
    assert status == 0
    assert "[editors]" in err
    table = tomllib.loads("[editors]\n" + out)["editors"]
    assert list(table) == ["alice"]
    assert auth.verify_password(PASSWORD, table["alice"])
    assert PASSWORD not in out + err


def test_cli_quotes_names_toml_cannot_take_bare():
    import tomllib

    status, out, _ = run_cli("--name", "jo.smith@example.org", stdin=PASSWORD)
    assert status == 0
    assert list(tomllib.loads("[editors]\n" + out)["editors"]) == ["jo.smith@example.org"]


def test_cli_env_form_resolves_to_password_mode():
    status, out, _ = run_cli("--env", "--name", "bob", stdin=PASSWORD + "\n")
    assert status == 0
    environ = dict(line.split("=", 1) for line in out.splitlines())
    environ = {k: v.strip("'") for k, v in environ.items()}
    config = auth.resolve({}, environ)
    assert config.mode == auth.PASSWORD and config.check_password("bob", PASSWORD)


@pytest.mark.parametrize("given", ["", "\n", "short\n"])
def test_cli_refuses_empty_or_short_passwords(given):
    status, out, err = run_cli(stdin=given)
    assert status == 2 and out == "" and "error" in err  # refused input: the usage exit code


def test_cli_at_a_terminal_asks_twice_and_refuses_a_mismatch(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr(editor_password.getpass, "getpass", lambda prompt: next(answers))
    parser = argparse.ArgumentParser()
    editor_password.add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    assert editor_password.run(parser.parse_args([]), stdin=Terminal(), stdout=out, stderr=err) == 2
    assert "differ" in err.getvalue() and out.getvalue() == ""


def test_a_pause_for_one_address_does_not_pause_the_editor_at_another():
    throttle = auth.Throttle(limit=3, lockout_s=30, clock=lambda: 100.0)
    for _ in range(3):
        throttle.failed(("alice", "203.0.113.9"))  # someone guessing alice's password
    assert throttle.seconds_left(("alice", "203.0.113.9")) == 30
    assert throttle.seconds_left(("alice", "198.51.100.4")) == 0  # alice at her own desk
