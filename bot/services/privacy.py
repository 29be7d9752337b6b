"""Patients' data rights: a copy of what the clinic holds, erasure on request, and "stop".

Erasure removes identity and messaging data (Telegram ids, phone numbers, the name, message
bodies, drafts, pending messages, stored inbound updates) and keeps the clinical record the clinic
must keep (appointments, answers, alerts) under a pseudonym. It waits while the patient has an
open red flag: staff must be able to call back first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from bot.db.engine import Database
from bot.db.models import (
    Appointment,
    BookingDraft,
    CheckInAnswer,
    CrisisMessage,
    DataRequest,
    Escalation,
    InboxItem,
    Outbox,
    Patient,
    PhoneClaim,
    RateSlot,
    ScreeningAnswer,
    WaitlistEntry,
    WaitlistOffer,
)
from bot.domain.callback_data import PrivacyPress, PrivacyVerb
from bot.domain.clock import Clock
from bot.domain.enums import Channel, OutboxStatus
from bot.domain.refs import patient_ref, request_ref
from bot.messaging.channels import Attachment, Button
from bot.profile import ClinicProfile
from bot.services.audit import audit
from bot.services.chat_replies import Reply, Rows, Screen, Who
from bot.services.formatting import when_long
from bot.services.outbox import OPEN_STATUSES
from bot.services.routing import enqueue_staff_notice
from bot.texts import Texts
from bot.texts.profile_texts import service_label

ERASE = "erase"


class RequestStatus(StrEnum):
    PENDING = "pending"
    HELD = "held"  # approved, waiting for an open red flag to be closed
    DONE = "done"
    DECLINED = "declined"


class NotThePatient(Exception):
    """Asked for from somewhere that is not the patient's own private chat."""


class RequestNotFound(Exception):
    pass


@dataclass(frozen=True)
class Decision:
    request_id: int
    patient_id: int
    status: RequestStatus


def pseudonym(patient_id: int) -> str:
    return f"Erased patient {patient_ref(patient_id)}"


