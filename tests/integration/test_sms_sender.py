"""TwilioSmsSender against the in-process Twilio double: requests, errors, privacy."""

from __future__ import annotations

import contextlib
import logging
import re
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import ConfigError
from bot.domain.privacy import mask_phone
from bot.messaging.channels import DeliveryFailed, SmsSender
from bot.messaging.sms import TwilioSmsSender, delivery_failure
from tests.twilio_double import (
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    TEST_MESSAGING_SERVICE_SID,
    TwilioDouble,
    TwilioFailure,
    spec_violations,
)

FROM_NUMBER = "+15005550006"
PATIENT = "+15551234567"
BODY = "Riverside Health: visit Tue 3 Jun 10:00. Reply C to confirm, X to cancel."


@pytest.fixture
def twilio() -> TwilioDouble:
    return TwilioDouble()


def make_sender(twilio: TwilioDouble, **overrides: object) -> TwilioSmsSender:
    options: dict[str, object] = {
        "account_sid": TEST_ACCOUNT_SID,
        "auth_token": TEST_AUTH_TOKEN,
        "from_number": FROM_NUMBER,
        "http_client": twilio,
    }
    options.update(overrides)
    return TwilioSmsSender(**options)  # type: ignore[arg-type]


async def test_sends_from_the_configured_number_and_returns_the_message_sid(twilio):
    sender = make_sender(twilio)

    sid = await sender.send_sms(to=PATIENT, body=BODY)

    assert re.fullmatch(r"SM[0-9a-f]{32}", sid)
    [sent] = twilio.sent
    assert sent.sid == sid
    assert (sent.to, sent.body, sent.from_) == (PATIENT, BODY, FROM_NUMBER)
    assert sent.messaging_service_sid is None


async def test_each_send_gets_its_own_sid(twilio):
    sender = make_sender(twilio)

    sids = {await sender.send_sms(to=PATIENT, body=BODY) for _ in range(5)}

    assert len(sids) == 5


async def test_sends_through_a_messaging_service_without_a_from_number(twilio):
    sender = make_sender(twilio, from_number=None, messaging_service_sid=TEST_MESSAGING_SERVICE_SID)

    await sender.send_sms(to=PATIENT, body=BODY)

    [request] = twilio.requests
    assert request.data["MessagingServiceSid"] == TEST_MESSAGING_SERVICE_SID
    assert "From" not in request.data


async def test_status_callback_is_sent_only_when_configured(twilio):
    await make_sender(twilio).send_sms(to=PATIENT, body=BODY)
    callback = "https://bot.example.org/twilio/status"
    await make_sender(twilio, status_callback=callback).send_sms(to=PATIENT, body=BODY)

    assert "StatusCallback" not in twilio.requests[0].data
    assert twilio.requests[1].data["StatusCallback"] == callback


async def test_requests_go_to_twilio_by_default(twilio):
    await make_sender(twilio).send_sms(to=PATIENT, body=BODY)

    assert twilio.requests[0].url == (
        f"https://api.twilio.com/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
    )


async def test_requests_go_to_the_configured_base_url():
    twilio = TwilioDouble(base_url="http://twilio-mock.internal:4010/api")
    sender = make_sender(twilio, base_url="http://twilio-mock.internal:4010/api/")

    await sender.send_sms(to=PATIENT, body=BODY)

    assert twilio.requests[0].url == (
        f"http://twilio-mock.internal:4010/api/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
    )
    assert twilio.violations == []


async def test_twilio_region_in_the_environment_does_not_rewrite_the_base_url(monkeypatch):
    monkeypatch.setenv("TWILIO_REGION", "ie1")
    monkeypatch.setenv("TWILIO_EDGE", "dublin")
    twilio = TwilioDouble(base_url="http://localhost:4010")

    await make_sender(twilio, base_url="http://localhost:4010").send_sms(to=PATIENT, body=BODY)

    assert twilio.requests[0].url.startswith("http://localhost:4010/2010-04-01/")


