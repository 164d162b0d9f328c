"""``masked``: every form of a known secret, and the password of any URL, never shown."""

from __future__ import annotations

import base64
import html
import json
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from virtnum._redact import Redactor, masked, proxy_secrets, secret_forms, snippet

from ._secrets import NASTY

SECRET = "p@ss:w/rd é€\"'<>#%2F-Q7"


def test_a_urls_password_is_masked_and_its_user_and_host_kept() -> None:
    text = "url='http://us%40er:p%40ss@127.0.0.1:3128' https://tok@h/x ftp://a:b:c@d"
    assert masked(text) == "url='http://us%40er:***@127.0.0.1:3128' https://***@h/x ftp://a:***@d"


def test_redact_masks_the_secrets_and_proxies_given_in_every_form() -> None:
    from virtnum import redact

    proxy = "http://user:pr%C3%B6xy-pw@127.0.0.1:3128"
    text = f"token={quote(SECRET, safe='')} {json.dumps(SECRET)} auth=pröxy-pw http://a:b@h"
    shown = redact(text, [SECRET], [proxy])
    assert shown == 'token=[redacted] "[redacted]" auth=[redacted] http://a:***@h'
    assert redact("see http://a:b@h") == "see http://a:***@h"


def test_text_without_credentials_is_unchanged() -> None:
    text = "GET /numbers failed: mail admin@example.test, see http://h:80/x?a=b@c"
    assert masked(text) == text


def test_each_form_of_a_secret_is_masked() -> None:
    echoed = [
        SECRET,
        f"  {SECRET}  ".strip(),
        json.dumps(SECRET)[1:-1],
        json.dumps(SECRET, ensure_ascii=False)[1:-1],
        json.dumps(json.dumps(SECRET))[1:-1],
        quote(SECRET),
        quote(SECRET, safe=""),
        quote(SECRET, safe="").lower(),
        SECRET.encode().decode("latin-1"),
        html.escape(SECRET),
    ]
    forms = secret_forms([SECRET])
    for form in echoed:
        assert "Q7" not in masked(f"before {form} after", forms), form


def test_a_proxys_password_and_basic_credentials_are_its_secrets() -> None:
    found = proxy_secrets("http://us%40er:p%40ss%2F@127.0.0.1:3128")
    assert "p@ss/" in found
    assert "p%40ss%2F" in found
    assert base64.b64encode(b"us@er:p@ss/").decode() in found
    assert "us@er" not in found  # the user name is shown
    assert proxy_secrets("http://tok-alone@proxy:1")[0] == "tok-alone"
    assert proxy_secrets("http://proxy:1") == []


def test_the_redactor_masks_the_token_the_proxys_password_and_extra_secrets() -> None:
    redactor = Redactor("tok-Q7", ["http://user:pw-Q7@proxy:1", None])
    text = redactor.text("tok-Q7 pw-Q7 sip-Q7 http://user:pw-Q7@proxy:1", ["sip-Q7"])
    assert text == "[redacted] [redacted] [redacted] http://user:***@proxy:1"


def test_a_snippet_is_masked_before_it_is_cut() -> None:
    raw = ("x" * 495 + "tok-Q7-tail").encode()
    assert snippet(raw, secret_forms(["tok-Q7-tail"])) == "x" * 495 + "[reda"


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(NASTY) | st.characters(codec="utf-8"), max_size=8),
    st.text(max_size=20),
    st.text(max_size=20),
)
def test_no_drawn_secret_survives_in_any_of_its_forms(core: str, before: str, after: str) -> None:
    secret = f"{core}Q7mark{core}"
    forms = secret_forms([secret])
    for form in (secret, quote(secret), quote(secret, safe=""), json.dumps(secret)[1:-1]):
        assert "Q7mark" not in masked(before + form + after, forms)
