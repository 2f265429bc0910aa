"""The live SMTP diagnostics engine (Textual-free).

``model`` holds the shared vocabulary (steps, statuses, diagnoses, the JSON
contract); ``engine`` runs the conversation; ``classifier`` names failures;
``probe`` tries other port/security candidates.
"""
