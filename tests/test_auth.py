"""Who may write on the dashboard (issue 13): the password check, the settings, and the
decision for each way the server can be set up."""
from __future__ import annotations

import pytest

from dashboard.auth import (
    Access, access_from, check_password, hash_password, is_loopback, oidc_providers, oidc_writer,
    parse_password_hash,
)
from geo import config


def test_the_settings_are_read_from_the_environment():
    env = {"GEO_PASSWORD": "s3cret", "GEO_PASSWORD_HASH": "  pbkdf2_sha256$1$00$ab  ",
           "GEO_WRITERS": " Ana@Example.org, ,bo@example.org"}
    assert config.dashboard_password(env) == "s3cret"
    assert config.dashboard_password_hash(env) == "pbkdf2_sha256$1$00$ab"
    assert config.dashboard_writers(env) == {"ana@example.org", "bo@example.org"}
    empty = {"GEO_PASSWORD": "", "GEO_PASSWORD_HASH": " ", "GEO_WRITERS": ""}
    assert config.dashboard_password(empty) is None
    assert config.dashboard_password_hash(empty) is None
    assert config.dashboard_writers(empty) == frozenset()
    assert config.dashboard_writers({}) == frozenset()


def test_the_plain_password_matches_only_itself():
    access = Access(password="correct horse")
    assert check_password("correct horse", access)
    for wrong in ("", "correct hors", "correct horse ", "CORRECT HORSE", "correct horse\x00"):
        assert not check_password(wrong, access), wrong
    assert check_password("pässwörd", Access(password="pässwörd"))  # compared as UTF-8 bytes
    assert not check_password("anything", Access())  # no password set: nothing matches
    assert not check_password("", Access(password=""))


def test_a_hashed_password_matches_and_its_string_parses():
    stored = hash_password("correct horse", iterations=1000)
    scheme, iterations, salt, digest = stored.split("$")
    assert scheme == "pbkdf2_sha256" and iterations == "1000" and len(digest) == 64
    assert "correct horse" not in stored
    assert parse_password_hash(stored)[0] == 1000
    access = Access(password_hash=stored)
    assert check_password("correct horse", access)
    assert not check_password("correct horsE", access)
    assert hash_password("x", iterations=10) != hash_password("x", iterations=10)  # salted
    # both settings: either one matches
    both = Access(password="plain one", password_hash=stored)
    assert check_password("plain one", both) and check_password("correct horse", both)


@pytest.mark.parametrize("bad", ["", "sha1$1$00$00", "pbkdf2_sha256$x$00$" + "0" * 64,
                                 "pbkdf2_sha256$10$zz$" + "0" * 64, "pbkdf2_sha256$10$$" + "0" * 64,
                                 "pbkdf2_sha256$0$00$" + "0" * 64, "pbkdf2_sha256$10$00$00",
                                 "pbkdf2_sha256$10$00"])
def test_an_unusable_hash_setting_is_refused_and_matches_nothing(bad):
    with pytest.raises(ValueError):
        parse_password_hash(bad)
    assert not check_password("", Access(password_hash=bad))
    assert not check_password("anything", Access(password_hash=bad or "x"))


@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("0.0.0.0", False), ("::", False), ("", False), (None, False),
    ("192.168.1.20", False), ("example.org", False)])
def test_the_bind_address_says_whether_the_dashboard_is_open_to_a_network(address, loopback):
    assert is_loopback(address) is loopback


def test_oidc_providers_come_from_the_auth_section():
    assert oidc_providers(None) == () and oidc_providers({}) == ()
    default = {"redirect_uri": "http://x/oauth2callback", "cookie_secret": "s",
               "client_id": "id", "client_secret": "c", "server_metadata_url": "http://m"}
    assert oidc_providers(default) == ("",)
    named = {"redirect_uri": "u", "cookie_secret": "s", "google": {"client_id": "g"},
             "microsoft": {"client_id": "m"}}
    assert oidc_providers(named) == ("google", "microsoft")


