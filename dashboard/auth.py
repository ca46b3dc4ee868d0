"""Who may write: upload articles, correct places and parties, delete articles.

Three cases, decided by the settings (``geo.config``: ``GEO_PASSWORD`` or ``GEO_PASSWORD_HASH``,
``GEO_WRITERS``), Streamlit's bind address (``server.address``) and an ``[auth]`` section in
``.streamlit/secrets.toml`` (Streamlit's own OIDC login):

- no password and no OIDC, bound to this machine (the default): the one local user writes;
- a password or OIDC set: everyone views, only a signed-in session writes;
- open to a network (any address but loopback) with neither: read-only for everyone, with a
  loud warning in the server's log and on the page. Nobody on a network can write unasked.

A view that writes asks ``can_write()`` and draws nothing that writes when it is False: a
widget that is not drawn cannot be used (Streamlit runs the script on the server), so hiding
is the protection, not just its look. ``python3 -m dashboard.auth`` prints a
``GEO_PASSWORD_HASH`` for a password typed at the prompt.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Mapping, Optional

from geo import config

HASH_SCHEME = "pbkdf2_sha256"
HASH_ITERATIONS = 600_000  # OWASP's figure for PBKDF2-SHA256
WRITER_KEY = "geo_writer"  # session state: this session gave the password
# Wrong passwords, across all sessions (a new session is one reload away): past this many in a
# minute, passwords are not checked until the minute is over.
MAX_FAILURES_PER_MINUTE = 20
_failures: deque = deque()
_failures_lock = threading.Lock()
_warned: set = set()


@dataclass(frozen=True)
class Access:
    """What protects writing on this server."""
    password: Optional[str] = None
    password_hash: Optional[str] = None
    writers: frozenset = frozenset()  # OIDC e-mails allowed to write ("*": anyone logged in)
    oidc_providers: tuple = ()  # () when no [auth] section; ("",) for the default provider
    open_to_network: bool = False

    @property
    def has_password(self) -> bool:
        return bool(self.password or self.password_hash)

    @property
    def protected(self) -> bool:
        """Writing needs a sign-in (a password or an OIDC login)."""
        return self.has_password or bool(self.oidc_providers)

    @property
    def read_only(self) -> bool:
        """Open to a network with nothing to sign in with: nobody writes."""
        return self.open_to_network and not self.protected


# --- passwords --------------------------------------------------------------------------------

def hash_password(password: str, salt: Optional[bytes] = None,
                  iterations: int = HASH_ITERATIONS) -> str:
    """``pbkdf2_sha256$ITERATIONS$SALT$HASH`` (hex) for ``GEO_PASSWORD_HASH``."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{HASH_SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def parse_password_hash(value: str) -> tuple[int, bytes, bytes]:
    """(iterations, salt, digest) of a ``hash_password`` string; ValueError saying what is
    wrong otherwise."""
    parts = value.strip().split("$")
    if len(parts) != 4 or parts[0] != HASH_SCHEME:
        raise ValueError(f"expected {HASH_SCHEME}$ITERATIONS$SALT$HASH "
                         "(python3 -m dashboard.auth prints one)")
    try:
        iterations, salt, digest = int(parts[1]), bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
    except ValueError:
        raise ValueError("iterations must be a number, salt and hash hexadecimal") from None
    if iterations < 1 or not salt or len(digest) != 32:
        raise ValueError("iterations must be positive, the salt not empty, the hash 32 bytes")
    return iterations, salt, digest


def check_password(given: str, access: Access) -> bool:
    """Whether ``given`` is the shared password (plain or hashed setting; both may be set, and
    either matches). Constant-time comparisons; an unusable hash setting matches nothing."""
    if not given or not access.has_password:
        return False
    data = given.encode("utf-8")
    ok = False
    if access.password:
        ok |= hmac.compare_digest(data, access.password.encode("utf-8"))
    if access.password_hash:
        try:
            iterations, salt, digest = parse_password_hash(access.password_hash)
        except ValueError:
            return ok
        ok |= hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", data, salt, iterations), digest)
    return ok


def _throttled(now: Optional[float] = None) -> bool:
    """Whether too many wrong passwords were given in the last minute (all sessions)."""
    now = time.monotonic() if now is None else now
    with _failures_lock:
        while _failures and now - _failures[0] > 60:
            _failures.popleft()
        return len(_failures) >= MAX_FAILURES_PER_MINUTE


def _record_failure() -> None:
    with _failures_lock:
        _failures.append(time.monotonic())


# --- the settings -----------------------------------------------------------------------------