async def test_requests_authenticate_with_the_account_credentials(twilio):
    await make_sender(twilio).send_sms(to=PATIENT, body=BODY)

    assert twilio.requests[0].auth == (TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)


async def test_every_request_conforms_to_the_published_twilio_spec(twilio):
    callback = "https://bot.example.org/twilio/status"
    await make_sender(twilio).send_sms(to=PATIENT, body=BODY)
    await make_sender(twilio, status_callback=callback).send_sms(to=PATIENT, body="Hi ☺ 😀")
    await make_sender(
        twilio, from_number=None, messaging_service_sid=TEST_MESSAGING_SERVICE_SID
    ).send_sms(to="+447911123456", body=BODY)

    assert len(twilio.requests) == 3
    assert twilio.violations == []


def test_the_spec_check_catches_undeclared_and_missing_fields():
    path = f"/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"

    problems = spec_violations("POST", path, {"Body": "hi", "Sender": "x"}, ("a", "b"))

    assert "required field To is missing" in problems
    assert any("Sender is not a declared field" in problem for problem in problems)


def test_the_spec_check_catches_a_malformed_account_sid_and_missing_auth():
    problems = spec_violations(
        "POST", "/2010-04-01/Accounts/AC123/Messages.json", {"To": PATIENT}, None
    )

    assert any(problem.startswith("AccountSid") for problem in problems)
    assert "no HTTP basic auth" in problems


def test_the_spec_check_rejects_a_path_twilio_does_not_have():
    problems = spec_violations("POST", "/2010-04-01/Accounts/x/Texts.json", {}, ("a", "b"))

    assert problems == ["/2010-04-01/Accounts/x/Texts.json is not a path of the 2010-04-01 API"]


async def test_unsubscribed_recipient_is_a_permanent_failure_coded_21610(twilio):
    twilio.fail_next(TwilioFailure.UNSUBSCRIBED)

    with pytest.raises(DeliveryFailed) as failed:
        await make_sender(twilio).send_sms(to=PATIENT, body=BODY)

    assert (failed.value.permanent, failed.value.code) == (True, "21610")


@pytest.mark.parametrize("failure", [TwilioFailure.INVALID_NUMBER, TwilioFailure.NOT_MOBILE])
async def test_invalid_or_landline_number_is_a_permanent_failure_coded_21211(twilio, failure):
    twilio.fail_next(failure)

    with pytest.raises(DeliveryFailed) as failed:
        await make_sender(twilio).send_sms(to=PATIENT, body=BODY)

    assert (failed.value.permanent, failed.value.code) == (True, "21211")


async def test_other_client_errors_are_permanent_with_their_own_code(twilio):
    sender = make_sender(twilio, auth_token="a-revoked-token")

    with pytest.raises(DeliveryFailed) as failed:
        await sender.send_sms(to=PATIENT, body=BODY)

    assert (failed.value.permanent, failed.value.code) == (True, "20003")


@pytest.mark.parametrize(
    "failure",
    [
        TwilioFailure.SERVER_ERROR,
        TwilioFailure.RATE_LIMITED,
        TwilioFailure.TIMEOUT,
        TwilioFailure.CONNECTION_ERROR,
    ],
)
async def test_server_errors_throttling_and_network_trouble_are_transient(twilio, failure):
    twilio.fail_next(failure)

    with pytest.raises(DeliveryFailed) as failed:
        await make_sender(twilio).send_sms(to=PATIENT, body=BODY)

    assert failed.value.permanent is False


async def test_a_transient_failure_affects_only_the_next_send(twilio):
    sender = make_sender(twilio)
    twilio.fail_next(TwilioFailure.SERVER_ERROR)

    with pytest.raises(DeliveryFailed):
        await sender.send_sms(to=PATIENT, body=BODY)
    sid = await sender.send_sms(to=PATIENT, body=BODY)

    assert sid.startswith("SM")