class PrivacyService:
    def __init__(self, *, db: Database, profile: ClinicProfile, clock: Clock, texts: Texts) -> None:
        self.db = db
        self.profile = profile
        self.clock = clock
        self.texts = texts

    # --- who is asking -------------------------------------------------------------------

    def patient_in_own_chat(self, *, user_id: int, chat_id: int, private: bool) -> int:
        """The patient id of the person writing in their own private chat, else NotThePatient."""
        now = self.clock.now()
        with self.db.session() as session:
            patient = session.exec(
                select(Patient).where(col(Patient.telegram_user_id) == user_id)
            ).one_or_none()
            ok = (
                private
                and chat_id == user_id
                and patient is not None
                and patient.erased_at is None
                and patient.telegram_consent_at is not None
            )
            if ok and patient is not None and patient.id is not None:
                return patient.id
            audit(
                session,
                at=now,
                actor=f"telegram:{user_id}",
                action="privacy.refused",
                subject=f"chat:{chat_id}",
            )
        raise NotThePatient(str(user_id))

    # --- a copy of the data --------------------------------------------------------------

    def export(self, *, patient_id: int, actor: str) -> bytes:
        """A readable document of everything held about the patient, with dates (audited).

        In the patient's language (the language of the update asking for it); the codes stored
        (status, channel, alert level) and the booking questions' short names stay as stored.
        """
        now = self.clock.now()
        tz = self.profile.tz
        with self.db.session() as session:
            patient = session.get(Patient, patient_id)
            assert patient is not None
            appointments = session.exec(
                select(Appointment)
                .where(col(Appointment.patient_id) == patient_id)
                .order_by(col(Appointment.starts_at))
            ).all()
            screening = session.exec(
                select(ScreeningAnswer)
                .where(col(ScreeningAnswer.patient_id) == patient_id)
                .order_by(col(ScreeningAnswer.answered_at), col(ScreeningAnswer.id))
            ).all()
            checkins = session.exec(
                select(CheckInAnswer)
                .where(col(CheckInAnswer.patient_id) == patient_id)
                .order_by(col(CheckInAnswer.answered_at), col(CheckInAnswer.id))
            ).all()
            alerts = session.exec(
                select(Escalation)
                .where(col(Escalation.patient_id) == patient_id)
                .order_by(col(Escalation.created_at))
            ).all()

            def at(moment: datetime | None) -> str:
                return when_long(moment, tz) if moment is not None else "-"

            t = self.texts.plain
            phone = t("mydata_doc_phone", phone=patient.phone_e164 or "-")
            if patient.phone_e164:
                phone += t("mydata_doc_phone_confirmed", when=at(patient.phone_verified_at))
            connected = t("mydata_doc_connected") if patient.telegram_user_id else "-"
            lines = [
                t("mydata_doc_title", clinic=self.profile.clinic.name),
                t("mydata_doc_prepared", when=at(now)),
                "",
                t("mydata_doc_profile"),
                t("mydata_doc_name", name=patient.name or "-"),
                phone,
                t("mydata_doc_telegram", telegram=connected),
                t("mydata_doc_channel", channel=patient.preferred_channel),
                t("mydata_doc_created", when=at(patient.created_at)),
                t("mydata_doc_approved", when=at(patient.approved_at)),
                "",
                t("mydata_doc_consents"),
                t("mydata_doc_telegram_consent", when=at(patient.telegram_consent_at)),
                t("mydata_doc_sms_consent", when=at(patient.sms_consent_at)),
                t("mydata_doc_sms_stopped", when=at(patient.sms_opted_out_at)),
                t("mydata_doc_care_stopped", when=at(patient.care_messages_stopped_at)),
                "",
                t("mydata_doc_appointments"),
            ]
            for visit in appointments:
                service = self.profile.services.get(visit.service)
                label = service_label(visit.service, service.label) if service else visit.service
                line = t(
                    "mydata_doc_visit",
                    when=at(visit.starts_at),
                    service=label,
                    status=visit.status,
                    booked=at(visit.created_at),
                )
                if visit.cancelled_at is not None:
                    line += t("mydata_doc_visit_cancelled", when=at(visit.cancelled_at))
                lines.append(line)
            lines += ["" if appointments else "-", t("mydata_doc_screening")]
            for answer in screening:
                label = self._screening_label(answer.code)
                lines.append(f"{at(answer.answered_at)}: {label}: {answer.answer}")
            lines += ["" if screening else "-", t("mydata_doc_checkins")]
            for item in checkins:
                lines.append(f"{at(item.answered_at)}: {item.question}: {item.value}")
            lines += ["" if checkins else "-", t("mydata_doc_alerts")]
            for alert in alerts:
                seen = at(alert.acknowledged_at)
                lines.append(
                    t("mydata_doc_alert", when=at(alert.created_at), level=alert.level, seen=seen)
                )
            if not alerts:
                lines.append("-")
            audit(
                session,
                at=now,
                actor=actor,
                action="privacy.export",
                subject=f"patient:{patient_id}",
            )
        return ("\n".join(lines) + "\n").encode("utf-8")

    def _screening_label(self, code: str) -> str:
        key = f"screen_label_{code}"
        return self.texts.plain(key) if key in self.texts else code

    # --- erasure ----------------------------------------------------------------------------

    def request_erasure(self, *, patient_id: int, actor: str) -> int:
        """Ask staff to erase the patient's data (one open request at a time); returns its id."""
        now = self.clock.now()
        with self.db.session() as session:
            existing = session.exec(
                select(DataRequest)
                .where(col(DataRequest.patient_id) == patient_id)
                .where(col(DataRequest.kind) == ERASE)
                .where(col(DataRequest.status).in_([RequestStatus.PENDING, RequestStatus.HELD]))
            ).first()
            if existing is not None and existing.id is not None:
                return existing.id
            request = DataRequest(
                patient_id=patient_id,
                kind=ERASE,
                status=RequestStatus.PENDING,
                requested_at=now,
                requested_by=actor[:64],
            )
            session.add(request)
            session.flush()
            assert request.id is not None
            audit(
                session,
                at=now,
                actor=actor,
                action="privacy.erasure_requested",
                subject=f"patient:{patient_id}",
                detail={"request": request.id},
            )
            enqueue_staff_notice(
                session,
                texts=self.texts,
                key="privacy_staff_erasure_requested",
                dedupe_key=f"erasure_request:{request.id}",
                now=now,
                patient_id=patient_id,
                request=request_ref(request.id),
                patient=patient_ref(patient_id),
            )
            return request.id

    def pending(self) -> list[DataRequest]:
        with self.db.session(write=False) as session:
            return list(
                session.exec(
                    select(DataRequest)
                    .where(col(DataRequest.status).in_([RequestStatus.PENDING, RequestStatus.HELD]))
                    .order_by(col(DataRequest.id))
                ).all()
            )

    def decide(self, *, request_id: int, approve: bool, actor: str, reason: str = "") -> Decision:
        """Staff approve (erase now, or hold for an open red flag) or decline with a reason."""
        now = self.clock.now()
        with self.db.session() as session:
            request = session.get(DataRequest, request_id)
            if request is None or request.status not in (
                RequestStatus.PENDING,
                RequestStatus.HELD,
            ):
                raise RequestNotFound(str(request_id))
            request.decided_at, request.decided_by = now, actor[:64]
            request.reason = reason
            if not approve:
                request.status = RequestStatus.DECLINED
                audit(
                    session,
                    at=now,
                    actor=actor,
                    action="privacy.erasure_declined",
                    subject=f"patient:{request.patient_id}",
                    detail={"request": request_id, "reason": reason},
                )
                return Decision(request_id, request.patient_id, RequestStatus.DECLINED)
            status = self._erase_or_hold(session, request, actor=actor, now=now)
            return Decision(request_id, request.patient_id, status)

    def erase_on_staff_request(self, *, patient_id: int, actor: str, reason: str) -> Decision:
        """/erase: a request the patient made by phone, approved by the staff member taking it."""
        request_id = self.request_erasure(patient_id=patient_id, actor=actor)
        return self.decide(request_id=request_id, approve=True, actor=actor, reason=reason)

    def resume_held(self) -> list[Decision]:
        """Erase what was held for a red flag that is now closed."""
        now = self.clock.now()
        done: list[Decision] = []
        with self.db.session() as session:
            held = session.exec(
                select(DataRequest).where(col(DataRequest.status) == RequestStatus.HELD)
            ).all()
            for request in held:
                assert request.id is not None
                status = self._erase_or_hold(
                    session, request, actor=request.decided_by or "system", now=now
                )
                if status is RequestStatus.DONE:
                    done.append(Decision(request.id, request.patient_id, status))
        return done

    def _erase_or_hold(
        self, session: Session, request: DataRequest, *, actor: str, now: datetime
    ) -> RequestStatus:
        open_flag = session.exec(
            select(Escalation.id)
            .where(col(Escalation.patient_id) == request.patient_id)
            .where(col(Escalation.acknowledged_at).is_(None))
        ).first()
        if open_flag is not None:
            if request.status != RequestStatus.HELD:
                request.status = RequestStatus.HELD
                audit(
                    session,
                    at=now,
                    actor=actor,
                    action="privacy.erasure_held",
                    subject=f"patient:{request.patient_id}",
                    detail={"request": request.id, "escalation": open_flag},
                )
            return RequestStatus.HELD
        erase_patient(session, patient_id=request.patient_id, now=now)
        request.status = RequestStatus.DONE
        request.completed_at = now
        audit(
            session,
            at=now,
            actor=actor,
            action="privacy.erased",
            subject=f"patient:{request.patient_id}",
            detail={"request": request.id},
        )
        return RequestStatus.DONE

    # --- stop and restart -----------------------------------------------------------------

    def stop_care_messages(self, *, patient_id: int) -> bool:
        """ "stop" in Telegram: no care messages until /start; False when already stopped."""
        now = self.clock.now()
        with self.db.session() as session:
            patient = session.get(Patient, patient_id)
            assert patient is not None
            if patient.care_messages_stopped_at is not None:
                return False
            patient.care_messages_stopped_at = now
            audit(
                session,
                at=now,
                actor=f"patient:{patient_id}",
                action="consent.care_messages_stopped",
                subject=f"patient:{patient_id}",
            )
            return True


