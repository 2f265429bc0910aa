"""F1: help for the focused field (and the keys), over the current screen.

A setting's help and title come from the field registry (:mod:`comelin_tui.fields`);
the help kept here is about the screens and the controls that are not settings.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget

from .. import i18n
from ..fields import field_spec, help_topic_of_control
from ..i18n import catalogue, t
from ..widgets import KeyBar, Tr
from .base import MODAL_BINDINGS

# Help that is not about a setting (those are in the field registry).
_HELP_TITLES = {
    "steps": ("Les étapes", "The steps"),
    "recipient": ("Destinataire du test", "Test recipient"),
    "screen.HomeScreen": ("Accueil", "Home"),
    "screen.WizardScreen": ("L'assistant", "The wizard"),
    "screen.TestSendScreen": ("Envoi test", "Test send"),
}

HELP_MESSAGES: dict[str, dict[str, str]] = {
    "tui.help.title": {"fr": "Aide", "en": "Help"},
    "tui.help.general": {
        "fr": "L'assistant avance étape par étape; rien n'est écrit avant « Enregistrer ».",
        "en": "The wizard goes step by step; nothing is written before \"Save\".",
    },
    "tui.help.keys_title": {"fr": "Touches", "en": "Keys"},
    # The keys of every screen; each screen's own come first (tui.help.keys.<Screen>).
    # A test compares each list with the screen's real bindings.
    "tui.help.keys": {
        "fr": "Tab / Maj+Tab : champ suivant / précédent   Entrée : valider\n"
              "F1 ou Ctrl+G : aide   F2 ou Ctrl+L : English\n"
              "Ctrl+Q : quitter   Ctrl+C : quitter, après confirmation",
        "en": "Tab / Shift+Tab: next / previous field   Enter: confirm\n"
              "F1 or Ctrl+G: help   F2 or Ctrl+L: français\n"
              "Ctrl+Q: quit   Ctrl+C: quit, after asking",
    },
    "tui.help.keys.HomeScreen": {
        "fr": "Flèches puis Entrée : choisir une action     Échap : quitter\n"
              "Ctrl+P : chercher un réglage",
        "en": "Arrows then Enter: choose an action     Escape: quit\n"
              "Ctrl+P: search settings",
    },
    "tui.help.keys.WizardScreen": {
        "fr": "Ctrl+N : étape suivante     Ctrl+T : liste des étapes\n"
              "Échap : retour, accueil (étape 1), annuler la connexion Microsoft\n"
              "Ctrl+P : chercher un réglage",
        "en": "Ctrl+N: next step     Ctrl+T: the list of steps\n"
              "Escape: back, home (step 1), cancel the Microsoft sign-in\n"
              "Ctrl+P: search settings",
    },
    "tui.help.keys.ProfileWizardScreen": {
        "fr": "Ctrl+N : étape suivante     Ctrl+T : liste des étapes\n"
              "Échap : retour, profils (étape 1)\n"
              "Ctrl+P : chercher un réglage de l'entreprise (après avoir quitté ce profil)",
        "en": "Ctrl+N: next step     Ctrl+T: the list of steps\n"
              "Escape: back, profiles (step 1)\n"
              "Ctrl+P: search the company settings (once out of this profile)",
    },
    "tui.help.keys.ProfilesScreen": {
        "fr": "Flèches puis Entrée : choisir un profil, puis une action\n"
              "Ctrl+A : ajouter     Suppr : retirer     Ctrl+R : tout tester\n"
              "Échap : retour     Ctrl+P : chercher un réglage",
        "en": "Arrows then Enter: choose a profile, then an action\n"
              "Ctrl+A: add     Delete: remove     Ctrl+R: test all\n"
              "Escape: back     Ctrl+P: search settings",
    },
    "tui.help.keys.TestSendScreen": {
        "fr": "Ctrl+R : envoyer le test     Ctrl+T : échange avec le serveur\n"
              "Ctrl+F : corriger (le correctif proposé)     Ctrl+P : chercher un réglage\n"
              "Échap : retour (fermer d'abord l'échange affiché ; annuler le test en cours)",
        "en": "Ctrl+R: send the test     Ctrl+T: transcript of the conversation\n"
              "Ctrl+F: fix (apply the fix offered)     Ctrl+P: search settings\n"
              "Escape: back (close the transcript shown first; cancel the running test)",
    },
    "tui.help.keys.ConnectComelinScreen": {
        "fr": "Ctrl+R : essai, comme Comelin envoie     Échap : retour\n"
              "Ctrl+P : chercher un réglage",
        "en": "Ctrl+R: test, the way Comelin sends     Escape: back\n"
              "Ctrl+P: search settings",
    },
    "tui.help.provider_hint": {"fr": "{provider} : {hint}", "en": "{provider}: {hint}"},
    "tui.help.steps": {
        "fr": "Les étapes : [x] faite, [>] en cours, [!] à corriger, [ ] à venir. Flèches "
              "puis Entrée pour y aller.",
        "en": "The steps: [x] done, [>] current, [!] to fix, [ ] to do. Arrows then Enter to "
              "go there.",
    },
    "tui.help.recipient": {
        "fr": "Qui reçoit le message d'essai. Une autre adresse que l'expéditeur prouve que "
              "le courriel sort vraiment.",
        "en": "Who receives the test message. An address other than the sender proves that "
              "mail really goes out.",
    },
    "tui.help.screen.HomeScreen": {
        "fr": "Flèches puis Entrée pour choisir une action. Échap quitte.",
        "en": "Arrows then Enter to choose an action. Escape quits.",
    },
    "tui.help.screen.WizardScreen": {
        "fr": "Remplissez chaque étape; Ctrl+N passe à la suivante, Échap revient. La barre "
              "de gauche montre l'état de chaque étape.",
        "en": "Fill in each step; Ctrl+N goes to the next one, Escape goes back. The left "
              "bar shows the state of each step.",
    },
    "tui.help.screen.TestSendScreen": {
        "fr": "Le test suit chaque étape de l'envoi. En cas d'échec, le diagnostic dit quoi "
              "corriger; Échap annule un test en cours.",
        "en": "The test follows each step of the send. On failure the diagnosis says what to "
              "fix; Escape cancels a running test.",
    },
    "tui.help.bounce_title": {"fr": "Avis de non-remise", "en": "Bounces"},
}
for _topic, (_fr, _en) in _HELP_TITLES.items():
    HELP_MESSAGES[f"tui.help.title.{_topic}"] = {"fr": _fr, "en": _en}
i18n.register(HELP_MESSAGES)

# Control id -> help topic, for the controls that are not a setting's.
OTHER_HELP = {"steps": "steps", "recipient": "recipient"}


def help_topic(focused: Widget | None, screen: Any) -> str:
    """The help topic for what has focus, else the screen's own."""
    node: Any = focused
    while node is not None and node is not screen:
        topic = help_topic_of_control(node.id or "") or OTHER_HELP.get(node.id or "")
        if topic:
            return topic
        node = node.parent
    return f"screen.{type(screen).__name__}"