async def test_failures_for_one_number_leave_other_numbers_alone(twilio):
    sender = make_sender(twilio)
    twilio.fail_sends_to(PATIENT, TwilioFailure.UNSUBSCRIBED)

    with pytest.raises(DeliveryFailed):
        await sender.send_sms(to=PATIENT, body=BODY)
    await sender.send_sms(to="+15557654321", body=BODY)

    assert [sent.to for sent in twilio.sent] == ["+15557654321"]


async def test_a_failure_carries_neither_the_number_nor_twilios_message(twilio):
    twilio.fail_next(TwilioFailure.INVALID_NUMBER)

    with pytest.raises(DeliveryFailed) as failed:
        await make_sender(twilio).send_sms(to=PATIENT, body=BODY)

    assert "5551234567" not in str(failed.value)
    assert failed.value.__cause__ is None
    assert failed.value.__context__ is None


@pytest.mark.parametrize(
    "failure",
    [None, TwilioFailure.INVALID_NUMBER, TwilioFailure.TIMEOUT, TwilioFailure.SERVER_ERROR],
)
async def test_logs_never_hold_the_body_or_the_full_number(twilio, caplog, failure):
    caplog.set_level(logging.INFO)
    if failure is not None:
        twilio.fail_next(failure)

    with contextlib.suppress(DeliveryFailed):
        await make_sender(twilio).send_sms(to=PATIENT, body=BODY)

    assert caplog.records, "the send should log its outcome"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Reply C to confirm" not in logged
    assert "5551234567" not in logged
    assert "+1******4567" in logged


async def test_the_blocking_twilio_call_runs_off_the_event_loop_thread():
    threads: list[int] = []

    class ThreadNotingTwilio(TwilioDouble):
        def request(self, *args, **kwargs):
            threads.append(threading.get_ident())
            return super().request(*args, **kwargs)

    await make_sender(ThreadNotingTwilio()).send_sms(to=PATIENT, body=BODY)

    assert threads
    assert threads[0] != threading.get_ident()


def test_the_sender_satisfies_the_sms_sender_protocol(twilio):
    sender: SmsSender = make_sender(twilio)

    assert callable(sender.send_sms)


@pytest.mark.parametrize(
    "identity",
    [{}, {"from_number": FROM_NUMBER, "messaging_service_sid": TEST_MESSAGING_SERVICE_SID}],
)
def test_exactly_one_of_from_number_and_messaging_service_is_required(twilio, identity):
    with pytest.raises(ConfigError, match="TWILIO_FROM_NUMBER"):
        TwilioSmsSender(
            account_sid=TEST_ACCOUNT_SID,
            auth_token=TEST_AUTH_TOKEN,
            http_client=twilio,
            **identity,
        )


@pytest.mark.parametrize(
    ("number", "masked"),
    [("+15551234567", "+1******4567"), ("+447911123456", "+4*******3456"), ("12345", "*****")],
)
def test_a_phone_number_is_masked_to_its_prefix_and_last_four_digits(number, masked):
    assert mask_phone(number) == masked


@given(
    status=st.integers(min_value=400, max_value=499).filter(lambda s: s != 429),
    code=st.integers(min_value=20000, max_value=99999).filter(
        lambda c: c not in (21610, 21211, 21614, 20429)
    ),
)
def test_any_other_client_error_is_permanent_and_keeps_its_code(status, code):
    failure = delivery_failure(status=status, code=code)

    assert (failure.permanent, failure.code) == (True, str(code))


@given(
    status=st.integers(min_value=500, max_value=599),
    code=st.none()
    | st.integers(min_value=20000, max_value=99999).filter(
        lambda c: c not in (21610, 21211, 21614)
    ),
)
def test_any_server_error_is_transient(status, code):
    assert delivery_failure(status=status, code=code).permanent is False
