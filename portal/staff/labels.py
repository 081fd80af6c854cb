"""The words staff pages use for the portal's codes: kinds, statuses, channels, reasons."""

from wtforms.fields.choices import SelectChoice

from portal.forms import options
from portal.i18n import lazy_gettext as _l

KIND_LABELS = {
    "obstacle": _l("Obstakel"),
    "idea": _l("Idee"),
    "evaluation": _l("Reactie op wat de gemeente deed"),
}
EVALUATION_LABELS = {
    "helps": _l("Helpt"),
    "helps_a_little": _l("Helpt een beetje"),
    "does_not_help": _l("Helpt niet"),
    "not_noticed": _l("Nog niets van gemerkt"),
}
MEDIUM_LABELS = {"email": _l("E-mail"), "letter": _l("Brief")}
NOTIFICATION_STATUS_LABELS = {
    "pending": _l("Wacht"),
    "sending": _l("Wordt verstuurd"),
    "sent": _l("Verstuurd"),
    "failed": _l("Mislukt"),
    "cancelled": _l("Niet verstuurd: geen contactgegevens meer"),
    "uncertain": _l("Onzeker of het is verstuurd"),
}
STATUS_LABELS = {
    "received": _l("Nieuw"),
    "published": _l("Gepubliceerd"),
    "hidden": _l("Verborgen"),
}
ACTION_STATUS_LABELS = {
    "planned": _l("Gepland"),
    "under_way": _l("Bezig"),
    "done": _l("Gedaan"),
    "not_done": _l("Niet gedaan"),
}
VARIANT_LABELS = {"standard": _l("Gewone letters"), "large_print": _l("Grote letters")}
CHANNEL_LABELS = {
    "web": _l("Website"),
    "paper": _l("Papier"),
    "assisted": _l("Met hulp"),
    "phone": _l("Telefoon"),
}
HIDE_REASON_LABELS = {
    "personal_data": _l("Persoonlijke gegevens"),
    "abusive": _l("Beledigend of kwetsend"),
    "off_topic": _l("Gaat niet over meedoen"),
    "duplicate": _l("Dubbel"),
}
STAGE_LABELS = {
    "collecting": _l("Ervaringen verzamelen"),
    "translated": _l("Vertaald naar beleid"),
    "acting": _l("Beleid of praktijk aanpassen"),
    "reported": _l("Geëvalueerd en teruggekoppeld"),
}
ACTION_LABELS = {
    "user.add": _l("Account gemaakt"),
    "user.login": _l("Ingelogd"),
    "user.set_role": _l("Rol gewijzigd"),
    "user.enable": _l("Account aangezet"),
    "user.disable": _l("Account uitgezet"),
    "user.set_password": _l("Wachtwoord gewijzigd"),
    "user.totp_enrolled": _l("App gekoppeld"),
    "user.totp_reset": _l("App ontkoppeld"),
    "submission.publish": _l("Gepubliceerd"),
    "submission.hide": _l("Verborgen"),
    "submission.edit_text": _l("Tekst aangepast"),
    "submission.duplicate": _l("Dubbel gemarkeerd"),
    "submission.themes": _l("Thema's gewijzigd"),
    "theme.create": _l("Thema gemaakt"),
    "theme.update": _l("Thema gewijzigd"),
    "theme.merge": _l("Thema samengevoegd"),
    "theme.split": _l("Thema gesplitst"),
    "theme.stage": _l("Stap in de cyclus gewijzigd"),
    "theme.feedback": _l("Terugkoppeling gewijzigd"),
    "letters.feedback": _l("Brieven over terugkoppeling gemaakt"),
    "proposal.reject": _l("Voorstel afgewezen"),
    "paper_batch.create": _l("Papieren formulieren gemaakt"),
    "paper_form.key": _l("Papieren formulier ingevoerd"),
    "paper_form.key_round": _l("Papieren formulier één keer ingevoerd (van twee)"),
    "paper_form.resolve": _l("Verschillen tussen twee invoeren opgelost"),
    "submission.assisted": _l("Inbreng ingevoerd namens een bewoner"),
    "letters.print": _l("Brieven geprint"),
    "scan_upload.create": _l("Scans van formulieren gestuurd"),
    "theme_action.add": _l("Actie toegevoegd"),
    "theme_action.update": _l("Actie aangepast"),
    "theme.action_added": _l("Actie toegevoegd"),
    "neighbourhood.add": _l("Wijk toegevoegd"),
    "neighbourhood.update": _l("Wijk gewijzigd"),
    "life_domain.add": _l("Leefgebied toegevoegd"),
    "life_domain.update": _l("Leefgebied gewijzigd"),
    "export.submissions": _l("Inbreng gedownload"),
    "export.themes": _l("Thema's gedownload"),
    "report.council": _l("Rapport voor de gemeenteraad gemaakt"),
}
LANGUAGE_NAMES = {
    "nl": _l("Nederlands"),
    "en": _l("Engels"),
    "ar": _l("Arabisch"),
    "tr": _l("Turks"),
    "pl": _l("Pools"),
    "uk": _l("Oekraïens"),
}


def choices(labels: dict, everything=None) -> list[SelectChoice]:
    """Select options from a label table, with an "any" option first when asked."""
    pairs = list(labels.items())  # lazy labels: translated when the form is shown
    return options([("", everything), *pairs] if everything is not None else pairs)
