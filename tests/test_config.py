"""Settings: validation (fr/en), warnings, TOML persistence (atomic, 0600, backups)."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from comelin_tui import config as cfg
from comelin_tui.config import (
    CONFIG_VERSION,
    MIGRATIONS,
    CompanySettings,
    Config,
    ConfigError,
    ConfigNotFound,
    ConfigTooNew,
    FieldError,
    OAuthSettings,
    SmtpSettings,
    backup_path,
    config_from_dict,
    config_warnings,
    email_to_ascii,
    field_label,
    host_to_ascii,
    load_config,
    migrate,
    missing_fields,
    parse_dns_server,
    save_config,
    to_toml,
    validate_dns_server,
    validate_email,
    validate_fingerprint,
    validate_host,
    validate_port,
    validate_timeout,
    with_changes,
)
from comelin_tui.i18n import catalogue, placeholders

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
FINGERPRINT = ":".join(["AB", "0C"] * 16)


def full_config(**smtp: object) -> Config:
    """Every field set to something other than its default."""
    values: dict[str, object] = {
        "host": "smtp.épicerie.ca", "port": 465, "security": "implicit_tls",
        "auth": "password", "username": "caisse@épicerie.ca",
        "from_address": "caisse@épicerie.ca", "reply_to": "info@épicerie.ca",
        "timeout": 7.5, "ca_file": Path("/etc/ssl/private-ca.pem"),
        "pinned_fingerprint": FINGERPRINT, "allow_insecure_auth": True,
    }
    values.update(smtp)
    return Config(
        language="fr", provider="m365", secret_backend="file", dns_server="192.0.2.53:5353",
        company=CompanySettings(name="Épicerie Chez Léa", email="info@épicerie.ca"),
        smtp=SmtpSettings(**values),
        oauth=OAuthSettings(tenant="contoso.onmicrosoft.com", client_id="abc-123",
                            account="caisse@épicerie.ca"),
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "a" / "b" / "config.toml"


# --- persistence -----------------------------------------------------------------------


def test_round_trip_creates_folder_and_keeps_every_field(path: Path) -> None:
    config = full_config()
    save_config(config, path)
    assert load_config(path) == config
    assert path.parent.is_dir()


def test_defaults_round_trip_and_none_values_are_omitted(path: Path) -> None:
    save_config(Config(), path)
    text = path.read_text(encoding="utf-8")
    assert "reply_to" not in text and "language" not in text and "dns_server" not in text
    assert f"version = {CONFIG_VERSION}" in text
    assert load_config(path) == Config()


@posix_only
def test_file_is_0600_and_new_folder_0700(path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        save_config(full_config(), path)
        save_config(Config(), path)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup_path(path).stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@posix_only
def test_existing_folder_mode_is_left_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    save_config(Config(), tmp_path / "config.toml")
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_bak_holds_the_previous_version(path: Path) -> None:
    first, second = full_config(), full_config(port=587, security="starttls")
    save_config(first, path)
    assert not backup_path(path).exists()
    save_config(second, path)
    assert load_config(backup_path(path)) == first
    assert load_config(path) == second
    # Saving the same settings again changes nothing: .bak still holds the real previous one.
    save_config(second, path)
    assert load_config(backup_path(path)) == first


def test_missing_file_is_config_not_found(path: Path) -> None:
    with pytest.raises(ConfigNotFound) as caught:
        load_config(path)
    assert str(path) in caught.value.message("en") and str(path) in caught.value.message("fr")
    assert caught.value.path == path


def test_corrupt_file_error_names_file_line_and_problem(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('version = 1\n[smtp]\nport = 587\nhost = smtp.gmail.com\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.line == 4 and error.path == path
    english, french = error.message("en"), error.message("fr")
    assert str(path) in english and "line 4" in english and "quotes" in english
    assert str(path) in french and "ligne 4" in french and "guillemets" in french


@pytest.mark.parametrize(("content", "line"), [
    (b'version = 1\n\n[smtp\nhost = "x"\n', 3),
    (b'version = 1\nname = "unterminated\n', 2),
    (b'[smtp]\nport = 1\nport = 2\n', 3),
    (b'[smtp]\n[smtp]\n', 2),
    (b'version = 1\n[company]\nname = "caf\xe9"\n', 3),  # Latin-1, not UTF-8
    (b'[smtp]\nhost = "a" "b"\n', 2),
    (b"a = [1,\n2,\n", 2),  # end of file: the last line with text
])
def test_syntax_errors_give_the_line(path: Path, content: bytes, line: int) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == line
    assert f"line {line}" in caught.value.message("en")
    assert f"ligne {line}" in caught.value.message("fr")


def test_invalid_values_and_unknown_keys_name_field_and_line(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(
        "version = 1\n"
        "[company]\n"
        'email = "caisse@@epicerie.ca"\n'
        "[smtp]\n"
        "prot = 587\n"
        "port = 99999\n"
        'security = "ssl"\n'
        "timeout = true\n"
        "allow_insecure_auth = \"yes\"\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    fields = [problem.field for problem in error.problems]
    assert fields == ["company.email", "smtp.prot", "smtp.port", "smtp.security",
                      "smtp.timeout", "smtp.allow_insecure_auth"]
    assert [problem.line for problem in error.problems] == [3, 5, 6, 7, 8, 9]
    assert error.line == 3 and error.field == "company.email"
    english = error.message("en")
    assert "line 5, smtp.prot: unknown setting; did you mean “port”?" in english
    assert "line 6, smtp.port: the port must be between 1 and 65535" in english
    assert "starttls, implicit_tls, none" in english
    french = error.message("fr")
    assert "ligne 5, smtp.prot\u00a0: réglage inconnu; vouliez-vous dire «\u00a0port\u00a0»?" in french
    assert "ValidationError" not in english and "pydantic" not in english


def test_unknown_section_and_non_table_section(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('smtp = 5\n[smpt]\nhost = "x"\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    messages = {p.field: (p.line, p.error.message("en")) for p in caught.value.problems}
    assert messages["smtp"] == (1, "must be a section (e.g. [smtp] followed by its settings)")
    assert messages["smpt"][0] == 2 and "did you mean “smtp”" in messages["smpt"][1]


def test_unknown_key_without_close_match_lists_allowed(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('[oauth]\n"weird key" = 1\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problem = caught.value.problems[0]
    assert problem.field == "oauth.weird key" and problem.line == 2
    assert "tenant, client_id, account" in problem.error.message("en")


def test_dotted_and_inline_keys_are_located(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('version = 1\nsmtp.port = 0\ncompany = { email = "x" }\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert {p.field: p.line for p in caught.value.problems} == {
        "smtp.port": 2, "company.email": 3}


def test_hand_written_file_with_bom_and_crlf_loads(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes('\ufeffversion = 1\r\n[smtp]\r\nhost = "SMTP.Gmail.com"\r\n'
                     'security = "STARTTLS"\r\n'.encode())
    config = load_config(path)
    assert config.smtp.host == "smtp.gmail.com" and config.smtp.security == "starttls"


def test_saving_over_a_corrupt_file_keeps_a_copy(path: Path) -> None:
    good = full_config()
    save_config(good, path)
    save_config(Config(), path)  # .bak = good
    broken = b'version = 1\n[smtp]\nhost = "smtp.gmail.com\n'
    path.write_bytes(broken)
    save_config(full_config(port=2525, security="starttls"), path)
    copies = list(path.parent.glob("config.toml.corrupt-*"))
    assert len(copies) == 1 and copies[0].read_bytes() == broken
    assert load_config(backup_path(path)) == good  # the last good .bak is left alone
    assert load_config(path).smtp.port == 2525
    # A second broken file gets its own copy; the first one is never overwritten.
    path.write_bytes(b"\x00garbage")
    save_config(Config(), path)
    assert len(list(path.parent.glob("config.toml.corrupt-*"))) == 2


def test_newer_version_is_refused_and_kept_when_saving(path: Path) -> None:
    path.parent.mkdir(parents=True)
    newer = f'version = {CONFIG_VERSION + 1}\nfuture_thing = "x"\n'.encode()
    path.write_bytes(newer)
    with pytest.raises(ConfigTooNew) as caught:
        load_config(path)
    error = caught.value
    assert isinstance(error, ConfigError)
    assert error.version == CONFIG_VERSION + 1 and error.line == 1
    assert "Update comelin-tui" in error.message("en")
    assert "Mettez comelin-tui à jour" in error.message("fr")
    save_config(Config(), path)
    assert [p.read_bytes() for p in path.parent.glob("config.toml.newer-*")] == [newer]


@pytest.mark.parametrize("version", ["1", 0, -3, 1.5, True])
def test_bad_version_value(path: Path, version: object) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"version": version})
    assert caught.value.field == "version"


def test_missing_version_means_the_first_format(path: Path) -> None:
    assert config_from_dict({"smtp": {"port": 25}}).smtp.port == 25


def test_migrations_hook_runs_each_step_in_order() -> None:
    calls = []

    def v1_to_v2(data: dict) -> dict:
        calls.append(1)
        data["smtp"] = {"port": data.pop("port")}
        return data

    def v2_to_v3(data: dict) -> dict:
        calls.append(2)
        data["smtp"]["security"] = "starttls"
        return data

    data = migrate({"version": 1, "port": 2525}, 1, migrations={1: v1_to_v2, 2: v2_to_v3},
                   target=3)
    assert calls == [1, 2]
    assert data == {"version": 3, "smtp": {"port": 2525, "security": "starttls"}}
    # Every format older than the current one must have its migration.
    assert set(MIGRATIONS) == set(range(1, CONFIG_VERSION))


def test_write_failure_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError) as caught:
        save_config(Config(), blocker / "config.toml")
    assert caught.value.key == "config.error.write"
    assert str(blocker) in caught.value.message("fr")


def test_unreadable_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)  # a folder
    assert not isinstance(caught.value, ConfigNotFound)
    assert caught.value.key == "config.error.read"


def test_huge_file_is_refused_without_reading_it_all(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        handle.write(b"version = 1\n")
        handle.truncate(20 << 20)  # a 20 MB file (sparse): a log or an image, not settings
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "config.error.too_large"
    assert str(path) in caught.value.message("en") and "1 MiB" in caught.value.message("en")
    assert "1 Mio" in caught.value.message("fr")


def test_ca_file_of_an_unknown_user_is_a_field_error(path: Path) -> None:
    # "~name/..." expands to that user's home folder; no such user must not crash.
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"smtp": {"ca_file": "~no-such-user-comelin/ca.pem"}})
    assert caught.value.field == "smtp.ca_file"
    assert "~no-such-user-comelin" in caught.value.message("en")
    path.parent.mkdir(parents=True)
    path.write_text('[smtp]\nca_file = "~no-such-user-comelin/ca.pem"\n', "utf-8")
    with pytest.raises(ConfigError) as from_file:
        load_config(path)
    assert from_file.value.line == 2 and "chemin complet" in from_file.value.message("fr")


def test_invalid_draft_is_never_written(path: Path) -> None:
    save_config(Config(), path)
    before = path.read_bytes()
    bad = Config.model_construct(smtp=SmtpSettings.model_construct(port=70000))
    with pytest.raises(ConfigError) as caught:
        save_config(bad, path)
    assert caught.value.field == "smtp.port"
    assert path.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="symlinks")
def test_symlinked_config_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real" / "config.toml"
    real.parent.mkdir()
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    save_config(full_config(), link)
    assert link.is_symlink() and load_config(real) == full_config()


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="symlinks")
def test_symlink_loop_is_a_config_error_on_save(tmp_path: Path) -> None:
    first, second = tmp_path / "config.toml", tmp_path / "other.toml"
    first.symlink_to(second)
    second.symlink_to(first)
    with pytest.raises(ConfigError) as caught:
        save_config(Config(), first)
    assert caught.value.key == "config.error.write" and str(first) in caught.value.message("en")
    assert first.is_symlink() and second.is_symlink()  # left as they were


def test_stale_temp_files_from_a_crash_are_removed(path: Path) -> None:
    save_config(Config(), path)
    stale = path.parent / ".config.toml.x1y2z3.tmp"
    fresh = path.parent / ".config.toml.a1b2c3.tmp"
    for leftover in (stale, fresh):
        leftover.write_text("half a file")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    save_config(full_config(), path)
    assert not stale.exists()
    assert fresh.exists()  # may belong to a save running right now


def test_to_toml_has_no_secret_field() -> None:
    text = to_toml(full_config())
    assert "password =" not in text and "token" not in text


# --- validators ----------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "normalised"), [
    ("caisse@épicerie.ca", "caisse@épicerie.ca"),
    ("  Caisse@ÉPICERIE.CA ", "Caisse@épicerie.ca"),
    # An A-label the technician typed is kept as typed, never decoded.
    ("caisse@xn--picerie-9xa.ca", "caisse@xn--picerie-9xa.ca"),
    # IDNA 2008: ß is a letter of its own, not "ss" as IDNA 2003 had it.
    ("kasse@bäckerei-straße.de", "kasse@bäckerei-straße.de"),
    ("first.last+pos@mail.example.com", "first.last+pos@mail.example.com"),
    ("élise@épicerie.ca", "élise@épicerie.ca"),
    ("o'brien@example.ie", "o'brien@example.ie"),
])
def test_valid_emails(raw: str, normalised: str) -> None:
    assert validate_email(raw) == normalised


def test_email_to_ascii_uses_punycode_domain() -> None:
    assert email_to_ascii("caisse@épicerie.ca") == "caisse@xn--picerie-9xa.ca"


@pytest.mark.parametrize(("raw", "key"), [
    ("", "config.email.empty"),
    ("caisse @epicerie.ca", "config.email.space"),
    ("caisse@epicerie .ca", "config.email.space"),
    ("caisse.epicerie.ca", "config.email.missing_at"),
    ("caisse@@epicerie.ca", "config.email.many_at"),
    ("a@b@epicerie.ca", "config.email.many_at"),
    ("@epicerie.ca", "config.email.empty_local"),
    ("caisse@", "config.email.empty_domain"),
    ("cai..sse@epicerie.ca", "config.email.double_dot"),
    ("caisse@epicerie..ca", "config.email.double_dot"),
    ("caisse@.epicerie.ca", "config.email.double_dot"),
    ("caisse@epicerie.ca.", "config.email.double_dot"),
    (".caisse@epicerie.ca", "config.email.dot_edge"),
    ("caisse.@epicerie.ca", "config.email.dot_edge"),
    ("cai(sse)@epicerie.ca", "config.email.bad_char"),
    ('"caisse"@epicerie.ca', "config.email.bad_char"),
    ("caisse@localhost", "config.email.no_dot"),
    ("caisse@192.0.2.1", "config.email.domain_ip"),
    ("caisse@[192.0.2.1]", "config.email.domain_ip"),
    ("caisse@epi_cerie!.ca", "config.host.bad_char"),
    ("caisse@-epicerie.ca", "config.host.hyphen_edge"),
    ("x" * 65 + "@epicerie.ca", "config.email.local_too_long"),
    ("caisse@" + "a" * 64 + ".ca", "config.host.label_too_long"),
    ("caisse\x00@epicerie.ca", "config.field.control"),
])
def test_invalid_emails(raw: str, key: str) -> None:
    with pytest.raises(FieldError) as caught:
        validate_email(raw)
    assert caught.value.key == key
    assert caught.value.message("fr") != caught.value.message("en")


@pytest.mark.parametrize(("raw", "normalised"), [
    ("smtp.gmail.com", "smtp.gmail.com"),
    (" SMTP.Office365.COM ", "smtp.office365.com"),
    ("smtp.gmail.com.", "smtp.gmail.com"),
    ("smtp.épicerie.ca", "smtp.épicerie.ca"),
    ("localhost", "localhost"),
    ("mail_relay.store.lan", "mail_relay.store.lan"),
    ("192.0.2.25", "192.0.2.25"),
    ("::1", "::1"),
    ("[2001:DB8::25]", "2001:db8::25"),
])
def test_valid_hosts(raw: str, normalised: str) -> None:
    assert validate_host(raw) == normalised


def test_host_to_ascii() -> None:
    assert host_to_ascii("smtp.épicerie.ca") == "smtp.xn--picerie-9xa.ca"
    assert host_to_ascii("[::1]") == "::1"


@pytest.mark.parametrize(("raw", "key"), [
    ("", "config.host.empty"),
    ("smtp://smtp.gmail.com", "config.host.scheme"),
    ("https://smtp.gmail.com/", "config.host.scheme"),
    ("smtp.gmail.com/submit", "config.host.path"),
    ("smtp.gmail.com:587", "config.host.port_inside"),
    ("[::1]:587", "config.host.port_inside"),
    ("smtp gmail.com", "config.host.space"),
    ("smtp..gmail.com", "config.host.empty_label"),
    (".gmail.com", "config.host.empty_label"),
    ("smtp.gmail.com..", "config.host.empty_label"),
    ("-smtp.gmail.com", "config.host.hyphen_edge"),
    ("smtp,gmail.com", "config.host.bad_char"),
    ("caisse@gmail.com", "config.host.email"),
    ("587", "config.host.number"),
    ("999.1.1.1", "config.host.bad_ipv4"),
    ("192.168.1", "config.host.bad_ipv4"),
    ("fe80::1::2", "config.host.bad_ipv6"),
    ("[zz::1]", "config.host.bad_ipv6"),
    ("a" * 64 + ".com", "config.host.label_too_long"),
    (".".join(["abcdefgh"] * 30), "config.host.too_long"),
])
def test_invalid_hosts(raw: str, key: str) -> None:
    with pytest.raises(FieldError) as caught:
        validate_host(raw)
    assert caught.value.key == key
    assert caught.value.message("fr") != caught.value.message("en")


def test_port_in_host_message_says_where_the_port_goes() -> None:
    with pytest.raises(FieldError) as caught:
        validate_host("smtp.office365.com:587")
    assert caught.value.message("en") == (
        "put 587 in the Port field and only “smtp.office365.com” here")
    assert caught.value.message("fr") == (
        "mettez 587 dans le champ Port et seulement «\u00a0smtp.office365.com\u00a0» ici")


def test_scheme_message_names_the_scheme() -> None:
    with pytest.raises(FieldError) as caught:
        validate_host("smtp://smtp.gmail.com")
    assert "smtp://" in caught.value.message("en") and "smtp://" in caught.value.message("fr")


def test_model_rejects_host_with_port() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"smtp": {"host": "smtp.gmail.com:465"}})
    assert caught.value.field == "smtp.host"
    assert "465" in caught.value.message("en")


@pytest.mark.parametrize(("raw", "port"), [(587, 587), ("465", 465), (" 25 ", 25), (65535, 65535)])
def test_valid_ports(raw: object, port: int) -> None:
    assert validate_port(raw) == port


@pytest.mark.parametrize(("raw", "key"), [
    (0, "config.port.range"), (65536, "config.port.range"), (-1, "config.port.range"),
    ("abc", "config.port.not_number"), ("", "config.port.not_number"),
    ("5 87", "config.port.not_number"), ("²", "config.port.not_number"),
    (True, "config.port.not_number"), (587.5, "config.port.not_number"),
    (None, "config.port.not_number"),
])
def test_invalid_ports(raw: object, key: str) -> None:
    with pytest.raises(FieldError) as caught:
        validate_port(raw)
    assert caught.value.key == key


def test_timeouts() -> None:
    assert validate_timeout("7,5") == 7.5 and validate_timeout(30) == 30.0
    for bad in (0, -1, 301, float("nan"), float("inf"), "x", True):
        with pytest.raises(FieldError):
            validate_timeout(bad)


@pytest.mark.parametrize("raw", [
    "ab0c" * 16,
    ":".join(["ab", "0c"] * 16),
    " ".join(["AB", "0C"] * 16),
    "SHA256 Fingerprint=" + ":".join(["AB", "0C"] * 16),
    "sha256:" + "AB0C" * 16,
])
def test_fingerprint_normalised(raw: str) -> None:
    assert validate_fingerprint(raw) == FINGERPRINT


@pytest.mark.parametrize(("raw", "key"), [
    ("ab" * 20, "config.fingerprint.sha1"),
    ("ab" * 31, "config.fingerprint.length"),
    ("ab" * 33, "config.fingerprint.length"),
    ("zz" * 32, "config.fingerprint.not_hex"),
    ("sha256//" + "A" * 43 + "=", "config.fingerprint.not_hex"),
    ("ABC:D" + ":AB" * 30, "config.fingerprint.grouping"),
])
def test_fingerprint_rejected(raw: str, key: str) -> None:
    with pytest.raises(FieldError) as caught:
        validate_fingerprint(raw)
    assert caught.value.key == key


def test_empty_optional_fields_become_none() -> None:
    smtp = SmtpSettings(reply_to="", pinned_fingerprint=" ", ca_file="")
    assert smtp.reply_to is None and smtp.pinned_fingerprint is None and smtp.ca_file is None
    assert Config(dns_server="").dns_server is None


@pytest.mark.parametrize(("raw", "normalised", "parsed"), [
    ("1.1.1.1", "1.1.1.1", ("1.1.1.1", 53)),
    ("127.0.0.1:5353", "127.0.0.1:5353", ("127.0.0.1", 5353)),
    ("127.0.0.1:53", "127.0.0.1", ("127.0.0.1", 53)),
    ("::1", "::1", ("::1", 53)),
    ("[::1]:5353", "[::1]:5353", ("::1", 5353)),
    ("[2606:4700:4700::1111]", "2606:4700:4700::1111", ("2606:4700:4700::1111", 53)),
])
def test_dns_server(raw: str, normalised: str, parsed: tuple[str, int]) -> None:
    assert validate_dns_server(raw) == normalised
    assert parse_dns_server(normalised) == parsed


@pytest.mark.parametrize("raw", ["dns.google", "1.1.1", "1.1.1.1:0", "1.1.1.1:dns",
                                 "[::1", "[1.1.1.1]:53", "::1:53:x"])
def test_dns_server_rejected(raw: str) -> None:
    with pytest.raises(FieldError):
        validate_dns_server(raw)


def test_choice_fields_accept_any_case_but_not_unknown_values() -> None:
    assert Config(language="FR", secret_backend="Keyring").language == "fr"
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"smtp": {"auth": "login"}})
    assert "password, oauth2, none" in caught.value.message("en")


def test_with_changes_validates_and_names_the_field() -> None:
    config = full_config()
    changed = with_changes(config, {"smtp.port": "587", "smtp.security": "starttls"})
    assert (changed.smtp.port, changed.smtp.security) == (587, "starttls")
    assert config.smtp.port == 465  # the original is untouched
    with pytest.raises(ConfigError) as caught:
        with_changes(config, {"smtp.host": "smtp://x.com"})
    assert caught.value.field == "smtp.host"
    with pytest.raises(ConfigError) as caught:
        with_changes(config, {"smtp.host.name": "x"})
    assert caught.value.field == "smtp.host.name"


# --- completeness and warnings ---------------------------------------------------------


def test_missing_fields() -> None:
    assert missing_fields(Config()) == [
        "company.email", "smtp.host", "smtp.from_address", "smtp.username"]
    assert missing_fields(full_config()) == []
    oauth = with_changes(full_config(auth="oauth2"), {"oauth.client_id": ""})
    assert missing_fields(oauth) == ["oauth.client_id"]
    relay = Config(company=CompanySettings(email="a@b.ca"),
                   smtp=SmtpSettings(host="relay", auth="none", from_address="a@b.ca"))
    assert missing_fields(relay) == []


def test_field_labels_in_both_languages() -> None:
    assert field_label("smtp.host", "en") == "SMTP server"
    assert field_label("smtp.from_address", "fr") == "Adresse d'expéditeur"
    assert field_label("nonexistent.field", "fr") == "nonexistent.field"
    for name in Config.model_fields:
        assert field_label(name, "fr") != name


def _warning_keys(config: Config) -> list[str]:
    return [warning.key for warning in config_warnings(config)]


def test_port_security_mismatches_are_warnings_with_hints(path: Path) -> None:
    mismatch = full_config(port=465, security="starttls", allow_insecure_auth=False)
    [warning] = config_warnings(mismatch.model_copy(
        update={"smtp": mismatch.smtp.model_copy(update={"ca_file": None})}))
    assert warning.field == "smtp.security" and warning.key == "config.warn.port465_starttls"
    assert "465" in warning.message("en") and "465" in warning.message("fr")
    assert "SSL/TLS" in warning.hint("en") and "587" in warning.hint("fr")
    save_config(mismatch, path)  # a warning never blocks saving
    assert load_config(path) == mismatch
    assert "config.warn.port587_implicit" in _warning_keys(
        full_config(port=587, security="implicit_tls"))
    for port, security in ((587, "starttls"), (465, "implicit_tls"), (2525, "starttls")):
        keys = _warning_keys(full_config(port=port, security=security))
        assert not [key for key in keys if key.startswith("config.warn.port")]


def test_clear_text_password_warnings() -> None:
    assert "config.warn.insecure_auth" in _warning_keys(
        full_config(security="none", allow_insecure_auth=False))
    assert "config.warn.insecure_auth_allowed" in _warning_keys(
        full_config(security="none", allow_insecure_auth=True))
    assert not [k for k in _warning_keys(full_config(security="none", auth="none"))
                if "insecure" in k]


def test_other_warnings(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    keys = _warning_keys(full_config(ca_file=ca))
    assert "config.warn.ca_missing" in keys
    ca.write_text("pem")
    assert "config.warn.ca_missing" not in _warning_keys(full_config(ca_file=ca))
    assert "config.warn.from_domain" in _warning_keys(
        full_config(from_address="store@gmail.com"))
    assert "config.warn.from_domain" not in _warning_keys(
        full_config(from_address="caisse@mail.épicerie.ca"))
    assert "config.warn.smtputf8" in _warning_keys(full_config(from_address="léa@épicerie.ca"))
    assert "config.warn.port25" in _warning_keys(full_config(port=25, security="starttls"))


# --- messages ------------------------------------------------------------------------

# Words that are the same in both languages.
_SAME_IN_BOTH = {"config.label.smtp.port", "config.label.oauth"}


def test_every_config_message_exists_in_both_languages() -> None:
    keys = [key for key in catalogue() if key.startswith("config.")]
    assert len(keys) > 100
    for key in keys:
        texts = catalogue()[key]
        assert texts.get("fr", "").strip() and texts.get("en", "").strip(), key
        assert placeholders(texts["fr"]) == placeholders(texts["en"]), key
        if key not in _SAME_IN_BOTH:
            assert texts["fr"] != texts["en"], key


def test_every_warning_has_a_hint() -> None:
    keys = {key for key in catalogue() if key.startswith("config.warn.")}
    for key in keys - {k for k in keys if k.endswith(".hint")}:
        assert f"{key}.hint" in keys


def test_every_message_key_used_in_the_code_is_registered() -> None:
    import re

    source = "".join(Path(module.__file__).read_text(encoding="utf-8") for module in (
        cfg, sys.modules["comelin_tui.config_validate"], sys.modules["comelin_tui.config_store"],
        sys.modules["comelin_tui.config_checks"], sys.modules["comelin_tui.config_models"]))
    used = set(re.findall(r'"(config\.[a-z0-9_.]+)"', source))
    used -= {key for key in used if key.endswith(".")}
    assert used and used <= set(catalogue())
