"""The provider catalogue: complete bilingual data, valid presets, detection, search."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import FrozenInstanceError
from urllib.parse import urlparse

import pytest

from comelin_tui.i18n import LocalText
from comelin_tui.providers import (
    AUTH_KINDS,
    CUSTOM_ID,
    HINT_FIELDS,
    PASSWORD_KINDS,
    SECURITIES,
    USERNAME_TEMPLATES,
    Provider,
    ServerPreset,
    detect_by_domain,
    detect_by_mx,
    email_domain,
    expand_host,
    get_provider,
    host_matches,
    providers,
    search_providers,
    username_for,
)

# The diagnosis codes of the diagnostics contract (design note diagnosis-codes.md).
CONTRACT_CODES = {
    "config.invalid", "dns.not_found", "dns.unavailable", "connect.refused",
    "connect.timeout", "connect.unreachable", "tls.wrong_mode", "tls.untrusted",
    "tls.hostname_mismatch", "tls.expired", "tls.protocol", "tls.starttls_unavailable",
    "smtp.banner_timeout", "smtp.service_unavailable", "smtp.protocol_error",
    "smtp.disconnected", "auth.unavailable", "auth.insecure_refused",
    "auth.invalid_credentials", "auth.app_password_required", "auth.smtp_auth_disabled",
    "auth.basic_auth_retired", "auth.mechanism_unsupported", "auth.oauth_failed",
    "auth.rate_limited", "sender.not_authenticated", "sender.send_as_denied",
    "sender.rejected", "recipient.rejected", "relay.denied", "message.too_large",
    "quota.exceeded", "rate.limited", "mailbox.full", "unknown",
}

ALL = providers()
IDS = [provider.id for provider in ALL]


def _synthetic(**changes: object) -> Provider:
    """A minimal provider for behaviour the real catalogue does not exercise."""
    fields: dict[str, object] = {
        "id": "test",
        "name": LocalText(fr="Épicerie du coin", en="Corner grocery"),
        "presets": (ServerPreset("smtp.example.com", 587, "starttls"),),
        "username_template": "email",
        "auth_kinds": ("password",),
        "hints": {},
        "checklist": (),
        "sent_copies": LocalText(fr="Aucune", en="None"),
        "password_kind": "account_password",
    }
    fields.update(changes)
    return Provider(**fields)  # type: ignore[arg-type]


# --- the catalogue as a whole ------------------------------------------------


def test_catalogue_has_google_and_microsoft_and_at_least_eight_more() -> None:
    for provider_id in ("google-workspace", "microsoft365"):
        provider = get_provider(provider_id)
        assert provider.id == provider_id
        assert set(provider.hints) == set(HINT_FIELDS)
        for text in provider.hints.values():
            assert text["fr"].strip() and text["en"].strip()
        assert len(provider.checklist) >= 3
    others = [p for p in ALL if p.id not in ("google-workspace", "microsoft365", CUSTOM_ID)]
    assert len(others) >= 8


def test_ids_are_unique_slugs_and_custom_is_last() -> None:
    assert len(IDS) == len(set(IDS))
    for provider_id in IDS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", provider_id), provider_id
    assert ALL[-1].id == CUSTOM_ID == "custom"


@pytest.mark.parametrize("provider", ALL, ids=IDS)
def test_every_text_has_french_and_english(provider: Provider) -> None:
    texts = list(provider.local_texts())
    assert texts
    for text in texts:
        assert isinstance(text, LocalText)
        assert set(text) == {"fr", "en"}
        assert text["fr"].strip(), f"{provider.id}: empty French in {text!r}"
        assert text["en"].strip(), f"{provider.id}: empty English in {text!r}"
        # A French sentence copied from the English one is a missing translation
        # (brand names, like "Google Workspace / Gmail", are the same in both).
        if text is not provider.name and len(text["en"].split()) > 3:
            assert text["fr"] != text["en"], f"{provider.id}: untranslated {text['en']!r}"


@pytest.mark.parametrize("provider", ALL, ids=IDS)
def test_every_provider_has_hints_for_every_field_and_a_checklist(provider: Provider) -> None:
    assert set(provider.hints) == set(HINT_FIELDS)
    assert provider.checklist
    assert provider.sent_copies["fr"] and provider.sent_copies["en"]
    for lang in ("fr", "en"):
        assert provider.hint("host", lang) == provider.hints["host"][lang]
    assert provider.hint("no-such-field") == ""


@pytest.mark.parametrize("provider", ALL, ids=IDS)
def test_presets_are_valid(provider: Provider) -> None:
    assert provider.presets
    assert provider.default_preset is provider.presets[0]
    for preset in provider.presets:
        assert 1 <= preset.port <= 65535
        assert preset.security in SECURITIES
        # Never offer an unencrypted connection as a preset.
        assert preset.security != "none"
        assert preset.host and not re.search(r"\s", preset.host)
        leftover = preset.host.replace("{domain_dashed}", "").replace("{domain}", "")
        assert "{" not in leftover and "}" not in leftover, preset.host
        assert leftover == leftover.lower()
        # The classic mix-ups the wizard warns about must not be in our own data.
        assert not (preset.port == 465 and preset.security == "starttls")
        assert not (preset.port == 587 and preset.security == "implicit_tls")
    assert len(set(provider.presets)) == len(provider.presets), "duplicate preset"


@pytest.mark.parametrize("provider", ALL, ids=IDS)
def test_auth_username_and_password_kinds_are_consistent(provider: Provider) -> None:
    assert provider.auth_kinds and set(provider.auth_kinds) <= set(AUTH_KINDS)
    assert len(set(provider.auth_kinds)) == len(provider.auth_kinds)
    assert provider.default_auth == provider.auth_kinds[0]
    assert provider.password_kind in PASSWORD_KINDS
    assert provider.username_template in USERNAME_TEMPLATES
    if provider.password_kind == "none":
        assert "password" not in provider.auth_kinds
    if "password" in provider.auth_kinds:
        assert provider.password_kind != "none"
    if provider.username_template != "custom":
        assert provider.username_value == ""


@pytest.mark.parametrize("provider", ALL, ids=IDS)
def test_links_are_https(provider: Provider) -> None:
    for label, url in provider.links:
        parsed = urlparse(url)
        assert parsed.scheme == "https" and parsed.netloc, url
        assert label["fr"] and label["en"]


@pytest.mark.parametrize("provider", ALL, ids=IDS)
def test_diagnosis_hints_use_contract_codes(provider: Provider) -> None:
    assert set(provider.diagnosis_hints) <= CONTRACT_CODES
    for code in provider.diagnosis_hints:
        assert provider.diagnosis_hint(code, "fr")
        assert provider.diagnosis_hint(code, "en")
    assert provider.diagnosis_hint("unknown.code") is None


def test_diagnosis_hints_match_the_classifier_when_it_exists() -> None:
    try:
        from comelin_tui.diagnostics.classifier import DIAGNOSIS_CODES
    except ImportError:
        pytest.skip("classifier not built yet")
    for provider in ALL:
        assert set(provider.diagnosis_hints) <= set(DIAGNOSIS_CODES), provider.id


def test_mx_patterns_are_clean_and_claimed_once() -> None:
    seen: dict[str, str] = {}
    for provider in ALL:
        for pattern in provider.mx_patterns:
            assert pattern == pattern.strip().lower().strip(".")
            assert "." in pattern
            assert pattern not in seen, f"{pattern} in {seen.get(pattern)} and {provider.id}"
            seen[pattern] = provider.id


def test_related_providers_exist_and_point_back() -> None:
    for provider in ALL:
        for other_id in provider.related:
            other = get_provider(other_id)
            assert other.id == other_id != provider.id
            assert provider.id in other.related
    assert get_provider("microsoft365").related == ("microsoft365-relay",)


def test_catalogue_is_read_only() -> None:
    google = get_provider("google-workspace")
    with pytest.raises(FrozenInstanceError):
        google.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        google.hints["password"] = LocalText(fr="x", en="x")  # type: ignore[index]
    with pytest.raises(TypeError):
        google.diagnosis_hints["unknown"] = LocalText(fr="x", en="x")  # type: ignore[index]
    # Presets can live in sets and dict keys (the wizard's choice lists).
    assert len({preset for p in ALL for preset in p.presets}) > len(ALL)


# --- what the brief requires of specific providers ---------------------------


def test_google_workspace_facts() -> None:
    google = get_provider("google-workspace")
    assert (google.default_preset.host, google.default_preset.port,
            google.default_preset.security) == ("smtp.gmail.com", 587, "starttls")
    assert ("smtp.gmail.com", 465, "implicit_tls") in {
        (p.host, p.port, p.security) for p in google.presets
    }
    assert google.password_kind == "app_password"
    assert google.strip_spaces_in_password is True
    assert google.hint("password", "fr") == (
        "Mot de passe d'application de 16 caractères (les espaces sont retirés)"
    )
    checklist = " ".join(item["en"] for item in google.checklist)
    assert "2-Step Verification" in checklist and "apppasswords" in checklist
    assert "myaccount.google.com/apppasswords" in google.diagnosis_hints[
        "auth.app_password_required"]["en"]
    assert "2,000" in google.diagnosis_hints["quota.exceeded"]["en"]
    assert "Sent" in google.sent_copies["en"]


def test_microsoft_365_facts() -> None:
    microsoft = get_provider("microsoft365")
    assert microsoft.presets == (ServerPreset("smtp.office365.com", 587, "starttls"),)
    assert microsoft.auth_kinds == ("oauth2", "password")  # the recommended way first
    assert microsoft.hint("host", "fr") == "Microsoft 365\u00a0: smtp.office365.com"
    assert microsoft.hint("port", "fr") == "587 = STARTTLS; 465 n'est pas pris en charge"
    checklist = " ".join(item["en"] for item in microsoft.checklist)
    for fact in ("Manage email apps", "Security defaults", "December 2026",
                 "Sign in with Microsoft"):
        assert fact in checklist
    hints = microsoft.diagnosis_hints
    assert "Manage email apps" in hints["auth.smtp_auth_disabled"]["en"]
    assert "OAuth" in hints["auth.basic_auth_retired"]["en"]
    assert "UPN" in hints["auth.invalid_credentials"]["en"]
    assert "Send As" in hints["sender.send_as_denied"]["en"]
    assert "10,000" in hints["quota.exceeded"]["en"] and "30" in hints["quota.exceeded"]["en"]
    assert "Sent Items" in microsoft.sent_copies["en"]


def test_relays_and_outlook_com_facts() -> None:
    relay = get_provider("microsoft365-relay")
    assert relay.auth_kinds == ("none",) and relay.password_kind == "none"
    preset = relay.default_preset
    assert (preset.port, preset.security, preset.is_template) == (25, "starttls", True)
    assert "public IP" in relay.diagnosis_hints["relay.denied"]["en"]

    google_relay = get_provider("google-smtp-relay")
    assert (google_relay.default_preset.host, google_relay.default_preset.port,
            google_relay.default_preset.security) == ("smtp-relay.gmail.com", 587, "starttls")
    assert google_relay.auth_kinds == ("none", "password")
    assert "IP" in google_relay.diagnosis_hints["relay.denied"]["en"]

    outlook = get_provider("outlook-com")
    assert (outlook.default_preset.host, outlook.default_preset.port,
            outlook.default_preset.security) == ("smtp-mail.outlook.com", 587, "starttls")


def test_canadian_providers_facts() -> None:
    """Bell, OVHcloud (Europe and Canada) and GoDaddy Workspace Email."""
    def default(provider_id: str) -> tuple[str, int, str]:
        preset = get_provider(provider_id).default_preset
        return preset.host, preset.port, preset.security

    assert default("bell") == ("smtphm.sympatico.ca", 587, "starttls")
    assert default("ovh-ca") == ("smtp.mail.ovh.ca", 465, "implicit_tls")
    assert default("ovh") == ("ssl0.ovh.net", 465, "implicit_tls")
    assert default("godaddy-workspace-email") == (
        "smtpout.secureserver.net", 465, "implicit_tls")

    bell = get_provider("bell")
    assert bell.domains == ("bell.net", "sympatico.ca")
    assert detect_by_domain("ventes@sympatico.ca") is bell

    ovh_ca = get_provider("ovh-ca")
    assert ovh_ca.mx_patterns == ("mail.ovh.ca",)
    assert detect_by_mx(["mx0.mail.ovh.ca."]).provider is ovh_ca  # type: ignore[union-attr]
    assert detect_by_mx(["mx1.mail.ovh.net"]).provider.id == "ovh"  # type: ignore[union-attr]
    assert "smtp.mail.ovh.ca" in " ".join(item["en"] for item in get_provider("ovh").checklist)

    godaddy = get_provider("godaddy-workspace-email")
    assert godaddy.domains == ()  # a host of the store's own domain, not a public one
    assert detect_by_mx(  # type: ignore[union-attr]
        ["mailstore1.secureserver.net"]).provider is godaddy
    assert "Microsoft 365" in " ".join(item["en"] for item in godaddy.checklist)
    # Microsoft 365 sold by GoDaddy has Microsoft's MX: it is detected as Microsoft 365.
    assert detect_by_mx(  # type: ignore[union-attr]
        ["boutique-ca.mail.protection.outlook.com"]).provider.id == "microsoft365"
    assert {p.id for p in search_providers("godaddy")} == {
        "microsoft365", "godaddy-workspace-email"}
    assert [p.id for p in search_providers("ovh canada")] == ["ovh-ca"]

    # Internet providers whose sending servers could not be confirmed are not guessed.
    for address in ("a@videotron.ca", "a@telus.net", "a@rogers.com", "a@shaw.ca",
                    "a@cogeco.ca"):
        assert detect_by_domain(address) is None, address


def test_sending_services_have_their_usernames() -> None:
    assert username_for(get_provider("sendgrid"), "ventes@boutique.ca") == "apikey"
    # Copied from the dashboard: nothing sensible to guess.
    assert username_for(get_provider("amazon-ses"), "ventes@boutique.ca") == ""
    assert get_provider("sendgrid").password_kind == "api_key"


# --- functions ---------------------------------------------------------------


def test_get_provider_falls_back_to_custom() -> None:
    assert get_provider("no-such-provider").id == CUSTOM_ID
    assert get_provider(None).id == CUSTOM_ID
    assert get_provider("").id == CUSTOM_ID
    assert get_provider(" Microsoft365 ").id == "microsoft365"
    for provider in ALL:
        assert get_provider(provider.id) is provider


@pytest.mark.parametrize(("host", "expected"), [
    ("aspmx.l.google.com", "google-workspace"),
    ("ALT1.ASPMX.L.GOOGLE.COM.", "google-workspace"),
    ("smtp.google.com", "google-workspace"),
    ("aspmx2.googlemail.com", "google-workspace"),
    ("contoso-com.mail.protection.outlook.com", "microsoft365"),
    ("contoso-com.o-v1.mx.microsoft", "microsoft365"),
    ("outlook-com.olc.protection.outlook.com", "outlook-com"),
    ("mx.zoho.com", "zoho"),
    ("mx2.zohomail.com", "zoho"),
    ("mta5.am0.yahoodns.net", "yahoo"),
    ("mx01.mail.icloud.com", "icloud"),
    ("in1-smtp.messagingengine.com", "fastmail"),
    ("mail.protonmail.ch", "proton"),
    ("mx1.mail.ovh.net", "ovh"),
    ("mx00.ionos.com", "ionos"),
    ("mx1.privateemail.com", "namecheap-private-email"),
    ("mx2.mail.ovh.ca", "ovh-ca"),
    ("mailstore1.secureserver.net", "godaddy-workspace-email"),
])
def test_detect_by_mx_positives(host: str, expected: str) -> None:
    detection = detect_by_mx([host])
    assert detection is not None
    assert detection.provider.id == expected
    assert detection.mx_host == host.lower().rstrip(".")
    assert host_matches(detection.mx_host, detection.pattern)


@pytest.mark.parametrize("host", [
    "evilgoogle.com",
    "aspmx.l.evilgoogle.com",
    "google.com.attacker.net",
    "mail.protection.outlook.com.example.net",
    "notmail.protection.outlook.com",
    "mx.example.com",
    "zoho.co",
    "",
    ".",
])
def test_detect_by_mx_negatives(host: str) -> None:
    assert detect_by_mx([host]) is None


def test_detect_by_mx_uses_the_first_matching_host() -> None:
    detection = detect_by_mx(
        ["mx.unknown.example", "contoso-com.mail.protection.outlook.com", "aspmx.l.google.com"]
    )
    assert detection is not None
    assert detection.provider.id == "microsoft365"
    assert detection.mx_host == "contoso-com.mail.protection.outlook.com"
    assert detection.pattern == "mail.protection.outlook.com"
    assert detect_by_mx([]) is None
    assert detect_by_mx(iter(["aspmx.l.google.com"])).provider.id == "google-workspace"


def test_mx_detection_reason_in_both_languages() -> None:
    detection = detect_by_mx(["aspmx.l.google.com"])
    assert detection is not None
    assert detection.reason("en") == (
        "The domain's MX points to Google Workspace / Gmail (aspmx.l.google.com)"
    )
    assert detection.reason("fr").startswith("Le MX du domaine pointe vers Google")


@pytest.mark.parametrize("provider", [p for p in ALL if p.mx_patterns], ids=lambda p: p.id)
def test_every_mx_pattern_detects_its_own_provider(provider: Provider) -> None:
    # No provider earlier in the catalogue shadows another's pattern.
    for pattern in provider.mx_patterns:
        detection = detect_by_mx([f"mx1.{pattern}"])
        assert detection is not None and detection.provider is provider, pattern


def test_host_matches_whole_labels_only() -> None:
    assert host_matches("google.com", "google.com")
    assert host_matches("a.b.google.com.", "GOOGLE.COM")
    assert not host_matches("evilgoogle.com", "google.com")
    assert not host_matches("google.com", "")
    assert not host_matches("", "google.com")


def test_detect_by_domain() -> None:
    assert detect_by_domain("ventes@gmail.com").id == "google-workspace"  # type: ignore[union-attr]
    assert detect_by_domain("Ventes@Bell.NET").id == "bell"  # type: ignore[union-attr]
    assert detect_by_domain("hotmail.ca").id == "outlook-com"  # type: ignore[union-attr]
    assert detect_by_domain("ventes@boutique.ca") is None
    assert detect_by_domain("") is None


def test_username_templates() -> None:
    google = get_provider("google-workspace")
    assert username_for(google, " Ventes@Boutique.ca ") == "Ventes@Boutique.ca"
    local = _synthetic(username_template="local_part")
    assert username_for(local, "ventes@boutique.ca") == "ventes"
    assert username_for(local, "ventes") == "ventes"
    fixed = _synthetic(username_template="custom", username_value="apikey")
    assert username_for(fixed, "ventes@boutique.ca") == "apikey"


def test_expand_host_for_the_microsoft_relay() -> None:
    preset = get_provider("microsoft365-relay").default_preset
    assert expand_host(preset, "contoso.com") == "contoso-com.mail.protection.outlook.com"
    assert expand_host(preset, "ventes@Boutique.qc.ca") == (
        "boutique-qc-ca.mail.protection.outlook.com"
    )
    # The domain's real MX host wins: new tenants are under mx.microsoft.
    assert expand_host(preset, "contoso.com", ["Contoso-com.o-v1.mx.microsoft."]) == (
        "contoso-com.o-v1.mx.microsoft"
    )
    assert expand_host(preset, "contoso.com", ["aspmx.l.google.com"]) == (
        "contoso-com.mail.protection.outlook.com"
    )
    assert expand_host(preset, "") == ""


def test_expand_host_for_custom_guesses_and_fixed_hosts() -> None:
    custom = get_provider(CUSTOM_ID)
    hosts = [expand_host(preset, "ventes@boutique.ca") for preset in custom.presets]
    assert hosts[:2] == ["smtp.boutique.ca", "mail.boutique.ca"]
    assert expand_host(custom.default_preset, "Épicerie.ca") == "smtp.xn--picerie-9xa.ca"
    assert expand_host(custom.default_preset, "  ") == ""
    fixed = get_provider("google-workspace").default_preset
    assert not fixed.is_template
    assert expand_host(fixed, "boutique.ca") == "smtp.gmail.com"
    assert expand_host(fixed, "") == "smtp.gmail.com"


def test_email_domain() -> None:
    assert email_domain("Ventes@Boutique.CA.") == "boutique.ca"
    assert email_domain("boutique.ca") == "boutique.ca"
    assert email_domain("ventes@") == ""


def test_search_is_case_and_accent_insensitive() -> None:
    grocer = _synthetic()
    assert search_providers("epicerie", [grocer]) == (grocer,)
    assert search_providers("ÉPICERIE", [grocer]) == (grocer,)
    assert search_providers("corner", [grocer]) == (grocer,)
    assert search_providers("boulangerie", [grocer]) == ()

    micro = [p.id for p in search_providers("micro")]
    assert "microsoft365" in micro and "microsoft365-relay" in micro
    assert search_providers("GMAIL")[0].id == "google-workspace"
    assert [p.id for p in search_providers("personnalise")] == [CUSTOM_ID]
    assert "microsoft365" in [p.id for p in search_providers("office365")]
    assert [p.id for p in search_providers("outlook.com")] == ["outlook-com"]
    assert "microsoft365-relay" in [p.id for p in search_providers("microsoft relay")]
    assert search_providers("") == ALL
    assert search_providers("zzz-nothing") == ()


def test_importing_the_catalogue_stays_light() -> None:
    code = (
        "import sys\n"
        "import comelin_tui.providers as p\n"
        "assert p.providers()\n"
        "print('\\n'.join(sys.modules))\n"
    )
    modules = set(subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
    ).stdout.split())
    assert "comelin_tui.providers" in modules
    for heavy in ("pydantic", "textual", "keyring", "dns", "aiosmtplib"):
        assert heavy not in modules, heavy


# -- family: whose servers these are (read by the diagnosis) ----------------------------------

def test_every_provider_states_its_family() -> None:
    from comelin_tui.providers.model import PROVIDER_FAMILIES

    families = {provider.id: provider.family for provider in ALL}
    assert set(families.values()) <= {None, *PROVIDER_FAMILIES}
    assert {pid for pid, family in families.items() if family == "google"} == {
        "google-workspace", "google-smtp-relay"}
    assert {pid for pid, family in families.items() if family == "microsoft"} == {
        "microsoft365", "microsoft365-relay", "outlook-com"}


def test_the_diagnosis_reads_the_family_from_the_catalogue() -> None:
    from comelin_tui.diagnostics.reply_rules import family_of_provider

    for provider in ALL:
        assert family_of_provider(provider.id) == provider.family, provider.id
    assert family_of_provider(" Microsoft365 ") == "microsoft"  # as get_provider reads ids
    # Not catalogue ids: like everywhere else they count as "custom", whatever their words.
    for unknown in ("google", "gmail", "office365", "m365", "", None):
        assert family_of_provider(unknown) is None, unknown


def test_an_unknown_id_still_gets_the_family_its_reply_reveals() -> None:
    from comelin_tui.diagnostics.classifier import Evidence, classify

    found = classify(Evidence("auth", code=535, provider_id="gmail", message=(
        "535-5.7.8 Username and Password not accepted.\n"
        "535 5.7.8 https://support.google.com/mail/?p=BadCredentials gsmtp")), "en")
    assert found.code == "auth.invalid_credentials" and "app password" in found.hint


def test_the_reply_rules_do_not_import_the_catalogue() -> None:
    code = (
        "import sys\n"
        "from comelin_tui.diagnostics.reply_rules import family_of_provider\n"
        "assert 'comelin_tui.providers' not in sys.modules\n"
        "assert family_of_provider('outlook-com') == 'microsoft'\n"
        "assert 'comelin_tui.providers' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


_MODE_WORDS = {"en": {"STARTTLS": "starttls", "implicit SSL/TLS": "implicit_tls"},
               "fr": {"STARTTLS": "starttls", "SSL/TLS implicite": "implicit_tls"}}


def _pairs(text: str, lang: str, port_first: bool) -> set[tuple[int, str]]:
    modes = "|".join(re.escape(word) for word in _MODE_WORDS[lang])
    on = "on" if lang == "en" else "sur"
    pattern = (rf"(\d+) = ({modes})" if port_first else rf"({modes}) {on} (\d+)")
    found = set()
    for match in re.finditer(pattern, text):
        port, mode = match.groups() if port_first else reversed(match.groups())
        found.add((int(port), _MODE_WORDS[lang][mode]))
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_port_hint_and_the_security_hint_name_the_same_port_and_encryption(
        lang: str) -> None:
    """Microsoft 365's port hint said "465 is not supported" while the security hint under
    it said "implicit SSL/TLS on 465": each provider's two hints name the same pairs, and
    only pairs its presets offer."""
    for provider in providers():
        port_pairs = _pairs(provider.hint("port", lang), lang, port_first=True)
        security_pairs = _pairs(provider.hint("security", lang), lang, port_first=False)
        assert port_pairs, (provider.id, provider.hint("port", lang))
        assert port_pairs == security_pairs, (provider.id, provider.hint("port", lang),
                                              provider.hint("security", lang))
        offered = {(preset.port, preset.security) for preset in provider.presets}
        assert port_pairs <= offered, (provider.id, port_pairs, offered)
