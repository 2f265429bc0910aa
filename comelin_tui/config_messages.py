"""French and English messages of the settings module (validation, file errors).

The settings' own names, hints and help are in the field registry (:mod:`fields`).
"""

from __future__ import annotations

from .i18n import register

MESSAGES: dict[str, dict[str, str]] = {
    # --- generic field problems -------------------------------------------------
    "config.field.text": {
        "fr": "doit être du texte entre guillemets",
        "en": "must be text in quotes",
    },
    "config.field.control": {
        "fr": "contient un caractère invisible ou de contrôle ({code}); retapez la valeur",
        "en": "contains an invisible or control character ({code}); type the value again",
    },
    "config.field.too_long": {
        "fr": "est trop long (au plus {max} caractères)",
        "en": "is too long (at most {max} characters)",
    },
    "config.field.integer": {
        "fr": "doit être un nombre entier, sans guillemets (ex. 587)",
        "en": "must be a whole number, without quotes (e.g. 587)",
    },
    "config.field.number": {
        "fr": "doit être un nombre, sans guillemets (ex. 15)",
        "en": "must be a number, without quotes (e.g. 15)",
    },
    "config.field.boolean": {
        "fr": "doit être true ou false, sans guillemets",
        "en": "must be true or false, without quotes",
    },
    "config.field.table": {
        "fr": "doit être une section (ex. [smtp] suivi de ses réglages)",
        "en": "must be a section (e.g. [smtp] followed by its settings)",
    },
    "config.field.choice": {
        "fr": "valeur non reconnue; choix possibles : {choices}",
        "en": "unknown value; possible choices: {choices}",
    },
    "config.field.required": {
        "fr": "manque : ce réglage est obligatoire ici",
        "en": "is missing: this setting is required here",
    },
    "config.field.list": {
        "fr": "doit être une liste de sections (ex. [[profiles]] suivi de ses réglages)",
        "en": "must be a list of sections (e.g. [[profiles]] followed by its settings)",
    },
    "config.field.invalid": {
        "fr": "valeur invalide ({detail})",
        "en": "invalid value ({detail})",
    },
    "config.field.unknown": {
        "fr": "réglage inconnu (faute de frappe?); réglages permis ici : {allowed}",
        "en": "unknown setting (a typo?); settings allowed here: {allowed}",
    },
    "config.field.no_such": {
        "fr": "ce réglage n'existe pas",
        "en": "there is no such setting",
    },
    "config.field.unknown_suggest": {
        "fr": "réglage inconnu; vouliez-vous dire « {suggestion} »?",
        "en": "unknown setting; did you mean “{suggestion}”?",
    },
    "config.version.invalid": {
        "fr": "la version du format doit être un nombre entier à partir de 1",
        "en": "the format version must be a whole number from 1 up",
    },
    "config.version.mismatch": {
        "fr": "la version du format doit être {known}",
        "en": "the format version must be {known}",
    },
    # --- email addresses ------------------------------------------------------
    "config.email.empty": {
        "fr": "entrez une adresse courriel (ex. caisse@epicerie.ca)",
        "en": "enter an email address (e.g. till@grocery.ca)",
    },
    "config.email.space": {
        "fr": "une adresse courriel ne contient pas d'espace",
        "en": "an email address has no spaces",
    },
    "config.email.missing_at": {
        "fr": "il manque le « @ » (ex. caisse@epicerie.ca)",
        "en": "the “@” is missing (e.g. till@grocery.ca)",
    },
    "config.email.many_at": {
        "fr": "une adresse courriel n'a qu'un seul « @ »",
        "en": "an email address has only one “@”",
    },
    "config.email.empty_local": {
        "fr": "il manque la partie avant le « @ »",
        "en": "the part before the “@” is missing",
    },
    "config.email.empty_domain": {
        "fr": "il manque le domaine après le « @ » (ex. epicerie.ca)",
        "en": "the domain after the “@” is missing (e.g. grocery.ca)",
    },
    "config.email.double_dot": {
        "fr": "deux points de suite, ou un point au début ou à la fin du domaine",
        "en": "two dots in a row, or a dot at the start or end of the domain",
    },
    "config.email.dot_edge": {
        "fr": "la partie avant le « @ » ne peut pas commencer ni finir par un point",
        "en": "the part before the “@” cannot start or end with a dot",
    },
    "config.email.local_too_long": {
        "fr": "la partie avant le « @ » est trop longue (64 octets au plus)",
        "en": "the part before the “@” is too long (64 bytes at most)",
    },
    "config.email.bad_char": {
        "fr": "caractère non permis dans une adresse courriel : « {char} »",
        "en": "character not allowed in an email address: “{char}”",
    },
    "config.email.domain_ip": {
        "fr": "après le « @ », mettez un nom de domaine (ex. epicerie.ca), pas une adresse IP",
        "en": "after the “@”, put a domain name (e.g. grocery.ca), not an IP address",
    },
    "config.email.no_dot": {
        "fr": "le domaine « {domain} » est incomplet (ex. epicerie.ca)",
        "en": "the domain “{domain}” is incomplete (e.g. grocery.ca)",
    },
    "config.email.too_long": {
        "fr": "l'adresse est trop longue (254 caractères au plus)",
        "en": "the address is too long (254 characters at most)",
    },
    # --- host names -----------------------------------------------------------
    "config.host.empty": {
        "fr": "entrez le nom du serveur (ex. smtp.gmail.com)",
        "en": "enter the server name (e.g. smtp.gmail.com)",
    },
    "config.host.scheme": {
        "fr": "enlevez « {scheme} » : entrez seulement le nom du serveur (ex. smtp.gmail.com)",
        "en": "remove “{scheme}”: enter only the server name (e.g. smtp.gmail.com)",
    },
    "config.host.email": {
        "fr": "c'est une adresse courriel; entrez le nom du serveur (ex. smtp.gmail.com)",
        "en": "that is an email address; enter the server name (e.g. smtp.gmail.com)",
    },
    "config.host.space": {
        "fr": "un nom de serveur ne contient pas d'espace",
        "en": "a server name has no spaces",
    },
    "config.host.path": {
        "fr": "entrez seulement le nom du serveur, sans « / » ni chemin (ex. smtp.gmail.com)",
        "en": "enter only the server name, without “/” or a path (e.g. smtp.gmail.com)",
    },
    "config.host.port_inside": {
        "fr": "mettez {port} dans le champ Port et seulement « {host} » ici",
        "en": "put {port} in the Port field and only “{host}” here",
    },
    "config.host.bad_ipv6": {
        "fr": "adresse IPv6 invalide",
        "en": "invalid IPv6 address",
    },
    "config.host.bad_ipv4": {
        "fr": "« {value} » n'est pas une adresse IP valide (ex. 192.0.2.10)",
        "en": "“{value}” is not a valid IP address (e.g. 192.0.2.10)",
    },
    "config.host.number": {
        "fr": "« {value} » n'est pas un nom de serveur; un numéro de port va dans le champ Port",
        "en": "“{value}” is not a server name; a port number goes in the Port field",
    },
    "config.host.empty_label": {
        "fr": "deux points de suite, ou un point au début du nom",
        "en": "two dots in a row, or a dot at the start of the name",
    },
    "config.host.bad_label": {
        "fr": "la partie « {label} » du nom n'est pas valide",
        "en": "the part “{label}” of the name is not valid",
    },
    "config.host.label_too_long": {
        "fr": "la partie « {label} » du nom est trop longue (63 caractères au plus)",
        "en": "the part “{label}” of the name is too long (63 characters at most)",
    },
    "config.host.bad_char": {
        "fr": "caractère non permis dans un nom de serveur : « {char} »",
        "en": "character not allowed in a server name: “{char}”",
    },
    "config.host.hyphen_edge": {
        "fr": "la partie « {label} » ne peut pas commencer ni finir par un trait d'union",
        "en": "the part “{label}” cannot start or end with a hyphen",
    },
    "config.host.too_long": {
        "fr": "le nom du serveur est trop long (253 caractères au plus)",
        "en": "the server name is too long (253 characters at most)",
    },
    # --- other fields ---------------------------------------------------------
    "config.port.not_number": {
        "fr": "« {value} » n'est pas un numéro de port; entrez un nombre comme 587 ou 465",
        "en": "“{value}” is not a port number; enter a number such as 587 or 465",
    },
    "config.port.range": {
        "fr": "le port doit être entre 1 et 65535 (reçu {value})",
        "en": "the port must be between 1 and 65535 (got {value})",
    },
    "config.timeout.invalid": {
        "fr": "le délai doit être un nombre de secondes plus grand que 0, au plus {max}",
        "en": "the timeout must be a number of seconds above 0, at most {max}",
    },
    "config.fingerprint.not_hex": {
        "fr": "une empreinte SHA-256 s'écrit en hexadécimal (0-9, A-F), ex. AB:CD:...",
        "en": "a SHA-256 fingerprint is written in hexadecimal (0-9, A-F), e.g. AB:CD:...",
    },
    "config.fingerprint.sha1": {
        "fr": "c'est une empreinte SHA-1; il faut l'empreinte SHA-256 (32 octets)",
        "en": "that is a SHA-1 fingerprint; the SHA-256 one (32 bytes) is needed",
    },
    "config.fingerprint.length": {
        "fr": "une empreinte SHA-256 a 64 chiffres hexadécimaux (reçu {count})",
        "en": "a SHA-256 fingerprint has 64 hexadecimal digits (got {count})",
    },
    "config.fingerprint.grouping": {
        "fr": "séparez l'empreinte par paires (AB:CD:...) ou pas du tout",
        "en": "separate the fingerprint in pairs (AB:CD:...) or not at all",
    },
    "config.listen.invalid": {
        "fr": "entrez une adresse IP et un port où écouter (ex. 127.0.0.1:2525 ou [::1]:2525)",
        "en": "enter an IP address and a port to listen on (e.g. 127.0.0.1:2525 or [::1]:2525)",
    },
    "config.dns.invalid": {
        "fr": "entrez l'adresse IP d'un serveur DNS, avec un port au besoin "
              "(ex. 1.1.1.1, 1.1.1.1:5353 ou [2606:4700:4700::1111]:53)",
        "en": "enter the IP address of a DNS server, with a port if needed "
              "(e.g. 1.1.1.1, 1.1.1.1:5353 or [2606:4700:4700::1111]:53)",
    },
    "config.path.no_such_user": {
        "fr": "« {user} » ne désigne aucun compte de cet ordinateur; écrivez le chemin complet "
              "(ex. /etc/ssl/ca.pem)",
        "en": "“{user}” is not an account on this computer; write the full path "
              "(e.g. /etc/ssl/ca.pem)",
    },
    "config.provider.invalid": {
        "fr": "identifiant de fournisseur invalide (lettres minuscules, chiffres, - ou _)",
        "en": "invalid provider id (lower-case letters, digits, - or _)",
    },
    # --- where a problem is ---------------------------------------------------
    "config.where.line_field": {
        "fr": "ligne {line}, {field} : {message}",
        "en": "line {line}, {field}: {message}",
    },
    "config.where.line_column": {
        "fr": "ligne {line}, colonne {column} : {message}",
        "en": "line {line}, column {column}: {message}",
    },
    "config.where.line": {"fr": "ligne {line} : {message}", "en": "line {line}: {message}"},
    "config.where.field": {"fr": "{field} : {message}", "en": "{field}: {message}"},
    # --- errors about the file ------------------------------------------------
    "config.error.not_found": {
        "fr": "Aucun fichier de réglages à {path}. Lancez comelin-tui pour configurer "
              "le courriel de l'entreprise.",
        "en": "No settings file at {path}. Run comelin-tui to set up the company email.",
    },
    "config.error.invalid": {
        "fr": "Problème dans le fichier de réglages {path} : {problems}",
        "en": "Problem in the settings file {path}: {problems}",
    },
    "config.error.syntax": {
        "fr": "Le fichier de réglages {path} est mal formé : {problems}. Corrigez-le dans un "
              "éditeur de texte, ou relancez comelin-tui pour entrer les réglages de nouveau "
              "(une copie du fichier abîmé sera gardée).",
        "en": "The settings file {path} is malformed: {problems}. Fix it in a text editor, "
              "or run comelin-tui to enter the settings again (a copy of the broken file "
              "will be kept).",
    },
    "config.error.too_new": {
        "fr": "Le fichier de réglages {path} vient d'une version plus récente de comelin-tui "
              "(format {version}; cette version connaît jusqu'au format {known}). "
              "Mettez comelin-tui à jour.",
        "en": "The settings file {path} was written by a newer comelin-tui (format {version}; "
              "this one knows up to format {known}). Update comelin-tui.",
    },
    "config.error.read": {
        "fr": "Impossible de lire le fichier de réglages {path} : {reason}",
        "en": "Cannot read the settings file {path}: {reason}",
    },
    "config.error.too_large": {
        "fr": "Le fichier {path} dépasse {limit} Mio : ce n'est pas un fichier de réglages de "
              "comelin-tui. Vérifiez le chemin donné.",
        "en": "The file {path} is over {limit} MiB: it is not a comelin-tui settings file. "
              "Check the path given.",
    },
    "config.error.write": {
        "fr": "Impossible d'enregistrer les réglages dans {path} : {reason}",
        "en": "Cannot save the settings to {path}: {reason}",
    },
    "config.error.not_saved": {
        "fr": "Réglages non valides, rien n'a été enregistré : {problems}",
        "en": "Settings not valid, nothing was saved: {problems}",
    },
    # --- TOML syntax problems (tomllib's messages, explained) -----------------
    "config.toml.invalid_value": {
        "fr": "valeur illisible; le texte doit être entre guillemets "
              "(ex. host = \"smtp.gmail.com\")",
        "en": "unreadable value; text must be in quotes (e.g. host = \"smtp.gmail.com\")",
    },
    "config.toml.expected_equals": {
        "fr": "il manque « = » après le nom du réglage (ex. port = 587)",
        "en": "“=” is missing after the setting name (e.g. port = 587)",
    },
    "config.toml.overwrite": {
        "fr": "ce réglage est déjà défini plus haut",
        "en": "this setting is already set above",
    },
    "config.toml.declare_twice": {
        "fr": "la section {name} apparaît deux fois",
        "en": "the section {name} appears twice",
    },
    "config.toml.expected_bracket": {
        "fr": "il manque « ] » à la fin du nom de section (ex. [smtp])",
        "en": "“]” is missing at the end of the section name (e.g. [smtp])",
    },
    "config.toml.newline": {
        "fr": "texte en trop après la valeur (un seul réglage par ligne)",
        "en": "extra text after the value (one setting per line)",
    },
    "config.toml.invalid_statement": {
        "fr": "ligne incompréhensible (attendu : nom = valeur, ou [section])",
        "en": "line not understood (expected: name = value, or [section])",
    },
    "config.toml.unterminated": {
        "fr": "guillemet fermant manquant",
        "en": "closing quote missing",
    },
    "config.toml.unclosed": {
        "fr": "crochet « ] » ou accolade fermante manquant",
        "en": "closing “]” or closing curly brace missing",
    },
    "config.toml.illegal_char": {
        "fr": "caractère interdit ({char})",
        "en": "character not allowed ({char})",
    },
    "config.toml.bad_key": {
        "fr": "nom de réglage invalide",
        "en": "invalid setting name",
    },
    "config.toml.bad_escape": {
        "fr": "barre oblique inverse « \\ » invalide dans le texte; doublez-la (\\\\) "
              "ou utilisez des apostrophes ('C:\\dossier')",
        "en": "invalid backslash “\\” in the text; double it (\\\\) or use single quotes "
              "('C:\\folder')",
    },
    "config.toml.other": {"fr": "erreur de syntaxe ({detail})", "en": "syntax error ({detail})"},
    "config.toml.encoding": {
        "fr": "le fichier n'est pas du texte UTF-8",
        "en": "the file is not UTF-8 text",
    },
    "config.toml.too_deep": {
        "fr": "imbrication trop profonde",
        "en": "nested too deeply",
    },
}

register(MESSAGES)
