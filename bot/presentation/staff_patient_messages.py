"""The staff's words about patients: search results, the patient card with visits and outcomes (and
its pain chart) and approvals. The notices staff actions send a patient are queued and rendered by
`bot/services/patient_notices.py`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from babel import Locale

from bot.domain.callback_data import StaffAction
from bot.domain.checkins import CheckinCatalog
from bot.domain.language import DEFAULT_LANGUAGE, LOCALES, language_from_code
from bot.domain.outcomes import Response
from bot.domain.refs import appointment_ref, patient_ref
from bot.messaging.channels import Button
from bot.presentation.charts import ChartLabels, PainChart, pain_chart_png
from bot.presentation.formatting import when_short
from bot.presentation.staff_messages import (
    COURSE_POINTS,
    callback,
    esc,
    fill,
    patient_name,
    service_label,
    signed_text,
    status_mark,
)
from bot.profile import ClinicProfile
from bot.texts import Texts

if TYPE_CHECKING:
    from bot.presentation.staff_views import (
        Approval,
        PatientCard,
        PatientMatch,
        PatientOnFile,
        ScheduleEntry,
    )


def render_matches(texts: Texts, query: str, matches: Sequence[PatientMatch]) -> str:
    items = "\n".join(match_line(texts, m) for m in matches)
    return fill(texts, "staff_ambiguous_patient", query=query, markup={"items": items})


def match_line(texts: Texts, match: PatientMatch) -> str:
    return fill(
        texts,
        "staff_match_line",
        id=patient_ref(match.id),
        name=patient_name(match.name),
        phone=match.phone or "no phone",
        channel=match.channel,
        approved=texts.plain("staff_match_approved") if match.approved else "",
    )


def match_buttons(matches: Sequence[PatientMatch]) -> list[list[Button]]:
    return [
        [
            Button(
                f"{patient_ref(m.id)} {patient_name(m.name)}"[:40],
                data=callback(StaffAction.PATIENT, m.id),
            )
        ]
        for m in matches
    ]


def language_line(texts: Texts, patient: PatientOnFile) -> list[str]:
    """ "Reads the bot in Spanish": staff know to call in it (nothing for the clinic's language)."""
    language = language_from_code(patient.language)
    if language is DEFAULT_LANGUAGE:
        return []
    name = Locale.parse(language.value).get_display_name(LOCALES[DEFAULT_LANGUAGE])
    return [fill(texts, "staff_card_language", language=name or language.value)]


def render_patient_card(texts: Texts, profile: ClinicProfile, card: PatientCard) -> str:
    tz = profile.tz
    patient = card.patient
    assert patient.id is not None

    def yes_no(moment: datetime | None) -> str:
        if moment is None:
            return texts.plain("staff_card_no")
        return texts.plain("staff_card_yes", when=when_short(moment, tz))

    opt_out = ""
    if patient.sms_opted_out_at is not None:
        opt_out += texts.plain("staff_card_opt_out", when=when_short(patient.sms_opted_out_at, tz))
    if patient.telegram_blocked_at is not None:
        opt_out += texts.plain(
            "staff_card_blocked", when=when_short(patient.telegram_blocked_at, tz)
        )
    lines = [
        fill(
            texts, "staff_card_title", name=patient_name(patient.name), id=patient_ref(patient.id)
        ),
        fill(
            texts,
            "staff_card_contact",
            phone=patient.phone_e164 or "no phone",
            channel=patient.preferred_channel,
        ),
        *language_line(texts, patient),
        fill(
            texts,
            "staff_card_consent",
            telegram=yes_no(patient.telegram_consent_at),
            sms=yes_no(patient.sms_consent_at),
            opt_out=opt_out,
        ),
    ]
    if patient.approved_at is not None:
        lines.append(
            fill(
                texts,
                "staff_card_approved",
                when=when_short(patient.approved_at, tz),
                by=patient.approved_by or "?",
            )
        )
    else:
        lines.append(fill(texts, "staff_card_not_approved", id=patient_ref(patient.id)))
    if not card.screened:
        lines.append(texts.plain("staff_card_not_screened"))
    elif card.screening_flags:
        items = "\n".join(
            f"• {esc(texts.plain(f'screen_label_{code}'))}: {esc(answer.replace('_', ' '))}"
            for code, answer in card.screening_flags
        )
        lines.append(fill(texts, "staff_card_flags", markup={"items": items}))
    else:
        lines.append(texts.plain("staff_card_no_flags"))
    if card.medicines:
        lines.append(fill(texts, "staff_card_medicines", medicines=card.medicines[:300]))
    if card.driver:
        lines.append(fill(texts, "staff_card_driver", driver=card.driver.replace("_", " ")))
    lines.append("")
    lines.append(texts.raw("staff_card_upcoming"))
    lines.extend(_visit_lines(texts, profile, card.upcoming))
    lines.append(texts.raw("staff_card_recent"))
    lines.extend(_visit_lines(texts, profile, card.recent))
    if card.status_counts:
        counts = " · ".join(
            f"{status.replace('_', '-')} {count}"
            for status, count in sorted(card.status_counts.items())
        )
        lines.append(fill(texts, "staff_card_counts", counts=counts))
    if card.checkins:
        lines.append(texts.raw("staff_card_checkins"))
        for checkin in card.checkins:
            pain = (
                texts.plain("staff_card_checkin_pain", pain=checkin.pain)
                if checkin.pain is not None
                else ""
            )
            lines.append(
                fill(
                    texts,
                    "staff_card_checkin",
                    slot=checkin.slot,
                    appointment_id=appointment_ref(checkin.appointment_id),
                    status=checkin.status,
                    when=when_short(checkin.at, tz) if checkin.at else "",
                    pain=pain,
                )
            )
    lines.append("")
    lines.extend(outcome_lines(texts, profile, card))
    if card.open_flags:
        lines.append(fill(texts, "staff_card_open_flags", count=card.open_flags))
    return "\n".join(lines)


def _visit_lines(
    texts: Texts, profile: ClinicProfile, entries: Iterable[ScheduleEntry]
) -> list[str]:
    lines = [
        fill(
            texts,
            "staff_card_visit",
            when=when_short(e.starts_at, profile.tz),
            service=service_label(profile, e.service),
            status=f"{status_mark(e)} {e.status.value.replace('_', '-')}",
            appointment_id=appointment_ref(e.appointment_id),
        )
        for e in entries
    ]
    return lines or [texts.plain("staff_card_none")]


def outcome_lines(texts: Texts, profile: ClinicProfile, card: PatientCard) -> list[str]:
    outcome = card.report.outcome
    tz = profile.tz
    lines = [texts.raw("staff_card_outcomes")]
    latest = card.report.latest
    if outcome.baseline_pain is None:
        lines.append(texts.plain("staff_card_no_baseline"))
    else:
        latest_text = texts.plain("staff_na")
        if latest is not None:
            latest_text = texts.plain(
                "staff_card_latest",
                pain=latest.pain,
                slot=latest.slot,
                reduction=_reduction(latest.reduction_pct, texts),
                response=response_label(texts, latest.response),
            )
        lines.append(
            fill(
                texts,
                "staff_card_baseline",
                baseline=f"{outcome.baseline_pain:.1f}",
                latest=latest_text,
            )
        )
        course = " · ".join(
            f"{p.slot} {p.pain} ({_reduction(p.reduction_pct, texts)})"
            for p in outcome.pain_course[-COURSE_POINTS:]
        )
        if course:
            lines.append(fill(texts, "staff_card_course", course=course))
    for relief in outcome.relief:
        days = (
            texts.plain("staff_card_relief_days", days=relief.relief_days)
            if relief.relief_days is not None
            else texts.plain("staff_card_relief_ongoing")
        )
        lines.append(
            fill(
                texts,
                "staff_card_relief",
                when=when_short(relief.last_session_end, tz),
                days=days,
            )
        )
    pgic = texts.plain("staff_not_asked")
    if outcome.pgic_responder is not None:
        pgic = texts.plain(
            "staff_pgic_responder" if outcome.pgic_responder else "staff_pgic_not_responder"
        )
    lines.append(fill(texts, "staff_card_pgic", pgic=pgic))
    moderate = (
        f"{outcome.sessions_with_moderate_side_effect}/{outcome.sessions_with_side_effect_answers}"
        if outcome.sessions_with_side_effect_answers
        else texts.plain("staff_na")
    )
    lines.append(
        fill(
            texts,
            "staff_card_other",
            peg=signed_text(outcome.peg_change, texts),
            phq=outcome.phq[-1].phq2 if outcome.phq else texts.plain("staff_na"),
            moderate=moderate,
        )
    )
    return lines


def _reduction(pct: float | None, texts: Texts) -> str:
    """Reduction from baseline: "43%" lower, "-14%" when pain is above baseline."""
    return texts.plain("staff_na") if pct is None else f"{pct:.0f}%"


def response_label(texts: Texts, response: Response | None) -> str:
    if response is None:
        return texts.plain("staff_na")
    return texts.plain(f"staff_response_{response.value}")


def patient_chart(
    texts: Texts, card: PatientCard, profile: ClinicProfile, catalog: CheckinCatalog
) -> bytes:
    """The PNG of the patient's pain over time (screening and check-in answers)."""
    return pain_chart_png(pain_chart_for(texts, card, catalog), tz=profile.tz)


def pain_chart_for(texts: Texts, card: PatientCard, catalog: CheckinCatalog) -> PainChart:
    """What the pain chart shows for a patient: labelled with their number, never their name."""
    report = card.report
    assert card.patient.id is not None
    baseline = report.outcome.baseline_pain
    pct = catalog.outcomes.responder_pct
    return PainChart(
        points=[(r.at, r.score) for r in report.pain_reports],
        sessions=report.session_starts,
        baseline=baseline,
        responder_pct=pct,
        title=texts.plain("staff_chart_title", id=patient_ref(card.patient.id)),
        labels=ChartLabels(
            pain=texts.plain("staff_chart_pain"),
            session_day=texts.plain("staff_chart_session_day"),
            baseline=texts.plain(
                "staff_chart_baseline", value="" if baseline is None else f"{baseline:.1f}"
            ),
            responder=texts.plain("staff_chart_responder", pct=f"{pct:g}"),
            empty=texts.plain("staff_chart_empty"),
        ),
    )


def render_approval(texts: Texts, approval: Approval) -> str:
    key = "staff_already_approved" if approval.already else "staff_approved"
    return fill(
        texts, key, name=patient_name(approval.patient.name), id=patient_ref(approval.patient.id)
    )