def erase_patient(session: Session, *, patient_id: int, now: datetime) -> None:
    """Remove identity and messaging data; keep the clinical rows under a pseudonym."""
    patient = session.get(Patient, patient_id)
    assert patient is not None
    user_id, chat_id, phone = patient.telegram_user_id, patient.telegram_chat_id, patient.phone_e164
    claimed = session.exec(
        select(PhoneClaim.phone_e164).where(col(PhoneClaim.patient_id) == patient_id)
    ).all()
    phones = {p for p in (phone, *claimed) if p}
    patient.name = pseudonym(patient_id)
    patient.phone_e164 = None
    patient.driver_phone = None
    patient.phone_verified_at = None
    patient.phone_verified_via = None
    patient.telegram_user_id = None
    patient.telegram_chat_id = None
    patient.preferred_channel = Channel.TELEGRAM
    patient.erased_at = now
    session.exec(delete(PhoneClaim).where(col(PhoneClaim.patient_id) == patient_id))
    # Off the waitlist: its offers go with it (their messages are skipped when due).
    session.exec(delete(WaitlistOffer).where(col(WaitlistOffer.patient_id) == patient_id))
    session.exec(delete(WaitlistEntry).where(col(WaitlistEntry.patient_id) == patient_id))
    addresses = [str(a) for a in (user_id, *phones) if a is not None]
    session.exec(
        delete(BookingDraft).where(
            or_(
                col(BookingDraft.patient_id) == patient_id,
                col(BookingDraft.address).in_(addresses),
            )
        )
    )
    # Messages: nothing more goes out; what went out keeps no words (the row stays as a record).
    session.exec(
        update(Outbox)
        .where(col(Outbox.patient_id) == patient_id)
        .where(col(Outbox.status).in_(list(OPEN_STATUSES)))
        .values(status=OutboxStatus.CANCELLED, last_error="erased")
    )
    session.exec(update(Outbox).where(col(Outbox.patient_id) == patient_id).values(payload="{}"))
    session.exec(
        update(CrisisMessage).where(col(CrisisMessage.patient_id) == patient_id).values(text="")
    )
    # Stored inbound updates and texts quote the person: those already handled go.
    needles = [f'"id": {user_id},', f'"id":{user_id},'] if user_id is not None else []
    needles += [p for p in phones] + [p.replace("+", "%2B") for p in phones]
    for needle in needles:
        session.exec(
            delete(InboxItem)
            .where(col(InboxItem.processed_at).is_not(None))
            .where(col(InboxItem.payload).contains(needle))
        )
    if chat_id is not None:
        session.exec(delete(RateSlot).where(col(RateSlot.key) == f"tg:chat:{chat_id}"))
    session.flush()


