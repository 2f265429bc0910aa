"""Texts shared by several providers of the catalogue."""

from __future__ import annotations

from ..i18n import LocalText as L

# Hosts that do not file a copy themselves: the POS hands the message over and
# nothing lands in a Sent folder unless the store asks for a copy.
NO_COPY = L(
    fr="En général, aucune copie n'est gardée dans « Envoyés » : ajoutez l'adresse du "
       "magasin en copie cachée si une trace est nécessaire.",
    en="Usually no copy is kept in Sent: add the store's address as Bcc if a record "
       "is needed.",
)
FULL_ADDRESS_AND_PASSWORD = L(
    fr="Nom d'utilisateur : l'adresse complète ; mot de passe : celui de la boîte.",
    en="Username: the full address; password: the mailbox's own.",
)
WRONG_PASSWORD = L(
    fr="Vérifiez l'adresse complète et le mot de passe de la boîte (ouvrez une session "
       "dans le webmail pour le confirmer).",
    en="Check the full address and the mailbox password (sign in to webmail to "
       "confirm it).",
)
