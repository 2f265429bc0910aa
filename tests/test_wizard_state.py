"""The wizard's state without a screen: the draft, the steps, the held secrets, Save."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from comelin_tui.config import Config, load_config
from comelin_tui.oauth import SignInResult
from comelin_tui.secrets import OAUTH_TOKEN_CACHE, SMTP_PASSWORD, open_secret_store
from comelin_tui.wizard_state import (
    STEPS,
    SavePlan,
    StorePreview,
    WizardState,
    probe_store,
    write_plan,
)

PASSWORD = "held-Secret-1234"


def new_state(**options: object) -> WizardState:
    return WizardState(Config(), saved=False, **options)  # type: ignore[arg-type]


def test_the_held_password_is_never_in_a_repr() -> None:
    state = new_state()
    state.password = PASSWORD
    state.oauth_cache = "token-cache-" + PASSWORD
    plan = state.save_plan("en")
    assert PASSWORD not in repr(state) and "held" in repr(state)
    assert PASSWORD not in repr(plan)
    assert plan.password == PASSWORD  # but Save has it


def test_dirty_follows_what_was_typed_and_not_what_came_with_the_draft() -> None:
    state = new_state()
    assert not state.dirty
    state.hold_initial_password("demo-password")  # the demo's, not typed
    assert not state.dirty
    state.password = PASSWORD
    assert state.dirty
    state.password = "demo-password"
    assert not state.dirty
    assert state.assign("company.name", "Épicerie") is None
    assert state.dirty


def test_assign_refuses_with_the_settings_own_reason() -> None:
    state = new_state()
    error = state.assign("smtp.port", "99999")
    assert error is not None and "65535" in error.message("en")
    assert state.draft.smtp.port == 587 and not state.dirty
    error = state.assign("company.email", "caisse@")
    assert error is not None and state.draft.company.email == ""


def test_steps_are_defined_once_and_walked_in_order() -> None:
    state = new_state()
    assert state.current == "email" and state.first and state.previous_step() is None
    walked = [state.current]
    while (following := state.next_step()) is not None:
        state.go(following)
        walked.append(state.current)
    assert tuple(walked) == STEPS and state.last
    assert WizardState(Config(), saved=False, start="nowhere").current == "email"


def test_step_states_for_the_sidebar() -> None:
    state = new_state()
    state.go("server")
    states = state.step_states(lambda step: step == "email", tested=None)
    assert states == {"email": "error", "provider": "todo", "server": "current",
                      "credentials": "todo", "review": "todo", "test": "todo"}
    saved = WizardState(Config(), saved=True, start="review")
    assert saved.step_states(lambda step: False, "ok")["test"] == "done"
    assert saved.step_states(lambda step: False, "fail")["test"] == "error"
    saved.assign("company.name", "changed")
    assert saved.step_states(lambda step: False, "ok")["test"] == "todo"  # not saved yet
    # A new setup (a start over): the last test was of other settings.
    assert new_state().step_states(lambda step: False, "ok")["test"] == "todo"


def test_the_sender_and_username_follow_the_company_email_until_typed_over() -> None:
    state = new_state()
    state.assign("company.email", "caisse@epicerie.test")
    state.email_changed("", "caisse@epicerie.test")
    assert state.draft.smtp.from_address == "caisse@epicerie.test"
    assert state.draft.smtp.username == "caisse@epicerie.test"
    state.assign("smtp.username", "typed-by-hand")
    state.assign("company.email", "ventes@epicerie.test")
    state.email_changed("caisse@epicerie.test", "ventes@epicerie.test")
    assert state.draft.smtp.from_address == "ventes@epicerie.test"
    assert state.draft.smtp.username == "typed-by-hand"


def test_the_mx_guess_never_overrides_a_persons_choice() -> None:
    state = new_state()
    state.assign("company.email", "caisse@gmail.com")
    assert state.lookup_domain() == "gmail.com" and state.mx_running
    assert state.lookup_domain() is None  # the same domain: not again
    state.lookup_done("gmail.com", None, None)  # no answer: the domain says enough
    assert not state.mx_running
    assert state.draft.provider != "custom" and state.draft.smtp.host == "smtp.gmail.com"
    assert state.choose_provider("custom", by_user=True)
    assert not state.choose_provider("custom", by_user=True)  # nothing changed
    state.mx_domain = ""
    state.lookup_domain()
    state.lookup_done("gmail.com", None, None)
    assert state.draft.provider == "custom"


def test_presets_fill_only_the_fields_nobody_typed_over() -> None:
    state = new_state()
    state.assign("company.email", "caisse@epicerie.test")
    state.choose_provider("custom", by_user=False)
    state.assign("smtp.host", "mail.typed.test")
    state.apply_preset("smtp.other.test", 465, "implicit_tls", force=False)
    assert state.draft.smtp.host == "mail.typed.test"
    assert (state.draft.smtp.port, state.draft.smtp.security) == (465, "implicit_tls")
    state.apply_preset("smtp.other.test", 587, "starttls", force=True)
    assert state.draft.smtp.host == "smtp.other.test"


def test_what_save_will_write_follows_the_way_of_signing_in() -> None:
    state = new_state()
    state.store = StorePreview("file", {"fr": "fichier", "en": "file"})
    state.password = PASSWORD
    plan = state.save_plan("fr")
    assert plan.config.language == "fr" and plan.backend == "file"
    assert plan.writes_password and not plan.writes_sign_in
    assert state.draft.language is None  # the draft itself is not touched
    state.assign("smtp.auth", "none")
    assert not state.save_plan("fr").writes_password  # a relay: no password to keep
    state.assign("smtp.auth", "oauth2")
    assert not state.save_plan("fr").writes_sign_in  # nobody signed in yet
    state.signed_in(SignInResult(username="caisse@contoso.test", tenant="contoso.test",
                                 client_id="11111111-2222-3333-4444-555555555555"), "cache")
    assert state.sign_in_state() == "new" and state.signed_in_account() == "caisse@contoso.test"
    assert state.draft.smtp.username == "caisse@contoso.test"
    plan = state.save_plan("en")
    assert plan.token_cache == "cache" and plan.password is None
    state.assign("oauth.tenant", "other.test")  # a sign-in for another tenant does not count
    assert state.sign_in_state() == "none" and not state.save_plan("en").writes_sign_in


def test_save_writes_the_secret_to_the_store_and_never_to_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    state = new_state()
    state.store = probe_store(path, "file", saved=False)
    assert state.store.kind == "file" and not state.has_secret
    assert "config.secrets" in state.secret_where("en")
    for dotted, value in (("company.email", "caisse@epicerie.test"),
                          ("smtp.host", "smtp.epicerie.test")):
        state.assign(dotted, value)
    state.password = PASSWORD
    plan = state.save_plan("en")
    written, changed = write_plan(plan, path)
    state.saved_as(plan, written, changed=changed)
    assert changed and state.save_changed
    assert written.secret_backend == "file" and load_config(path) == written
    assert PASSWORD not in path.read_text()
    assert open_secret_store(path, "file").get(SMTP_PASSWORD) == PASSWORD
    assert not state.dirty and state.saved and state.just_saved and state.has_secret
    assert state.password is None  # no longer held once written
    assert state.visited == set(STEPS)
    assert probe_store(path, "file", saved=True).has_secret


def test_a_save_that_changes_nothing_writes_nothing_and_says_so(tmp_path: Path) -> None:
    """The same settings and the same password again: neither file is written."""
    path = tmp_path / "config.toml"
    state = WizardState(Config(), saved=False)
    state.store = probe_store(path, "file", saved=False)
    state.assign("company.email", "caisse@epicerie.test")
    state.password = PASSWORD
    plan = state.save_plan("en")
    assert write_plan(plan, path)[1] is True
    stamps = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(tmp_path.iterdir())]
    written, changed = write_plan(plan, path)
    assert changed is False
    assert [(p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(tmp_path.iterdir())] == stamps
    state.saved_as(plan, written, changed=changed)
    assert state.save_changed is False
    state.assign("company.name", "Épicerie")
    assert write_plan(state.save_plan("en"), path)[1] is True


def test_a_sign_in_saved_counts_while_tenant_and_application_stay(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    saved: list[Config] = []
    state = WizardState(Config(), saved=False, saved_config=lambda: saved[0] if saved else None)
    state.store = probe_store(path, "file", saved=False)
    state.assign("smtp.auth", "oauth2")
    state.signed_in(SignInResult(username="caisse@contoso.test", tenant="contoso.test",
                                 client_id="11111111-2222-3333-4444-555555555555"), "cache")
    plan = state.save_plan("en")
    written, changed = write_plan(plan, path)
    state.saved_as(plan, written, changed=changed)
    assert changed
    saved.append(written)
    assert open_secret_store(path, "file").get(OAUTH_TOKEN_CACHE) == "cache"
    assert state.oauth_cache is None and state.sign_in_state() == "saved"
    assert state.signed_in_account() == "caisse@contoso.test"
    state.assign("oauth.client_id", "99999999-2222-3333-4444-555555555555")
    assert state.sign_in_state() == "none"


def test_settings_saved_elsewhere_are_followed_unless_something_is_typed() -> None:
    state = WizardState(Config(), saved=True)
    fixed = Config().model_copy(deep=True)
    fixed.smtp.port = 465
    assert state.follow(fixed) and state.draft.smtp.port == 465 and not state.dirty
    state.assign("company.name", "typed")
    other = fixed.model_copy(deep=True)
    other.smtp.port = 2525
    assert not state.follow(other) and state.draft.smtp.port == 465


def test_a_plan_is_a_value() -> None:
    plan = SavePlan(Config(), "file", PASSWORD)
    assert plan.writes_password and not plan.writes_sign_in


def test_the_wizard_state_imports_no_textual() -> None:
    code = ("import sys, comelin_tui.wizard_state\n"
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def _published(host: str, port: int, security: str,
               username_template: str | None = None) -> object:
    """What discovery returns when the domain's autoconfig file gives a server."""
    from comelin_tui.discovery import DiscoveryResult, MxResult

    result = DiscoveryResult("boutique.test", "boutique.test",
                             MxResult("boutique.test", "ok", ("mx.boutique.test",),
                                      ((10, "mx.boutique.test"),)))
    result.host, result.port, result.security = host, port, security
    result.source, result.confidence = "autoconfig", "high"
    result.username_template = username_template
    return result


