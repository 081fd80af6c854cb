"""The register of processing activities (verwerkingsregister, AVG article 30), as data.

Every activity names the exact `table.column` where its personal data lives, so
tests/functional/test_privacy_register.py can hold the register against the tables: a
column with personal data that no activity names fails that test. How long data is kept
names the setting it comes from and is shown with that setting's live value, never with a
number written here. The prose is Dutch through gettext, translated when shown.

This describes what the portal itself does. Who runs the servers, and the gemeente's other
processing, belong in the gemeente's own register.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask_babel.speaklater import LazyString
from limits import parse_many

from portal.domain import accounts, drafts
from portal.domain.disclosure import MINIMUM_GROUP
from portal.i18n import gettext, ngettext
from portal.i18n import lazy_gettext as _l

# A text in the register: fixed, or worded from the live settings when it is shown.
Said = LazyString | Callable[[Mapping], str]

DRAFT_DAYS = drafts.LIFETIME.days
RATE_LIMIT_SETTINGS = (
    "RATELIMIT_SUBMIT",
    "RATELIMIT_LOOKUP",
    "RATELIMIT_LOGIN",
    "RATELIMIT_EXPERIENCE",
    "RATELIMIT_PAPER_FORM",
    "RATELIMIT_API",
)


@dataclass(frozen=True)
class DataCategory:
    """One kind of personal data and the columns it is stored in; no columns: it is not in
    the database (the label says where it is instead)."""

    label: LazyString
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Retention:
    """How long some of the data is kept: `rule` words it from the settings it names."""

    data: LazyString
    rule: Said
    settings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Activity:
    slug: str  # the anchor on the page
    name: LazyString
    purpose: LazyString
    legal_basis: tuple[LazyString, ...]
    data_subjects: tuple[LazyString, ...]
    data: tuple[DataCategory, ...]
    recipients: tuple[Said, ...]
    retention: tuple[Retention, ...]
    security: tuple[Said, ...]
    processors: tuple[LazyString, ...] = ()

    @property
    def columns(self) -> set[str]:
        return {column for category in self.data for column in category.columns}


def say(text: Said, config: Mapping) -> str:
    return text(config) if callable(text) else str(text)


def _days(number: int) -> str:
    return ngettext("%(num)d dag", "%(num)d dagen", number) % {"num": number}


def rate_limit_window(config: Mapping) -> int:
    """The longest window of any rate limit, in seconds: no count of a client's requests
    is kept longer than that."""
    windows = [
        item.get_expiry()
        for key, value in config.items()
        if key.startswith("RATELIMIT_") and isinstance(value, str) and " per " in value
        for item in parse_many(value)
    ]
    return max(windows, default=0)


def duration(seconds: int) -> str:
    """A period in the largest whole unit that fits it: hours, minutes or seconds."""
    if seconds and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(num)d uur", "%(num)d uur", hours) % {"num": hours}
    if seconds and seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(num)d minuut", "%(num)d minuten", minutes) % {"num": minutes}
    return ngettext("%(num)d seconde", "%(num)d seconden", seconds) % {"num": seconds}


def statement_values(config: Mapping) -> dict:
    """The live numbers the privacy statement promises, for its template."""
    return {
        "contact_retention_days": config["CONTACT_RETENTION_DAYS"],
        "contact_days_after_feedback": config["CONTACT_DAYS_AFTER_FEEDBACK"],
        "scan_crop_days": config["SCAN_CROP_DAYS"],
        "draft_days": DRAFT_DAYS,
        "session_days": config["PERMANENT_SESSION_LIFETIME"].days,
        "staff_idle_minutes": config["STAFF_IDLE_MINUTES"],
        "staff_session_hours": config["STAFF_SESSION_HOURS"],
        "rate_limit_window": duration(rate_limit_window(config)),
        "rate_limits_in_memory": config["RATELIMIT_STORAGE_URI"].startswith("memory:"),
        "minimum_group": MINIMUM_GROUP,
        "privacy_contact": config["PRIVACY_CONTACT"],
    }


# --- what several activities share -----------------------------------------------------------

PUBLIC_TASK = _l(
    "Artikel 6 lid 1 onder e AVG: een taak van algemeen belang. "
    "De gemeente maakt beleid waarbij iedereen mee kan doen."
)
CONSENT = _l("Artikel 6 lid 1 onder a AVG: toestemming. Die kan altijd worden ingetrokken.")
SECURITY_DUTY = _l(
    "Artikel 32 AVG: de gemeente moet gegevens beveiligen en kunnen nagaan wie wat deed."
)

RESIDENTS = _l("Inwoners die iets vertellen: via de website, op papier, met hulp of telefonisch.")
STAFF = _l("Medewerkers van de gemeente en van het wijkteam die het portaal gebruiken.")

MODERATORS = _l("Moderatoren: lezen alle inbreng, ook wat niet op de website komt.")
WIJKTEAM = _l("Wijkteam: papieren formulieren, inbreng die zij invoerden en brieven.")
POLICY = _l(
    "Beleidsmedewerkers: alleen lezen; thema's met hun gepubliceerde inbreng, rapporten en exports."
)
ADMINS = _l("Beheerders: alles wat moderatoren zien, en de accounts van medewerkers.")

ROLES_CHECKED = _l("Elke pagina voor medewerkers controleert de rol van de medewerker.")
NO_TRACES = _l("Geen IP-adres en geen browsergegevens bij de inbreng.")


def _https(config: Mapping) -> str:
    if config["HSTS"]:
        return gettext("Alleen via een versleutelde verbinding (HTTPS, met HSTS).")
    return gettext("Het portaal dwingt HTTPS niet af (instelling PORTAL_ENV).")


def _second_factor(config: Mapping) -> str:
    if config["STAFF_REQUIRE_SECOND_FACTOR"]:
        return gettext("Medewerkers loggen in met een wachtwoord en een code uit een app.")
    return gettext(
        "Een code uit een app bij het inloggen is niet verplicht "
        "(instelling STAFF_REQUIRE_SECOND_FACTOR)."
    )


def _mail_transport(config: Mapping) -> str:
    if config["SMTP_SECURITY"] in ("starttls", "tls"):
        return gettext("De verbinding met de mailserver is versleuteld.")
    return gettext(
        "De verbinding met de mailserver is niet versleuteld (instelling SMTP_SECURITY)."
    )


NOT_REMOVED = _l("Geen vaste termijn. Het portaal haalt dit niet vanzelf weg.")


# --- the activities --------------------------------------------------------------------------

ACTIVITIES: tuple[Activity, ...] = (
    Activity(
        slug="inbreng",
        name=_l("Inbreng ontvangen en gebruiken voor beleid"),
        purpose=_l(
            "Horen wat inwoners in de weg zit of wat beter kan. "
            "De inbreng ordenen in thema's, en vertellen wat de gemeente ermee deed."
        ),
        legal_basis=(
            PUBLIC_TASK,
            _l(
                "Bijzondere gegevens, zoals over gezondheid, vragen we niet. "
                "Schrijft iemand ze toch op, dan haalt een moderator ze weg vóór publicatie."
            ),
        ),
        data_subjects=(RESIDENTS,),
        data=(
            DataCategory(
                _l("De tekst in de eigen woorden van de inwoner"),
                ("submission.text",),
            ),
            DataCategory(
                _l("Obstakel of idee, onderwerp, wijk en hoe erg iets in de weg zit"),
                (
                    "submission.kind",
                    "submission.life_domain_id",
                    "submission.neighbourhood_id",
                    "submission.height",
                ),
            ),
            DataCategory(
                _l("Taal, manier van meedoen en tijdstip van ontvangst"),
                ("submission.language", "submission.channel", "submission.created_at"),
            ),
            DataCategory(
                _l("De volgcode, en de code van het concept waar de inbreng uit kwam"),
                ("submission.receipt_code", "submission.draft_token"),
            ),
            DataCategory(
                _l("Wat moderatoren ermee deden: gepubliceerd, verborgen en waarom, dubbel"),
                (
                    "submission.status",
                    "submission.hidden_reason",
                    "submission.duplicate_of_id",
                    "submission.moderated_at",
                ),
            ),
            DataCategory(
                _l("De thema's waar de inbreng bij hoort"),
                ("theme_submission.theme_id", "theme_submission.submission_id"),
            ),
        ),
        recipients=(MODERATORS, WIJKTEAM, POLICY, ADMINS),
        retention=(Retention(_l("De inbreng"), NOT_REMOVED),),
        security=(
            NO_TRACES,
            _l("De volgcode is willekeurig en zegt niets over de inwoner."),
            ROLES_CHECKED,
            _https,
        ),
    ),
    Activity(
        slug="concepten",
        name=_l("Antwoorden bewaren tussen de stappen van het formulier"),
        purpose=_l("Wat een inwoner invulde niet kwijtraken voordat het is verstuurd."),
        legal_basis=(PUBLIC_TASK,),
        data_subjects=(RESIDENTS,),
        data=(
            DataCategory(
                _l("De antwoorden die nog niet zijn verstuurd, ook een e-mailadres"),
                ("draft.data", "draft.updated_at"),
            ),
            DataCategory(
                _l("Een willekeurige code, ook in het cookie van de inwoner"),
                ("draft.token",),
            ),
        ),
        recipients=(_l("Niemand: medewerkers zien concepten niet."),),
        retention=(
            Retention(
                _l("Een concept"),
                lambda config: gettext(
                    "Weg zodra het is verstuurd. Anders weg na %(period)s (flask retention run).",
                    period=_days(DRAFT_DAYS),
                ),
            ),
        ),
        security=(_l("Alleen op te halen met de code in het eigen cookie."),),
    ),
    Activity(
        slug="papier",
        name=_l("Papieren formulieren invoeren"),
        purpose=_l(
            "Ook inbreng op papier meetellen. Medewerkers typen het formulier over, "
            "soms met hulp van een scan."
        ),
        legal_basis=(PUBLIC_TASK, CONSENT),
        data_subjects=(RESIDENTS, STAFF),
        data=(
            DataCategory(
                _l("De code op het formulier: die wordt de volgcode"),
                ("paper_form.code", "paper_form.submission_id", "scan_page.form_code"),
            ),
            DataCategory(
                _l("Het handschrift van de inwoner, uitgeknipt uit de scan"),
                ("scan_crop.png",),
            ),
            DataCategory(
                _l("Wat de scan las uit de vakjes"),
                ("scan_page.readings",),
            ),
            DataCategory(
                _l(
                    "Bij twee keer invoeren: beide ingetypte versies, "
                    "ook een adres dat op het formulier staat"
                ),
                ("paper_keying.form_code", "paper_keying.answers"),
            ),
            DataCategory(
                _l("Wie het formulier invoerde of de scan uploadde, en wanneer"),
                (
                    "paper_form.keyed_by",
                    "paper_form.keyed_at",
                    "paper_keying.keyed_by",
                    "paper_keying.keyed_at",
                    "scan_upload.uploaded_by",
                    "scan_upload.uploaded_at",
                    "scan_upload.filename",
                    "paper_batch.created_by",
                    "paper_batch.created_at",
                ),
            ),
            DataCategory(_l("Het gescande bestand zelf: dat bewaart het portaal niet")),
        ),
        recipients=(WIJKTEAM, MODERATORS, ADMINS),
        retention=(
            Retention(
                _l("Handschrift uit een scan"),
                lambda config: gettext(
                    "%(period)s nadat het formulier is ingevoerd.",
                    period=_days(config["SCAN_CROP_DAYS"]),
                ),
                ("SCAN_CROP_DAYS",),
            ),
            Retention(
                _l("Handschrift uit een scan"),
                lambda config: gettext(
                    "Hooguit %(period)s na het uploaden, ook als het formulier niet is ingevoerd.",
                    period=_days(config["CONTACT_RETENTION_DAYS"]),
                ),
                ("CONTACT_RETENTION_DAYS",),
            ),
            Retention(
                _l("Beide ingetypte versies bij twee keer invoeren"),
                lambda config: gettext(
                    "%(period)s nadat het formulier is ingevoerd (flask retention run).",
                    period=_days(config["SCAN_CROP_DAYS"]),
                ),
                ("SCAN_CROP_DAYS",),
            ),
            Retention(_l("De code van het formulier en wie het invoerde"), NOT_REMOVED),
        ),
        security=(
            _l("Het gescande bestand wordt na het lezen weggegooid."),
            _l("Alleen wijkteam, moderatoren en beheerders zien het handschrift."),
            _l(
                "Is het vakje voor bericht over de inbreng niet aangekruist, dan bewaren we "
                "geen beeld van wat er in het vak voor het adres staat."
            ),
            ROLES_CHECKED,
        ),
    ),
    Activity(
        slug="met-hulp",
        name=_l("Inbreng opschrijven voor een inwoner, in persoon of aan de telefoon"),
        purpose=_l("Ook meedoen zonder website of formulier: een medewerker schrijft het op."),
        legal_basis=(
            PUBLIC_TASK,
            _l(
                "De inwoner stemt ermee in dat de medewerker het opschrijft. Dat moment bewaren we."
            ),
        ),
        data_subjects=(RESIDENTS, STAFF),
        data=(
            DataCategory(
                _l("De tekst in de woorden en taal van de inwoner, en de andere antwoorden"),
                ("submission.text", "submission.channel", "submission.language"),
            ),
            DataCategory(
                _l("Wanneer de inwoner instemde, en welke medewerker het opschreef"),
                ("submission.resident_consent_at", "submission.entered_by"),
            ),
        ),
        recipients=(WIJKTEAM, MODERATORS, ADMINS),
        retention=(Retention(_l("De inbreng en wie die opschreef"), NOT_REMOVED),),
        security=(
            _l("De database weigert deze inbreng zonder het moment van instemming."),
            ROLES_CHECKED,
        ),
    ),
    Activity(
        slug="bericht",
        name=_l("Een inwoner bericht sturen over wat er met de inbreng gebeurde"),
        purpose=_l(
            "Inwoners die dat willen vertellen wat de gemeente deed: per e-mail of per brief."
        ),
        legal_basis=(
            CONSENT,
            _l(
                "Wie met hulp meedeed en geen adres gaf, krijgt een brief via het wijkteam. "
                "Daarvoor bewaren we geen adres."
            ),
        ),
        data_subjects=(_l("Inwoners die bericht willen krijgen."),),
        data=(
            DataCategory(
                _l("E-mailadres of postadres (met naam), apart van de tekst"),
                ("contact_details.email", "contact_details.postal_address"),
            ),
            DataCategory(
                _l(
                    "Wanneer de inwoner toestemming gaf, tot wanneer we het adres bewaren, en "
                    "wanneer de inwoner het zelf weghaalde"
                ),
                (
                    "contact_details.submission_id",
                    "contact_details.consent_at",
                    "contact_details.retain_until",
                    "submission.contact_withdrawn_at",
                ),
            ),
            DataCategory(
                _l("Welke berichten over welk thema zijn verstuurd, hoe en wanneer"),
                (
                    "notification.submission_id",
                    "notification.theme_id",
                    "notification.medium",
                    "notification.language",
                    "notification.status",
                    "notification.sent_at",
                ),
            ),
            DataCategory(
                _l("De foutmelding van de mailserver; die kan het e-mailadres noemen"),
                ("notification.last_error",),
            ),
            DataCategory(
                _l("Wie een ronde brieven maakte, en wanneer"),
                ("letter_run.created_by", "letter_run.created_at"),
            ),
        ),
        recipients=(
            _l("Moderatoren zien bij de inbreng alleen of iemand bericht wil, niet het adres."),
            _l(
                "Wie brieven print of formulieren invoert, ziet het postadres: "
                "wijkteam, moderatoren en beheerders."
            ),
            _l("Het e-mailadres ziet alleen de medewerker die het voor de inwoner invoert."),
            _l("De aanbieder van de mailserver, als verwerker: het e-mailadres en het bericht."),
        ),
        retention=(
            Retention(
                _l("Contactgegevens"),
                lambda config: gettext(
                    "Hooguit %(period)s nadat ze zijn gegeven.",
                    period=_days(config["CONTACT_RETENTION_DAYS"]),
                ),
                ("CONTACT_RETENTION_DAYS",),
            ),
            Retention(
                _l("Contactgegevens, meestal eerder"),
                lambda config: gettext(
                    "%(period)s nadat het laatste bericht is verstuurd, of nadat de "
                    "inbreng zonder thema is afgesloten.",
                    period=_days(config["CONTACT_DAYS_AFTER_FEEDBACK"]),
                ),
                ("CONTACT_DAYS_AFTER_FEEDBACK",),
            ),
            Retention(
                _l("Contactgegevens, op verzoek"),
                _l("Meteen, als de inwoner ze met de volgcode weghaalt."),
            ),
            Retention(_l("Welke berichten zijn verstuurd (zonder adres)"), NOT_REMOVED),
        ),
        security=(
            _l("Contactgegevens staan apart van de tekst."),
            _l("Nooit op de website, in de open data of in een export."),
            _l("Op de statuspagina alleen deels zichtbaar."),
            _l("Een e-mail gaat via een wachtrij; elk bericht gaat hooguit één keer weg."),
            _mail_transport,
        ),
        processors=(_l("De aanbieder van de mailserver (SMTP) die de e-mail bezorgt."),),
    ),
    Activity(
        slug="dit-herken-ik",
        name=_l("'Dit herken ik' bij een thema"),
        purpose=_l("Tellen hoeveel inwoners een thema herkennen, zonder dat iemand dubbel telt."),
        legal_basis=(PUBLIC_TASK,),
        data_subjects=(_l("Inwoners die 'dit herken ik' kiezen."),),
        data=(
            DataCategory(
                _l(
                    "Een code die is afgeleid van een willekeurige code in het cookie. "
                    "De code zegt niet wie iemand is."
                ),
                ("experience.person_key",),
            ),
            DataCategory(
                _l("Het thema, de taal, de manier van meedoen en het tijdstip"),
                (
                    "experience.theme_id",
                    "experience.language",
                    "experience.channel",
                    "experience.created_at",
                ),
            ),
        ),
        recipients=(MODERATORS, POLICY, ADMINS, _l("Inwoners zien het aantal niet.")),
        retention=(
            Retention(_l("'Dit herken ik'"), NOT_REMOVED),
            Retention(
                _l("De willekeurige code in het cookie"),
                lambda config: gettext(
                    "Hooguit %(period)s in de browser van de inwoner.",
                    period=_days(config["PERMANENT_SESSION_LIFETIME"].days),
                ),
                ("PERMANENT_SESSION_LIFETIME",),
            ),
        ),
        security=(_l("De code is een HMAC met een geheime sleutel van het portaal."), NO_TRACES),
    ),
    Activity(
        slug="evaluatie",
        name=_l("Vragen of wat de gemeente deed helpt"),
        purpose=_l("Weten of een verandering echt helpt, van de mensen die erover vertelden."),
        legal_basis=(PUBLIC_TASK,),
        data_subjects=(_l("Inwoners die met hun volgcode antwoord geven."),),
        data=(
            DataCategory(
                _l("Het antwoord per thema, bij de inbreng van de inwoner"),
                (
                    "evaluation.theme_id",
                    "evaluation.submission_id",
                    "evaluation.answer",
                    "evaluation.language",
                    "evaluation.created_at",
                    "evaluation.updated_at",
                ),
            ),
            DataCategory(
                _l("Een reactie wordt nieuwe inbreng, met een eigen volgcode"),
                ("submission.text", "submission.kind"),
            ),
        ),
        recipients=(MODERATORS, POLICY, ADMINS),
        retention=(Retention(_l("De antwoorden"), NOT_REMOVED),),
        security=(_l("Alleen met de volgcode van de inbreng."), ROLES_CHECKED),
    ),
    Activity(
        slug="over-mij",
        name=_l("'Over mij': wie er meedoet, in aantallen"),
        purpose=_l("Zien welke groepen de gemeente bereikt en welke niet."),
        legal_basis=(
            CONSENT,
            _l(
                "Artikel 9 lid 2 onder a AVG: uitdrukkelijke toestemming, "
                "als een vraag over gezondheid of andere bijzondere gegevens gaat."
            ),
            _l("Alle vragen zijn vrijwillig. Wie niets invult, laat niets achter."),
        ),
        data_subjects=(_l("Inwoners die na het versturen 'Over mij' invullen."),),
        data=(
            DataCategory(
                _l("De leeftijdsgroep en de maand, geen dag of tijd"),
                ("profile.age_band", "profile.period"),
            ),
            DataCategory(
                _l("De antwoorden op de vragen van de gemeente"),
                (
                    "profile_answer.profile_id",
                    "profile_answer.question_id",
                    "profile_answer.option_id",
                ),
            ),
        ),
        recipients=(
            lambda config: gettext(
                "Moderatoren, beleidsmedewerkers en beheerders: alleen aantallen. "
                "Groepen kleiner dan %(minimum)d tonen we niet.",
                minimum=MINIMUM_GROUP,
            ),
        ),
        retention=(
            Retention(
                _l("De antwoorden"),
                _l("Geen vaste termijn. Weg als de gemeente de vraag verwijdert."),
            ),
        ),
        security=(
            _l("Niet te koppelen aan inbreng, volgcode, wijk, taal of manier van meedoen."),
            _l("Een willekeurige sleutel, en alleen de maand."),
            _l("Alleen aantallen per antwoord. Kleine groepen worden verborgen."),
        ),
    ),
    Activity(
        slug="publicatie",
        name=_l("Inbreng publiceren: op de website, als open data en in exports"),
        purpose=_l("Laten zien wat inwoners vertellen, en de gemeente daarop laten werken."),
        legal_basis=(PUBLIC_TASK,),
        data_subjects=(RESIDENTS, STAFF),
        data=(
            DataCategory(
                _l("De tekst zoals een moderator die vrijgaf, zonder persoonlijke gegevens"),
                ("submission.text",),
            ),
            DataCategory(
                _l("Soort, taal, onderwerp, wijk, hoe erg en manier van meedoen"),
                (
                    "submission.kind",
                    "submission.language",
                    "submission.life_domain_id",
                    "submission.neighbourhood_id",
                    "submission.height",
                    "submission.channel",
                ),
            ),
            DataCategory(
                _l("De dag van ontvangst; de tijd alleen in exports voor medewerkers"),
                ("submission.created_at",),
            ),
            DataCategory(
                _l("Wie een actie uitvoert: een afdeling, of soms de naam van een medewerker"),
                ("theme_action.owner",),
            ),
        ),
        recipients=(
            _l("Iedereen: de website en de open-data-API tonen gepubliceerde inbreng."),
            POLICY,
        ),
        retention=(
            Retention(
                _l("Gepubliceerde inbreng"),
                _l("Zolang die gepubliceerd is. Een moderator kan inbreng weer verbergen."),
            ),
        ),
        security=(
            _l("Alleen inbreng die een moderator las en vrijgaf."),
            _l("Nooit een volgcode, contactgegevens, of wie iets invoerde."),
            _l("Exports leggen vast wie wat exporteerde."),
        ),
    ),
    Activity(
        slug="medewerkers",
        name=_l("Accounts en inloggen van medewerkers"),
        purpose=_l("Alleen de juiste medewerkers laten werken met de gegevens van inwoners."),
        legal_basis=(PUBLIC_TASK, SECURITY_DUTY),
        data_subjects=(STAFF,),
        data=(
            DataCategory(
                _l("E-mailadres, rol, en of het account aan staat"),
                ("staff_user.email", "staff_user.role", "staff_user.active"),
            ),
            DataCategory(
                _l("Wachtwoord als hash, en het geheim van de app voor de inlogcode"),
                (
                    "staff_user.password_hash",
                    "staff_user.totp_secret",
                    "staff_user.totp_confirmed_at",
                    "staff_user.totp_last_step",
                ),
            ),
            DataCategory(
                _l("Wanneer het account is gemaakt en wanneer iemand inlogde"),
                ("staff_user.created_at", "staff_user.last_login_at"),
            ),
            DataCategory(
                _l("Inlogsessies: een hash van de sessiecode, begin, laatst actief en einde"),
                (
                    "staff_session.token_hash",
                    "staff_session.user_id",
                    "staff_session.created_at",
                    "staff_session.last_seen_at",
                    "staff_session.ended_at",
                ),
            ),
            DataCategory(
                _l("Mislukte pogingen om in te loggen, bij een hash van het e-mailadres"),
                (
                    "login_throttle.key",
                    "login_throttle.failures",
                    "login_throttle.window_started_at",
                    "login_throttle.locked_until",
                ),
            ),
        ),
        recipients=(ADMINS,),
        retention=(
            Retention(
                _l("Accounts"),
                _l("Ze worden uitgezet, niet verwijderd: het logboek noemt ze."),
            ),
            Retention(
                _l("Een sessie eindigt"),
                lambda config: gettext(
                    "Na %(idle)s zonder activiteit, en altijd na %(longest)s.",
                    idle=duration(config["STAFF_IDLE_MINUTES"] * 60),
                    longest=duration(config["STAFF_SESSION_HOURS"] * 3600),
                ),
                ("STAFF_IDLE_MINUTES", "STAFF_SESSION_HOURS"),
            ),
            Retention(
                _l("Gegevens van afgelopen sessies"),
                lambda config: gettext(
                    "Weg bij de dagelijkse opruimronde (flask retention run) na het uitloggen, "
                    "en anders %(longest)s na het begin van de sessie.",
                    longest=duration(config["STAFF_SESSION_HOURS"] * 3600),
                ),
                ("STAFF_SESSION_HOURS",),
            ),
            Retention(
                _l("Mislukte pogingen"),
                _l(
                    "Weg bij de volgende gelukte inlog. Anders weg bij de dagelijkse opruimronde "
                    "(flask retention run) zodra ze niets meer op slot houden."
                ),
            ),
        ),
        security=(
            _second_factor,
            lambda config: gettext(
                "Na %(failures)d mislukte pogingen gaat het account %(lock)s op slot.",
                failures=accounts.THROTTLE_FAILURES,
                lock=duration(int(accounts.THROTTLE_LOCK.total_seconds())),
            ),
            _l("Uitloggen en uitzetten beëindigt elke sessie op de server."),
            _https,
        ),
    ),
    Activity(
        slug="logboek",
        name=_l("Het logboek: wie deed wat, en wanneer"),
        purpose=_l(
            "Kunnen nagaan wat er met inbreng gebeurde. Als een moderator persoonlijke "
            "gegevens uit een tekst haalt, blijft de oude tekst in het logboek."
        ),
        legal_basis=(PUBLIC_TASK, SECURITY_DUTY),
        data_subjects=(STAFF, RESIDENTS),
        data=(
            DataCategory(
                _l("Welke medewerker wat deed, bij welk record en wanneer"),
                (
                    "audit_event.actor_id",
                    "audit_event.actor",
                    "audit_event.action",
                    "audit_event.record_id",
                    "audit_event.created_at",
                ),
            ),
            DataCategory(
                _l("Wat er voor en na stond, ook de oorspronkelijke tekst van een inwoner"),
                ("audit_event.before", "audit_event.after"),
            ),
            DataCategory(
                _l("Wie iets aan een thema of voorstel deed, bij dat thema zelf"),
                (
                    "theme_feedback.updated_by",
                    "theme_feedback.updated_at",
                    "theme_action.created_by",
                    "theme_action.created_at",
                    "rejected_proposal.rejected_by",
                    "rejected_proposal.rejected_at",
                ),
            ),
        ),
        recipients=(_l("Moderatoren en beheerders."),),
        retention=(Retention(_l("Het logboek"), NOT_REMOVED),),
        security=(
            _l("Het logboek kan in het portaal niet worden veranderd."),
            ROLES_CHECKED,
        ),
    ),
    Activity(
        slug="misbruik",
        name=_l("Misbruik tegengaan"),
        purpose=_l("Voorkomen dat iemand heel vaak iets verstuurt of opvraagt."),
        legal_basis=(PUBLIC_TASK, SECURITY_DUTY),
        data_subjects=(_l("Iedereen die iets verstuurt of opvraagt."),),
        data=(
            DataCategory(
                _l(
                    "Het IP-adres met een teller. Niet in de database: in het geheugen, "
                    "of in Redis als er meer servers zijn (instelling RATELIMIT_STORAGE_URI)."
                )
            ),
        ),
        recipients=(_l("Niemand: de tellers worden alleen door het portaal gelezen."),),
        retention=(
            Retention(
                _l("Een teller"),
                lambda config: gettext(
                    "Hooguit %(period)s.", period=duration(rate_limit_window(config))
                ),
                RATE_LIMIT_SETTINGS,
            ),
        ),
        security=(NO_TRACES,),
    ),
)


def named_columns() -> set[str]:
    """Every `table.column` some activity names."""
    return {column for activity in ACTIVITIES for column in activity.columns}


def shown(config: Mapping) -> list[dict]:
    """The register as the page shows it: every text in the reader's language, every
    period from the live settings."""
    return [
        {
            "slug": activity.slug,
            "name": str(activity.name),
            "purpose": str(activity.purpose),
            "legal_basis": [str(text) for text in activity.legal_basis],
            "data_subjects": [str(text) for text in activity.data_subjects],
            "data": [
                {"label": str(category.label), "columns": category.columns}
                for category in activity.data
            ],
            "recipients": [say(text, config) for text in activity.recipients],
            "retention": [
                {
                    "data": str(item.data),
                    "period": say(item.rule, config),
                    "settings": item.settings,
                }
                for item in activity.retention
            ],
            "security": [say(text, config) for text in activity.security],
            "processors": [str(text) for text in activity.processors],
        }
        for activity in ACTIVITIES
    ]
