"""The sender profiles: the list, and adding, editing, removing and testing them.

Each profile is a sender for a store and a purpose (:mod:`comelin_tui.profiles`); the
company's own comes first. Adding and editing open the profile wizard (the company
wizard's screen and steps over a profile); testing one opens the test send with its
settings; testing all runs :func:`comelin_tui.jobs.check_profiles.check_profiles`
(one test per distinct account and sender, the DNS checks once per domain) and shows
each profile's outcome in the list.
"""

from __future__ import annotations

import asyncio
import textwrap
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..errors import ComelinError
from ..i18n import register, sentence, t
from ..profiles import Profile, all_profiles, purpose_label, remove_saved
from ..widgets import KeyBar, Menu, TitleBar, Tr, plain
from ..widgets.text import TextSource
from .base import MODAL_BINDINGS, WorkerErrors
from .confirm import _ARROWS, _ConfirmScreen

if TYPE_CHECKING:
    from ..config import Config
    from ..jobs.check_profiles import ProfileRun

register({
    "tui.profiles.title": {"fr": "Comelin · Profils d'expéditeur",
                           "en": "Comelin · Sender profiles"},
    "tui.profiles.intro": {
        "fr": "Un expéditeur par magasin et par usage. Le profil « company » est celui de "
              "l'entreprise : il se change avec « Modifier les réglages ».",
        "en": "A sender per store and per purpose. The \"company\" profile is the company's "
              "own: change it with \"Edit the settings\".",
    },
    "tui.profiles.row": {"fr": "{marker}{name} : {sender}", "en": "{marker}{name}: {sender}"},
    "tui.profiles.company_purpose": {"fr": "par défaut", "en": "default"},
    "tui.profiles.action.test": {"fr": "Tester ce profil", "en": "Test this profile"},
    "tui.profiles.action.edit": {"fr": "Modifier ce profil", "en": "Edit this profile"},
    "tui.profiles.action.remove": {"fr": "Retirer ce profil", "en": "Remove this profile"},
    "tui.profiles.action.add": {"fr": "Ajouter un profil", "en": "Add a profile"},
    "tui.profiles.action.test_all": {"fr": "Tester tous les profils",
                                     "en": "Test every profile"},
    "tui.profiles.action.back": {"fr": "Retour à l'accueil", "en": "Back to home"},
    "tui.profiles.company_edit": {
        "fr": "Le profil « company » est celui des réglages de l'entreprise : l'assistant "
              "s'ouvre.",
        "en": "The \"company\" profile is the company settings: the wizard opens.",
    },
    "tui.profiles.company_remove": {
        "fr": "Le profil « company » est celui de l'entreprise : il ne se retire pas.",
        "en": "The \"company\" profile is the company's own: it cannot be removed.",
    },
    "tui.profiles.removed": {"fr": "Profil « {name} » retiré.",
                             "en": "Profile \"{name}\" removed."},
    "tui.profiles.removed_secret": {
        "fr": "Profil « {name} » retiré, avec son mot de passe.",
        "en": "Profile \"{name}\" removed, with its password.",
    },
    "tui.profiles.remove_secret_failed": {
        "fr": "Profil « {name} » retiré; son mot de passe n'a pas pu être effacé : {reason}",
        "en": "Profile \"{name}\" removed; its password could not be erased: {reason}",
    },
    "tui.profiles.not_removed": {"fr": "Profil non retiré", "en": "Profile not removed"},
    "tui.profiles.testing": {
        "fr": "Test de {count} envoi(s) : un par compte et par expéditeur...",
        "en": "Testing {count} send(s): one per account and sender...",
    },
    "tui.profiles.tested": {
        "fr": "Tous testés : {ok} réussi(s), {failed} en échec. Entrée sur un profil, puis "
              "« Tester ce profil » : chaque étape et la correction.",
        "en": "All tested: {ok} passed, {failed} failed. Pick a profile, then \"Test this "
              "profile\": every step and the fix.",
    },
    "tui.profiles.status.ok": {"fr": "[réussi] ", "en": "[passed] "},
    "tui.profiles.status.warn": {"fr": "[réussi, avertissement] ", "en": "[passed, warning] "},
    "tui.profiles.status.fail": {"fr": "[échec] ", "en": "[failed] "},
    "tui.profiles.status.unknown": {"fr": "[pas testé] ", "en": "[not tested] "},
    "tui.profiles.status.running": {"fr": "[en cours] ", "en": "[testing] "},
    "tui.profiles.shared": {"fr": "même test que « {name} »", "en": "same test as \"{name}\""},
    "tui.profiles.result_line": {"fr": "{name} : {summary}", "en": "{name}: {summary}"},
    "tui.profiles.remove_title": {"fr": "Retirer le profil « {name} » ?",
                                  "en": "Remove the profile \"{name}\"?"},
    "tui.profiles.remove_body": {
        "fr": "Comelin ne pourra plus envoyer sous {sender} par ce profil. Son mot de passe "
              "propre, s'il en a un, est effacé aussi.",
        "en": "Comelin will no longer send as {sender} through this profile. Its own "
              "password, if it has one, is erased too.",
    },
    "tui.profiles.remove": {"fr": "Retirer", "en": "Remove"},
    "tui.profiles.keep": {"fr": "Garder", "en": "Keep"},
    "tui.key.add": {"fr": "Ajouter", "en": "Add"},
    "tui.key.remove": {"fr": "Retirer", "en": "Remove"},
    "tui.key.test_all": {"fr": "Tout tester", "en": "Test all"},
})


