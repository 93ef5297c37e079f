"""Defaults given to a new meeting."""

# The sections of the tour de table in seed 004 and in the issue: every new meeting starts with them.
DEFAULT_SECTION_TITLES = [
    "Points forts relevés",
    "Thématiques mises en exergue",
    "Difficultés",
    "Propositions",
]