def help_keys(screen: Any, lang: str | None = None) -> list[str]:
    """The help's lines about keys for *screen*: its own, then the common ones."""
    own = f"tui.help.keys.{type(screen).__name__}"
    lines = t(own, lang).splitlines() if own in catalogue() else []
    return [*lines, *t("tui.help.keys", lang).splitlines()]


class HelpScreen(ModalScreen[None]):
    """Context help; Escape or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,ctrl+g", "close", "tui.key.close", id="close-help"),
        *MODAL_BINDINGS,
    ]

    def __init__(self, focused: Widget | None, under: Any) -> None:
        super().__init__()
        self._focused = focused
        self._under = under

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Tr(self._title, classes="heading")
            with VerticalScroll(id="help-body"):
                yield Tr(self._body)
                yield Tr(self._provider_hint, classes="note", hide_empty=True)
                yield Tr("tui.help.keys_title", classes="subheading")
                yield Tr(self._keys)
                yield Tr("tui.help.bounce_title", classes="subheading")
                yield Tr("label.bounce")
        yield KeyBar()  # the dialog's own keys, not those of the screen under it

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    @property
    def topic(self) -> str:
        return help_topic(self._focused, self._under)

    def _title(self) -> str:
        spec = field_spec(self.topic)
        if spec is not None:
            return spec.text("label")
        key = f"tui.help.title.{self.topic}"
        return t(key) if key in catalogue() else t("tui.help.title")

    def _body(self) -> str:
        spec = field_spec(self.topic)
        if spec is not None and spec.help is not None:
            return spec.text("help")
        key = f"tui.help.{self.topic}"
        return t(key) if key in catalogue() else t("tui.help.general")

    def _keys(self) -> str:
        """The keys of the screen under the help, then those of every screen."""
        return "\n".join(help_keys(self._under))

    def _provider_hint(self) -> str:
        spec = field_spec(self.topic)
        field = spec.provider_hint if spec is not None else None
        draft = getattr(self._under, "draft", None)
        if field is None or draft is None:
            return ""
        from ..providers import CUSTOM_ID, get_provider

        provider = get_provider(draft.provider)
        hint = provider.hint(field)
        if not hint:
            return ""
        if provider.id == CUSTOM_ID:  # no provider picked yet: no "Other / custom:" label
            return hint
        return t("tui.help.provider_hint", provider=provider.display_name(), hint=hint)

    def action_close(self) -> None:
        self.dismiss()
