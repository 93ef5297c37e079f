"""The sitting rules of a body said in French: the body page's quorum sentence, the summary of a
kind's preset on the settings page."""
from __future__ import annotations

from fractions import Fraction

from app.models import Body, BodyKind, BodyRules, PRESETS
from app.models.bodies import named_share

# Shares said in words, with their form after « plus » (« plus de la moitié », « plus du tiers »).
SHARE_WORDS = {
    Fraction(1, 2): ("la moitié", "de la moitié"),
    Fraction(1, 3): ("le tiers", "du tiers"),
    Fraction(2, 3): ("les deux tiers", "des deux tiers"),
    Fraction(1, 4): ("le quart", "du quart"),
    Fraction(3, 4): ("les trois quarts", "des trois quarts"),
    Fraction(1): ("la totalité", "de la totalité"),
}


def quorum_share(rules: Body | BodyRules) -> str:
    """« la moitié au moins », « plus de la moitié », « au moins 60 % »."""
    share = named_share(rules.quorum_fraction)  # 0,33 typed for a third: the quorum applies a third too
    if share is not None:
        words, after_plus = SHARE_WORDS[share]
        return f"plus {after_plus}" if rules.quorum_strict else f"{words} au moins"
    percent = f"{rules.quorum_fraction * 100:.4g} %".replace(".", ",")
    return f"plus de {percent}" if rules.quorum_strict else f"au moins {percent}"


def attending_members(rules: Body | BodyRules) -> str:
    return "présents ou représentés" if rules.quorum_counts_represented else "présents"


def quorum_sentence(body: Body, seats_in_office: int) -> str:
    """« Quorum : la moitié au moins des 100 membres en fonction, présents ou représentés (50) »."""
    minimum = f", et au moins {body.quorum_minimum}" if body.quorum_minimum else ""
    if seats_in_office == 0:
        return (f"Quorum : {quorum_share(body)} des membres en fonction, {attending_members(body)}{minimum} "
                "(aucun membre titulaire avec voix délibérative en fonction)")
    members = "du membre" if seats_in_office == 1 else f"des {seats_in_office} membres"
    return (f"Quorum : {quorum_share(body)} {members} en fonction, {attending_members(body)}{minimum} "
            f"({body.quorum_required(seats_in_office)})")


def within(days: int) -> str:
    """« dans les 8 jours », « dans un délai d'un jour »."""
    return f"dans les {days} jours" if days > 1 else "dans un délai d'un jour"


def rules_summary(rules: Body | BodyRules) -> list[str]:
    """The rules one line each: a body's settings, or a kind's preset on the settings page."""
    days = rules.convocation_days
    lines = [
        f"Convocation, ordre du jour et documents : {days} jour{'s' if days > 1 else ''} avant la séance, "
        "sauf urgence.",
        f"Quorum : {quorum_share(rules)} des membres en fonction, {attending_members(rules)}"
        + (f", et au moins {rules.quorum_minimum}" if rules.quorum_minimum else "") + ".",
        f"Quorum non atteint : seconde convocation {within(rules.second_convocation_days)}, la séance se tenant "
        "alors quel que soit le nombre de présents.",
    ]
    if rules.proxies_allowed:
        limit = rules.max_proxies_per_holder
        lines.append(
            f"Pouvoirs : {limit} au plus par membre titulaire présent, donné{'s' if limit > 1 else ''} seulement "
            "si le suppléant ne peut pas siéger"
            + (" ; le président ne donne ni ne reçoit de pouvoir." if rules.proxies_exclude_presidents else "."))
    else:
        lines.append("Pouvoirs : non admis (seul le suppléant remplace un titulaire).")
    substitutes = rules.max_substitutes_per_titulaire
    lines.append(f"Suppléants : {substitutes} au plus par membre titulaire.")
    absences = rules.unexcused_absences_limit
    lines.append("Absences : un membre absent sans excuse à "
                 + (f"{absences} séances successives" if absences > 1 else "1 séance")
                 + " peut être déclaré démissionnaire.")
    lines.append("Avis : majorité des suffrages exprimés des membres présents ou représentés, "
                 + ("abstentions comprises" if rules.abstentions_in_base else "abstentions non comptées")
                 + (", la voix du président étant prépondérante en cas de partage" if rules.president_casting_vote
                    else ", l'avis n'étant pas adopté en cas de partage égal des voix")
                 + " ; vote "
                 + ("par appel nominal." if rules.roll_call_votes else "à main levée (décompte des voix)."))
    reminder = rules.reminder_days
    lines.append(f"Rappel aux membres qui n'ont pas répondu : {reminder} jour{'s' if reminder > 1 else ''} avant "
                 "la séance.")
    return lines


def preset_summary(kind: BodyKind) -> tuple[str, list[str]]:
    """Where a kind's preset comes from, and its rules one line each."""
    preset = PRESETS[kind]
    return preset.source, rules_summary(preset.rules)