class ConfirmRemoveProfileScreen(_ConfirmScreen):
    """Remove the profile, or keep it (focused: Enter by reflex keeps it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "safe", "tui.key.cancel", id="keep"),
        *_ARROWS,
        *MODAL_BINDINGS,
    ]
    CONFIRM = ("remove", "tui.profiles.remove")
    SAFE = ("keep", "tui.profiles.keep")

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile

    def dialog_title(self) -> TextSource:
        return lambda: t("tui.profiles.remove_title", name=self.profile.name)

    def dialog_body(self) -> TextSource:
        return lambda: t("tui.profiles.remove_body", sender=self.profile.from_address)


class ProfilesScreen(WorkerErrors, Screen[None]):
    """The list of sender profiles and what can be done with them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.key.back", id="profiles-back"),
        Binding("ctrl+a", "add", "tui.key.add", id="profiles-add"),
        Binding("delete", "remove", "tui.key.remove", id="profiles-remove"),
        Binding("ctrl+r", "test_all", "tui.key.test_all", id="profiles-test-all"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.runs: dict[str, ProfileRun] = {}
        self.testing = False
        self._summary = ""

    @property
    def settings(self) -> Config:
        return self.app.settings  # type: ignore[attr-defined,no-any-return]

    def compose(self) -> ComposeResult:
        yield TitleBar("tui.profiles.title")
        with VerticalScroll(id="profiles-body"):
            yield Tr("tui.profiles.intro", classes="intro")
            yield OptionList(id="profile-list", compact=True)
            yield Tr(self._results, id="profiles-results", hide_empty=True)
            yield Menu([
                ("test", "tui.profiles.action.test"),
                ("edit", "tui.profiles.action.edit"),
                ("remove", "tui.profiles.action.remove"),
                ("add", "tui.profiles.action.add"),
                ("test_all", "tui.profiles.action.test_all"),
                ("back", "tui.profiles.action.back"),
            ], id="profiles-menu")
        yield KeyBar(show_command_palette=False)

    def on_mount(self) -> None:
        self.show_list()
        self.query_one("#profile-list", OptionList).focus()

    # -- the list ------------------------------------------------------------

    def profiles(self) -> list[Profile]:
        return all_profiles(self.settings)

    def _row(self, profile: Profile) -> str:
        run = self.runs.get(profile.name)
        if self.testing and run is None:
            marker = t("tui.profiles.status.running")
        elif run is not None:
            marker = t(f"tui.profiles.status.{run.status}")
        else:
            marker = ""
        purpose = (t("tui.profiles.company_purpose") if profile.is_company
                   else purpose_label(profile.purpose))
        store = profile.store or ("-" if not profile.is_company else t("profile.company_store"))
        line = t("tui.profiles.row", marker=marker, name=profile.name,
                 sender=profile.from_address or "-")
        detail = f"{store} · {purpose} · {profile.account_text()}"
        # The details indented under the name, on as many rows as they take.
        width = max(self.query_one("#profile-list", OptionList).scrollable_content_region.width
                    or 78, 30)
        rows = textwrap.wrap(detail, width, initial_indent="  ", subsequent_indent="    ",
                             break_on_hyphens=False)
        return "\n".join([line, *rows])

    def show_list(self) -> None:
        listing = self.query_one("#profile-list", OptionList)
        highlighted = listing.highlighted
        names = [p.name for p in self.profiles()]
        listing.set_options([Option(plain(self._row(p)), id=p.name) for p in self.profiles()])
        if names:
            listing.highlighted = min(highlighted or 0, len(names) - 1)
        self.query_one("#profiles-results", Tr).refresh_language()

    def selected(self) -> Profile | None:
        listing = self.query_one("#profile-list", OptionList)
        index = listing.highlighted
        profiles = self.profiles()
        if index is None or not 0 <= index < len(profiles):
            return None
        return profiles[index]

    def select(self, name: str) -> None:
        names = [p.name for p in self.profiles()]
        if name in names:
            self.query_one("#profile-list", OptionList).highlighted = names.index(name)

    def _results(self) -> str:
        if self.testing:
            return self._summary
        lines = [self._summary] if self._summary else []
        for name, run in self.runs.items():
            if run.status in ("ok", "warn") and not run.tested_with:
                continue
            if run.tested_with:
                summary = t("tui.profiles.shared", name=run.tested_with)
                if run.status in ("ok", "warn"):
                    continue
            elif run.error is not None:
                summary = sentence(run.error.message())
            else:
                summary = _summary_of(run)
            lines.append("- " + t("tui.profiles.result_line", name=name, summary=summary))
        return "\n".join(lines)

    def refresh_language(self) -> None:
        if self.is_mounted:
            self.show_list()

    def on_resize(self) -> None:
        self.show_list()  # the details wrap at the new width

    def on_screen_resume(self) -> None:
        self.show_list()  # back from the profile wizard or a test: the list as saved

    def on_settings_saved(self, config: Config) -> None:
        self.runs = {}  # the outcomes were of other settings
        self._summary = ""
        self.show_list()

    # -- actions ---------------------------------------------------------------

    @on(OptionList.OptionSelected, "#profile-list")
    def profile_chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter on a profile: on to what to do with it."""
        event.stop()
        self.query_one("#profiles-menu", Menu).focus()

    @on(OptionList.OptionSelected, "#profiles-menu")
    def action_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id
        if choice == "back":
            self.action_back()
        elif choice is not None:
            getattr(self, f"action_{choice}")()

    def action_back(self) -> None:
        self.dismiss()

    def action_add(self) -> None:
        from .profile_wizard import ProfileWizardScreen

        self.app.push_screen(ProfileWizardScreen(self.settings))

    def action_edit(self) -> None:
        profile = self.selected()
        if profile is None:
            return
        if profile.is_company:
            self.notify(t("tui.profiles.company_edit"), timeout=4)
            self.app.open_wizard("edit")  # type: ignore[attr-defined]
            return
        from .profile_wizard import ProfileWizardScreen

        self.app.push_screen(ProfileWizardScreen(self.settings, profile.name))

    def action_test(self) -> None:
        profile = self.selected()
        if profile is None:
            return
        self.app.open_test_send(  # type: ignore[attr-defined]
            profile=None if profile.is_company else profile.name)

    def action_remove(self) -> None:
        profile = self.selected()
        if profile is None:
            return
        if profile.is_company:
            self.notify(t("tui.profiles.company_remove"), severity="warning", timeout=5)
            return

        def chosen(remove: bool | None) -> None:
            if remove:
                self.remove_now(profile.name)

        self.app.push_screen(ConfirmRemoveProfileScreen(profile), chosen)

    @work(exclusive=True, group="profile-remove", exit_on_error=False)
    async def remove_now(self, name: str) -> None:
        """Remove the profile from the settings as they are on disk, then its secret."""
        app: Any = self.app
        try:
            config, removed, secret_error = await asyncio.to_thread(
                remove_saved, app.config_path, name, default=self.settings)
        except ComelinError as error:
            self.notify(sentence(error.message()), title=t("tui.profiles.not_removed"),
                        severity="error", markup=False, timeout=8)
            return
        app.settings_saved(config)
        if secret_error is not None:
            self.notify(t("tui.profiles.remove_secret_failed", name=name,
                          reason=secret_error.message()), severity="warning", markup=False,
                        timeout=8)
        else:
            self.notify(t("tui.profiles.removed_secret" if removed.secret
                          else "tui.profiles.removed", name=name), timeout=4)
        self.query_one("#profile-list", OptionList).focus()

    def action_test_all(self) -> None:
        if not self.testing:
            self.test_all()

    @work(exclusive=True, group="profile-tests", exit_on_error=False)
    async def test_all(self) -> None:
        """Every profile, once per account and sender; each row shows its outcome."""
        from ..jobs.check_profiles import check_profiles
        from ..jobs.send_test import SendTestOptions
        from ..profiles import check_groups

        app: Any = self.app
        profiles = self.profiles()
        self.runs = {}
        self.testing = True
        self._summary = t("tui.profiles.testing", count=len(check_groups(profiles)))
        self.show_list()
        options = SendTestOptions(dns_checks=app.demo is None and app.dns_checks,
                                  dns_server=app.dns_server, dns_lifetime=app.dns_lifetime,
                                  log_path=app.attempt_log_path)
        try:
            runs = (await check_profiles(self.settings, app.config_path, profiles, options,
                                         on_result=self._ran)).runs
        finally:
            self.testing = False
        self.runs = {run.profile.name: run for run in runs}
        ok = sum(run.status in ("ok", "warn") for run in runs)
        self._summary = t("tui.profiles.tested", ok=ok, failed=len(runs) - ok)
        self.show_list()

    def _ran(self, run: ProfileRun) -> None:
        self.runs[run.profile.name] = run
        self.show_list()


def _summary_of(run: ProfileRun) -> str:
    """A failed run in a line: its diagnosis's summary, else its code."""
    code = run.code
    if code is None:
        return t("tui.profiles.status.unknown").strip()
    try:
        from ..diagnostics.classifier import diagnosis

        return diagnosis(code).summary
    except Exception:  # noqa: BLE001 - an unknown code: shown as it is
        return code


__all__ = ["ConfirmRemoveProfileScreen", "ProfilesScreen"]
