"""What a new meeting starts with. The round-table editor reads the section titles from here too."""

DEFAULT_SECTION_TITLES = (
    "Points forts relevés",
    "Thématiques mises en exergue",
    "Difficultés",
    "Propositions",
)

DEFAULT_AGENDA_ITEM = "Approbation du compte rendu de la séance précédente"