def test_who_may_write_in_each_setup():
    local = access_from({}, "127.0.0.1")
    assert not local.protected and not local.read_only  # the one local user writes
    open_bare = access_from({}, "0.0.0.0")
    assert open_bare.open_to_network and open_bare.read_only  # nobody on a network writes
    open_password = access_from({"GEO_PASSWORD": "p"}, "0.0.0.0")
    assert open_password.protected and not open_password.read_only
    local_password = access_from({"GEO_PASSWORD_HASH": hash_password("p", iterations=5)},
                                 "127.0.0.1")
    assert local_password.protected  # a password set protects writing on loopback too
    open_oidc = access_from({}, "", {"client_id": "id"})
    assert open_oidc.protected and not open_oidc.read_only


def test_an_oidc_login_writes_only_when_its_email_is_a_writer():
    access = Access(oidc_providers=("",), writers=frozenset({"ana@example.org"}))
    assert oidc_writer(access, {"is_logged_in": True, "email": "Ana@Example.org"})
    assert not oidc_writer(access, {"is_logged_in": True, "email": "bo@example.org"})
    assert not oidc_writer(access, {"is_logged_in": False, "email": "ana@example.org"})
    assert not oidc_writer(access, {"is_logged_in": True})
    assert not oidc_writer(access, {"is_logged_in": True, "email": "ana@example.org",
                                    "email_verified": False})
    # no writers listed: a login alone grants nothing; "*": any login the provider accepts
    assert not oidc_writer(Access(oidc_providers=("",)), {"is_logged_in": True, "email": "a@b"})
    anyone = Access(oidc_providers=("google",), writers=frozenset({"*"}))
    assert oidc_writer(anyone, {"is_logged_in": True, "email": "x@y"})
    assert not oidc_writer(Access(writers=frozenset({"*"})), {"is_logged_in": True})


# --- the sidebar in Streamlit's script runner (no browser) ------------------------------------

def _sidebar_app():
    from dashboard.sidebar import upload_form

    upload_form("store.sqlite")


@pytest.fixture
def run_sidebar(monkeypatch):
    """Run the upload form in Streamlit's AppTest with these settings and this bind address."""
    from streamlit import config as st_config
    from streamlit.testing.v1 import AppTest

    def run(env: dict, address: str = "127.0.0.1"):
        for name in ("GEO_PASSWORD", "GEO_PASSWORD_HASH", "GEO_WRITERS"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        st_config.set_option("server.address", address)
        monkeypatch.setattr("dashboard.auth.time.sleep", lambda s: None)
        # the first run imports the pipeline (spaCy): over 30 s on a loaded CI machine
        app = AppTest.from_function(_sidebar_app, default_timeout=180)
        return app.run()

    old = st_config.get_option("server.address")
    yield run
    st_config.set_option("server.address", old)


def _sign_in(app, password: str) -> None:
    (box,) = [t for t in app.text_input if t.label == "Password"]
    box.input(password)
    (submit,) = [b for b in app.button if b.label == "Sign in"]
    submit.click().run()


def _has_uploader(app) -> bool:
    return bool(app.get("file_uploader"))


def test_the_local_user_writes_with_no_sign_in(run_sidebar):
    app = run_sidebar({})
    assert _has_uploader(app)
    assert not [t for t in app.text_input if t.label == "Password"]


def test_open_to_a_network_with_no_password_is_read_only(run_sidebar):
    app = run_sidebar({}, address="0.0.0.0")
    assert not _has_uploader(app)
    assert any("Read-only" in w.value for w in app.warning)
    assert not [t for t in app.text_input if t.label == "Password"]  # nothing to sign in with


def test_with_a_password_the_form_appears_only_after_signing_in(run_sidebar):
    app = run_sidebar({"GEO_PASSWORD": "correct horse"}, address="0.0.0.0")
    assert not _has_uploader(app)
    _sign_in(app, "wrong")
    assert not _has_uploader(app) and any("Wrong password" in e.value for e in app.error)
    _sign_in(app, "correct horse")
    assert _has_uploader(app)
    app.button(key="sign_out").click().run()
    assert not _has_uploader(app)
