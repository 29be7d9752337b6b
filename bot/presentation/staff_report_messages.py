"""The staff's words for reports: the export caption, the outcomes summary, the daily digest, and the
times offered to (and booked for) phone-only patients."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.callback_data import StaffAction
from bot.domain.checkins import CheckinCatalog
from bot.domain.refs import appointment_ref, patient_ref
from bot.messaging.channels import Button, OutgoingMessage
from bot.presentation.formatting import when_short
from bot.presentation.staff_messages import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    callback,
    day_lines,
    day_title,
    fill,
    fit_lines,
    patient_name,
    percent_text,
    service_label,
    signed_text,
)
from bot.presentation.staff_plan_messages import flag_lines
from bot.profile import ClinicProfile, ServiceKind
from bot.texts import Texts

if TYPE_CHECKING:
    from bot.presentation.outcome_views import ClinicSummary
    from bot.presentation.staff_views import Digest, Export, OfferBooked, SlotOffer


def render_export_caption(texts: Texts, export: Export) -> str:
    totals = " · ".join(
        texts.plain("staff_export_total", status=status.replace("_", "-"), count=count)
        for status, count in sorted(export.totals.items())
    )
    caption = fill(
        texts,
        "staff_export_caption",
        first=day_title(export.first_day),
        last=day_title(export.last_day),
        rows=export.rows,
        totals=totals,
    )
    return caption[:CAPTION_LIMIT]


def render_outcomes(texts: Texts, summary: ClinicSummary, catalog: CheckinCatalog) -> str:
    settings = catalog.outcomes
    na = texts.plain("staff_na")
    if summary.first_day is None and summary.last_day is None:
        period = texts.plain("staff_outcomes_all_time")
    else:
        first = day_title(summary.first_day) if summary.first_day else "…"
        last = day_title(summary.last_day) if summary.last_day else "…"
        period = f"{first} – {last}"
    lines = [
        fill(texts, "staff_outcomes_title", period=period),
        fill(
            texts,
            "staff_outcomes_patients",
            treated=summary.patients_treated,
            with_baseline=summary.patients_with_baseline,
            baseline=na if summary.mean_baseline is None else f"{summary.mean_baseline:.1f}",
        ),
        texts.raw("staff_outcomes_reduction"),
    ]
    for stat in summary.slots:
        slot = texts.plain("staff_outcomes_weekly") if stat.slot == "weekly" else stat.slot
        lines.append(
            fill(
                texts,
                "staff_outcomes_slot",
                slot=slot,
                mean=na if stat.mean_reduction is None else f"{stat.mean_reduction:.0f}%",
                responder_pct=f"{settings.responder_pct:g}",
                responders=percent_text(stat.responder_share, texts),
                substantial_pct=f"{settings.substantial_pct:g}",
                substantial=percent_text(stat.substantial_share, texts),
                n=stat.count,
            )
        )
    median = summary.median_relief_days
    lines += [
        fill(
            texts,
            "staff_outcomes_relief",
            median=na if median is None else f"{median:g} days",
            n=len(summary.relief_days),
            ongoing=summary.relief_ongoing,
        ),
        fill(
            texts,
            "staff_outcomes_pgic",
            share=percent_text(summary.pgic_share, texts),
            n=summary.pgic_count,
        ),
        fill(
            texts,
            "staff_outcomes_peg",
            mean=signed_text(summary.mean_peg_change, texts),
            n=summary.peg_count,
        ),
        fill(
            texts,
            "staff_outcomes_phq",
            threshold=catalog.phq9_when_phq2_at_least,
            high=summary.phq2_high,
            n=summary.phq_count,
        ),
        fill(
            texts,
            "staff_outcomes_side_effects",
            share=percent_text(summary.moderate_share, texts),
            n=summary.side_effect_sessions,
        ),
        fill(
            texts,
            "staff_outcomes_series",
            share=percent_text(summary.series_completion, texts),
            n=summary.series_count,
        ),
        fill(
            texts,
            "staff_outcomes_no_show",
            share=percent_text(summary.no_show_rate, texts),
            no_shows=summary.no_shows,
            due=summary.due_appointments,
        ),
        texts.raw("staff_outcomes_note"),
    ]
    return "\n".join(lines)


def render_digest(texts: Texts, profile: ClinicProfile, digest: Digest) -> str:
    """The opening-time digest, trimmed to one Telegram message."""
    tz = profile.tz
    head = [fill(texts, "staff_digest_title", day=day_title(digest.day))]
    schedule = day_lines(texts, profile, digest.today)
    unconfirmed = [
        fill(
            texts,
            "staff_digest_unconfirmed_item",
            when=when_short(e.starts_at, tz),
            service=service_label(profile, e.service),
            name=patient_name(e.patient_name),
            patient_id=patient_ref(e.patient_id),
            appointment_id=appointment_ref(e.appointment_id),
        )
        for e in digest.unconfirmed
    ] or [texts.plain("staff_digest_none")]
    flags = flag_lines(texts, profile, digest.flags) or [texts.plain("staff_digest_none")]
    open_sessions = [
        fill(
            texts,
            "staff_digest_open_item",
            when=when_short(e.starts_at, tz),
            service=service_label(profile, e.service),
            name=patient_name(e.patient_name),
            patient_id=patient_ref(e.patient_id),
            appointment_id=appointment_ref(e.appointment_id),
            assumed=texts.plain("staff_digest_assumed") if e.assumed else "",
        )
        for e in digest.open_sessions
    ]
    # Each section gets a share of the message; whatever does not fit says how much is left.
    budget = (MESSAGE_LIMIT - 300) // (4 if open_sessions else 3)
    if open_sessions:
        # First: a session nobody closed may be a patient without check-ins.
        head += [
            "",
            fill(texts, "staff_digest_open_sessions", count=len(open_sessions)),
            *fit_lines(texts, open_sessions, budget=budget),
        ]
    lines = [
        *head,
        "",
        *fit_lines(texts, schedule, budget=budget),
        "",
        fill(texts, "staff_digest_unconfirmed", count=len(digest.unconfirmed)),
        *fit_lines(texts, unconfirmed, budget=budget),
        "",
        fill(texts, "staff_digest_flags", count=len(digest.flags)),
        *fit_lines(texts, flags, budget=budget),
    ]
    return "\n".join(lines)


def render_offer(texts: Texts, profile: ClinicProfile, offer: SlotOffer) -> OutgoingMessage:
    label = service_label(profile, offer.service)
    if not offer.slots:
        return OutgoingMessage(fill(texts, "staff_no_times", service=label))
    text = fill(
        texts,
        "staff_new_patient",
        state=texts.plain(
            "staff_new_patient_existing" if offer.existed else "staff_new_patient_created"
        ),
        name=patient_name(offer.patient.name),
        id=patient_ref(offer.patient.id),
        phone=offer.patient.phone or "no phone",
        channel=offer.patient.channel,
        service=label,
    )
    buttons = [
        [
            Button(
                when_short(start, profile.tz),
                data=callback(StaffAction.OFFER, offer.draft_id, index),
            )
        ]
        for index, start in enumerate(offer.slots)
    ]
    buttons.append(
        [
            Button(
                texts.plain("btn_staff_cancel"),
                data=callback(StaffAction.CANCEL_DRAFT, offer.draft_id),
            )
        ]
    )
    return OutgoingMessage(text, buttons=buttons)


def render_offer_booked(texts: Texts, profile: ClinicProfile, booked: OfferBooked) -> str:
    appointment = booked.appointment
    return fill(
        texts,
        "staff_offer_already" if booked.already else "staff_offer_booked",
        service=service_label(profile, appointment.service),
        name=patient_name(booked.patient.name),
        id=patient_ref(booked.patient.id),
        when=when_short(appointment.starts_at, profile.tz),
    )


def treatment_codes(profile: ClinicProfile) -> list[str]:
    return [c for c, s in profile.services.items() if s.kind is ServiceKind.TREATMENT]
