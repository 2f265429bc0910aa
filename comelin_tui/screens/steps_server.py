"""Step 3: the outgoing server (host, port, security), prefilled from the provider."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Collapsible, Input, OptionList, RadioSet
from textual.widgets.option_list import Option

from ..fields import is_needed
from ..i18n import t
from ..labels import security_choice, security_label
from ..widgets import DigitsInput, Radio, Tr, plain
from .step_base import StepPane, field_for, fields_of_step

SECURITIES = ("starttls", "implicit_tls", "none")
# The usual port of each security mode: switching mode moves a usual port along.
USUAL_PORTS = {"starttls": 587, "implicit_tls": 465}


class ServerStep(StepPane):
    step_id = "server"
    FIELDS = fields_of_step("server")

    def compose(self) -> ComposeResult:
        def provider():  # type: ignore[no-untyped-def]
            if self.state.demo_server is not None:  # not the picked provider's hints
                from ..providers import CUSTOM_ID, get_provider

                return get_provider(CUSTOM_ID)
            return self.provider

        yield field_for("smtp.host", Input(id="smtp-host"), provider=provider)
        yield field_for("smtp.port",
                        DigitsInput(id="smtp-port", max_length=5, classes="short"),
                        provider=provider)
        yield field_for("smtp.security",
                        RadioSet(*(Radio(plain(security_choice(name)),
                                         id=f"sec-{name}") for name in SECURITIES),
                                 id="smtp-security", compact=True),
                        provider=provider)
        yield Tr(self._warnings, id="server-warnings", classes="warning-text", hide_empty=True)
        yield Tr(self._demo_note, id="demo-server-note", classes="note", hide_empty=True)
        yield Tr(self._presets_title, id="presets-title", classes="subheading",
                 hide_empty=True)
        yield OptionList(id="server-presets", compact=True)
        with Collapsible(title=t("tui.server.advanced"), id="advanced"):
            yield field_for("smtp.ca_file", Input(id="smtp-ca-file"))
            yield field_for("smtp.timeout", Input(id="smtp-timeout", classes="short"))

    # -- text --------------------------------------------------------------

    def _warnings(self) -> str:
        from ..config import config_warnings
        from ..fields import field_step

        lines = []
        for warning in config_warnings(self.draft):
            # The login's warnings are on the credentials step, where it is typed.
            if warning.field.startswith("smtp.") and field_step(warning.field) != "credentials":
                lines.append(f"! {warning.message()} {warning.hint()}")
        return "\n".join(lines)

    def _demo_note(self) -> str:
        demo = self.state.demo_server
        if demo is None:
            return ""
        return t("tui.server.demo_only", host=demo[0], port=demo[1])

    @property
    def _offers_presets(self) -> bool:
        """The provider's other known servers; in demo mode, none: the demo server only."""
        return self.state.demo_server is None and len(self.provider.presets) > 1

    def _presets_title(self) -> str:
        if not self._offers_presets:
            return ""
        from ..providers import CUSTOM_ID

        if self.provider.id == CUSTOM_ID:  # "Other" is no provider's name
            return t("tui.server.presets_custom")
        return t("tui.server.presets", provider=self.provider.display_name())

    def _preset_options(self) -> list[Option]:
        from ..providers import expand_host

        mx_hosts = self.state.mx_hosts
        options = []
        for index, preset in enumerate(self.provider.presets):
            host = expand_host(preset, self.draft.company.email, mx_hosts) or preset.host
            text = t("tui.server.preset_option", host=host, port=preset.port,
                     security=security_label(preset.security))
            if preset.label is not None:
                text += f" ({preset.label.get_text()})"
            options.append(Option(plain(text), id=str(index)))
        return options

    # -- state -------------------------------------------------------------

    def load(self) -> None:
        smtp = self.draft.smtp
        self.set_value("smtp.host", smtp.host)
        self.set_value("smtp.port", str(smtp.port))
        self.set_value("smtp.ca_file", str(smtp.ca_file) if smtp.ca_file else "")
        self.set_value("smtp.timeout", f"{smtp.timeout:g}")
        # Not prevented: the set's Changed also moves its keyboard highlight to this one
        # (security_chosen ignores the choice already in the draft).
        self.query_one(f"#sec-{smtp.security}", Radio).value = True
        presets = self.query_one("#server-presets", OptionList)
        presets.set_options(self._preset_options() if self._offers_presets else [])
        presets.display = self._offers_presets
        if smtp.ca_file:
            self.query_one("#advanced", Collapsible).collapsed = False
        self.refresh_texts()

    def refresh_texts(self) -> None:
        for widget in self.query(Tr):
            widget.refresh_language()

    def check(self, *, show: bool) -> list[str]:
        problems = []
        for dotted in self.INPUTS.values():
            if not self.apply(dotted, self.control(dotted).value, show=show,
                              required=is_needed(dotted)):
                problems.append(dotted)
        return problems

    def entered(self) -> None:
        self.load()

    INPUTS: ClassVar[dict[str, str]] = {"smtp-host": "smtp.host", "smtp-port": "smtp.port",
              "smtp-ca-file": "smtp.ca_file", "smtp-timeout": "smtp.timeout"}

    def _take(self, control: Input, *, show: bool) -> None:
        self.apply(self.INPUTS[control.id or ""], control.value, show=show)
        self.query_one("#server-warnings", Tr).refresh_language()
        self.post_message(self.Changed())

    @on(Input.Changed, "#smtp-host, #smtp-port, #smtp-ca-file, #smtp-timeout")
    def typed(self, event: Input.Changed) -> None:
        self._take(event.input, show=False)

    @on(Input.Blurred, "#smtp-host, #smtp-port, #smtp-ca-file, #smtp-timeout")
    def left(self, event: Input.Blurred) -> None:
        if event.value.strip():
            self._take(event.input, show=True)

    @on(RadioSet.Changed, "#smtp-security")
    def security_chosen(self, event: RadioSet.Changed) -> None:
        event.stop()
        security = (event.pressed.id or "sec-starttls").removeprefix("sec-")
        smtp = self.draft.smtp
        old = smtp.security
        if security == old:
            return
        self.state.assign("smtp.security", security)
        if smtp.port == USUAL_PORTS.get(old) and security in USUAL_PORTS:
            self.state.assign("smtp.port", USUAL_PORTS[security])
            self.set_value("smtp.port", str(smtp.port))
        self.query_one("#server-warnings", Tr).refresh_language()

    @on(OptionList.OptionSelected, "#server-presets")
    def preset_chosen(self, event: OptionList.OptionSelected) -> None:
        from ..providers import expand_host

        event.stop()
        preset = self.provider.presets[int(event.option.id or 0)]
        mx_hosts = self.state.mx_hosts
        host = expand_host(preset, self.draft.company.email, mx_hosts) or preset.host
        self.state.apply_preset(host, preset.port, preset.security, force=True)
        self._refused.clear()  # a server chosen replaces what was typed, refused or not
        self.load()
        self.check(show=False)

    def focus_field(self, dotted: str) -> None:
        if dotted in ("smtp.ca_file", "smtp.timeout"):
            self.query_one("#advanced", Collapsible).collapsed = False
            self.call_after_refresh(super().focus_field, dotted)
            return
        super().focus_field(dotted)

    def refresh_language(self) -> None:
        for name in SECURITIES:
            self.query_one(f"#sec-{name}", Radio).label = plain(security_choice(name))
        self.query_one("#advanced", Collapsible).title = t("tui.server.advanced")
        self.query_one("#server-presets", OptionList).set_options(
            self._preset_options() if self._offers_presets else [])