def test_a_published_server_fills_what_nobody_typed_and_keeps_what_someone_did() -> None:
    state = new_state()
    state.assign("company.email", "caisse@boutique.test")
    state.email_changed("", "caisse@boutique.test")
    assert state.lookup_domain() == "boutique.test"
    state.assign("smtp.port", 2525)  # typed while the lookup ran
    state.lookup_done("boutique.test", _published("smtp.hebergeur.test", 465, "implicit_tls",
                                                  "local_part"), None)
    assert state.draft.smtp.host == "smtp.hebergeur.test"
    assert state.draft.smtp.port == 2525  # a person's value stays
    assert state.draft.smtp.username == "caisse"  # the file's %EMAILLOCALPART%
    # The local part corrected afterwards (same domain: no new lookup): the login follows.
    state.assign("company.email", "caise@boutique.test")
    state.email_changed("caisse@boutique.test", "caise@boutique.test")
    assert state.draft.smtp.username == "caise"


def test_a_plaintext_only_server_from_the_network_is_never_applied() -> None:
    state = new_state()
    state.assign("company.email", "caisse@boutique.test")
    state.lookup_domain()
    state.lookup_done("boutique.test", _published("mail.boutique.test", 25, "none"), None)
    assert state.draft.smtp.security != "none"
    assert state.draft.smtp.host != "mail.boutique.test" or state.draft.smtp.port != 25
