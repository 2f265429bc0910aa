"""The profile wizard: the company wizard's screen over a sender profile.

The same sidebar, navigation, inline checks, Save and test as the company wizard
(:class:`~.wizard.WizardScreen`), with the steps of a profile: who sends
(:class:`~.steps_profile.ProfileStep`), for an account of its own the company wizard's
server and credentials steps themselves, then the review. Its model is a
:class:`~comelin_tui.profile_wizard_state.ProfileWizardState`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType

from ..i18n import register
from ..profile_wizard_state import ProfileWizardState, probe_profile_store
from .step_base import StepPane
from .steps_credentials import CredentialsStep
from .steps_profile import ProfileReviewStep, ProfileStep
from .steps_server import ServerStep
from .wizard import WizardScreen

if TYPE_CHECKING:
    from ..config import Config

register({
    "tui.profile.title_new": {"fr": "Nouveau profil - étape {number} sur {total} : {step}",
                              "en": "New profile - step {number} of {total}: {step}"},
    "tui.profile.title_edit": {"fr": "Profil {name} - étape {number} sur {total} : {step}",
                               "en": "Profile {name} - step {number} of {total}: {step}"},
    "tui.key.profiles": {"fr": "Profils", "en": "Profiles"},
})


class ProfileWizardScreen(WizardScreen):
    """Add or edit one sender profile (``name`` None: a new one)."""

    PANES: ClassVar[dict[str, type[StepPane]]] = {
        pane.step_id: pane
        for pane in (ProfileStep, ServerStep, CredentialsStep, ProfileReviewStep)
    }

    SETTINGS_SEARCH = False  # the company's settings are not this wizard's steps

    # Escape on the first step goes back to the list of profiles, not home (a profile's
    # own account signs in with a password: no Microsoft sign-in to cancel).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.key.back", id="back"),
        Binding("escape", "leave", "tui.key.profiles", id="leave"),
    ]

    def __init__(self, settings: Config, name: str | None = None) -> None:
        state = ProfileWizardState(settings, name,
                                   saved_config=lambda: getattr(self.app, "settings", None))
        super().__init__(state.draft, saved=state.saved, start="profile", state=state)

    @property
    def state_(self) -> ProfileWizardState:
        return self.state  # type: ignore[return-value]

    def _title(self) -> str:
        from ..i18n import t

        steps = self.state.steps
        number = steps.index(self.current) + 1 if self.current in steps else 1
        step = t(f"tui.step.{self.current}")
        if self.state_.adding:
            return t("tui.profile.title_new", number=number, total=len(steps) + 1, step=step)
        return t("tui.profile.title_edit", name=self.state_.profile.name, number=number,
                 total=len(steps) + 1, step=step)

    def on_mount(self) -> None:
        # No demo server, no MX lookup: the profile sends through the company's settings
        # or through the server typed here.
        self.reload()
        self.preview_secret_store()
        self.goto(self.current)

    @work(exclusive=True, group="secret-preview", exit_on_error=False)
    async def preview_secret_store(self) -> None:
        """Where the profile's own password goes, and whether one is saved already."""
        app: Any = self.app
        state = self.state_
        self.state.store = await asyncio.to_thread(
            probe_profile_store, app.config_path, state.settings.secret_backend,
            state.profile.name)
        self.pane("credentials").load()
        self.pane("review").entered()

    def open_test(self) -> None:
        if self.dirty or not self.state.saved:
            self.goto("review")
            from ..i18n import t

            self.notify(t("tui.wizard.save_first"), severity="warning", timeout=5)
            return
        self.app.open_test_send(profile=self.state_.profile.name)  # type: ignore[attr-defined]

    def lookup_now(self) -> None:
        """A profile's server is the company's or typed: no MX lookup."""