def is_loopback(address: Optional[str]) -> bool:
    """Whether Streamlit bound to ``address`` listens on this machine only (an empty address
    is every interface)."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def oidc_providers(auth_section: Optional[Mapping]) -> tuple:
    """The providers ``st.login`` can use from secrets.toml's ``[auth]`` section: "" for the
    default one (``client_id`` directly under ``[auth]``), else each ``[auth.NAME]``."""
    if not auth_section:
        return ()
    named = tuple(sorted(k for k, v in auth_section.items() if isinstance(v, Mapping)))
    return (("",) if "client_id" in auth_section else ()) + named


def access_from(env: Optional[Mapping[str, str]] = None, address: Optional[str] = "127.0.0.1",
                auth_section: Optional[Mapping] = None) -> Access:
    """The ``Access`` for these settings (the environment, the bind address, ``[auth]``)."""
    return Access(password=config.dashboard_password(env),
                  password_hash=config.dashboard_password_hash(env),
                  writers=config.dashboard_writers(env),
                  oidc_providers=oidc_providers(auth_section),
                  open_to_network=not is_loopback(address))


def current_access() -> Access:
    """This server's ``Access``; warns once in the server's log when it runs read-only or
    with a password hash it cannot use."""
    import streamlit as st

    auth_section = None
    if st.secrets.load_if_toml_exists() and "auth" in st.secrets:
        auth_section = st.secrets["auth"]
    access = access_from(address=st.get_option("server.address"), auth_section=auth_section)
    _warn_once(access)
    return access


def _warn_once(access: Access) -> None:
    if access.read_only and "read_only" not in _warned:
        _warned.add("read_only")
        print("\n" + "!" * 78 + "\nWARNING: the dashboard is open to a network "
              "(server.address) and no password (GEO_PASSWORD / GEO_PASSWORD_HASH) or OIDC "
              "login (.streamlit/secrets.toml [auth]) is set:\nit runs READ-ONLY (no upload, "
              "no corrections, no deleting). See the README, 'Security and limits'.\n"
              + "!" * 78, file=sys.stderr, flush=True)
    if access.password_hash and "hash" not in _warned:
        try:
            parse_password_hash(access.password_hash)
        except ValueError as err:
            _warned.add("hash")
            print(f"WARNING: GEO_PASSWORD_HASH is unusable ({err}): no password matches it.",
                  file=sys.stderr, flush=True)


# --- the session ------------------------------------------------------------------------------

def oidc_writer(access: Access, user: Mapping) -> bool:
    """Whether the OIDC user ``user`` (``st.user``) may write: logged in, and their e-mail
    (verified, when the provider says) in ``GEO_WRITERS``, or ``GEO_WRITERS=*``."""
    if not access.oidc_providers or not user.get("is_logged_in"):
        return False
    if "*" in access.writers:
        return True
    email = str(user.get("email") or "").strip().lower()
    return bool(email) and user.get("email_verified") is not False and email in access.writers


def can_write() -> bool:
    """Whether this session may upload, correct and delete."""
    import streamlit as st

    access = current_access()
    if not access.protected:
        return not access.open_to_network
    if st.session_state.get(WRITER_KEY):
        return True
    return oidc_writer(access, st.user) if access.oidc_providers else False


def login_box() -> None:
    """The sign-in (or sign-out) controls, for the sidebar: a password form and/or a button per
    OIDC provider; nothing when this machine's one user writes with no sign-in."""
    import streamlit as st

    access = current_access()
    if access.read_only:
        st.warning("Read-only: this dashboard is open to a network and no password or login "
                   "is set, so nobody can add, correct or delete articles here.")
        return
    if not access.protected:
        return
    user = st.user if access.oidc_providers else {}
    if can_write():
        st.caption("Signed in: you can add, correct and delete articles.")
        if st.button("Sign out", key="sign_out"):
            st.session_state.pop(WRITER_KEY, None)
            if user.get("is_logged_in"):
                st.logout()
            st.rerun()
        return
    st.caption("Viewing only. Sign in to add, correct or delete articles.")
    if access.has_password:
        _password_form(access)
    for provider in access.oidc_providers:
        if user.get("is_logged_in"):
            st.caption("Logged in, but this account may not write (GEO_WRITERS).")
            if st.button("Log out", key="oidc_logout"):
                st.logout()
            break
        label = f"Log in with {provider}" if provider else "Log in"
        if st.button(label, key=f"oidc_login_{provider}"):
            if provider:
                st.login(provider)
            else:
                st.login()


def _password_form(access: Access) -> None:
    import streamlit as st

    with st.form("sign_in", clear_on_submit=True, border=False):
        given = st.text_input("Password", type="password", key="sign_in_password")
        pressed = st.form_submit_button("Sign in")
    if not pressed:
        return
    if _throttled():
        st.error("Too many wrong passwords: try again in a minute.")
    elif check_password(given, access):
        st.session_state[WRITER_KEY] = True
        st.rerun()
    else:
        _record_failure()
        time.sleep(1.0)  # slows guessing from one session
        st.error("Wrong password.")


if __name__ == "__main__":
    import getpass

    typed = getpass.getpass("Password for the dashboard: ")
    if not typed or typed != getpass.getpass("Again: "):
        sys.exit("The two passwords differ (or are empty); nothing printed.")
    print(f"GEO_PASSWORD_HASH='{hash_password(typed)}'")
