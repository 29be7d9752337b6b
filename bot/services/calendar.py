"""Turn the clinic profile into the pure values the availability rules take."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.availability import ClinicCalendar, ServiceSpec
from bot.profile import ClinicProfile


def clinic_calendar(
    profile: ClinicProfile, *, extra_closed: frozenset[date] = frozenset()
) -> ClinicCalendar:
    closed: set[date] = set(extra_closed)
    for closure in profile.closures:
        day = closure.date
        while day <= (closure.end_date or closure.date):
            closed.add(day)
            day += timedelta(days=1)
    return ClinicCalendar(
        tz=profile.tz,
        step_minutes=profile.booking.slot_step_minutes,
        hours={weekday: tuple(profile.opening_ranges(weekday)) for weekday in range(7)},
        closed_days=frozenset(closed),
        capacities=dict(profile.resources),
        minimum_notice=timedelta(hours=profile.booking.minimum_notice_hours),
        horizon=timedelta(days=profile.booking.horizon_days),
    )


def service_spec(profile: ClinicProfile, code: str) -> ServiceSpec:
    service = profile.service(code)
    return ServiceSpec(
        code=code,
        duration=service.duration,
        buffer=service.buffer,
        pools=tuple(service.resources),
    )