class PrivacyChat:
    """/mydata, "Delete my data" and "stop" in the patient's chat, as replies to render."""

    def __init__(self, *, service: PrivacyService, texts: Texts, profile: ClinicProfile) -> None:
        self.service = service
        self.texts = texts
        self.profile = profile

    def offer(self, who: Who) -> Reply:
        t = self.texts
        try:
            self.service.patient_in_own_chat(
                user_id=who.user_id, chat_id=who.chat_id, private=who.chat_id == who.user_id
            )
        except NotThePatient:
            return Reply((Screen(t.html("mydata_not_you")),))
        buttons: Rows = (
            (Button(t.plain("mydata_send"), data=PrivacyPress(PrivacyVerb.EXPORT).pack()),),
            (Button(t.plain("mydata_delete"), data=PrivacyPress(PrivacyVerb.DELETE).pack()),),
        )
        return Reply((Screen(t.html("mydata_offer"), buttons),))

    def press(self, who: Who, verb: PrivacyVerb | None) -> Reply:
        """A `pv:` button: only the patient, in their own private chat, gets anything."""
        t = self.texts
        try:
            patient_id = self.service.patient_in_own_chat(
                user_id=who.user_id, chat_id=who.chat_id, private=who.chat_id == who.user_id
            )
        except NotThePatient:
            return Reply((Screen(t.html("mydata_not_you")),))
        actor = f"patient:{patient_id}"
        if verb is PrivacyVerb.EXPORT:
            document = self.service.export(patient_id=patient_id, actor=actor)
            caption = t.html("mydata_caption", clinic=self.profile.clinic.name)
            attachment = Attachment("my-data.txt", document, "text/plain")
            return Reply((Screen(caption, attachment=attachment),))
        if verb is PrivacyVerb.DELETE:
            buttons: Rows = (
                (
                    Button(
                        t.plain("mydata_delete_yes"),
                        data=PrivacyPress(PrivacyVerb.DELETE_YES).pack(),
                    ),
                ),
                (
                    Button(
                        t.plain("mydata_delete_no"), data=PrivacyPress(PrivacyVerb.DELETE_NO).pack()
                    ),
                ),
            )
            return Reply(edit=Screen(t.html("mydata_delete_confirm"), buttons))
        if verb is PrivacyVerb.DELETE_YES:
            self.service.request_erasure(patient_id=patient_id, actor=actor)
            text = t.html("mydata_delete_requested", phone=self.profile.clinic.phone)
            return Reply(edit=Screen(text), changed=True)
        return Reply(edit=Screen(t.html("mydata_delete_kept")))

    def stop(self, who: Who) -> Reply:
        t = self.texts
        try:
            patient_id = self.service.patient_in_own_chat(
                user_id=who.user_id, chat_id=who.chat_id, private=who.chat_id == who.user_id
            )
        except NotThePatient:
            return Reply((Screen(t.html("mydata_not_you")),))
        if not self.service.stop_care_messages(patient_id=patient_id):
            return Reply((Screen(t.html("stop_already")),))
        return Reply((Screen(t.html("stop_done", phone=self.profile.clinic.phone)),))
