"""An in-process Twilio: a twilio HttpClient that checks requests against the published spec.

Plug it into the real SDK (`Client(..., http_client=TwilioDouble())`) and every request the SDK
would have sent is recorded, checked against Twilio's OpenAPI description of the 2010-04-01
API, and answered like Twilio would: a Message resource, a Twilio error, or a timeout.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from enum import StrEnum
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import requests
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

from bot.domain.sms_policy import segments
from tests.paths import SPECS

SPEC_PATH = SPECS / "twilio_api_v2010.json"
MESSAGES_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
CALLS_PATH = "/2010-04-01/Accounts/{AccountSid}/Calls.json"
DEFAULT_BASE_URL = "https://api.twilio.com"
TEST_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
TEST_AUTH_TOKEN = "test-auth-token-0123456789abcdef"
TEST_MESSAGING_SERVICE_SID = "MG" + "fedcba9876543210" * 2


class TwilioFailure(StrEnum):
    """How the double can be told to fail a send."""

    UNSUBSCRIBED = "unsubscribed"  # 400, code 21610
    INVALID_NUMBER = "invalid_number"  # 400, code 21211
    NOT_MOBILE = "not_mobile"  # 400, code 21614
    RATE_LIMITED = "rate_limited"  # 429, code 20429
    SERVER_ERROR = "server_error"  # 500, code 20500
    TIMEOUT = "timeout"  # requests' ReadTimeout, as TwilioHttpClient would raise
    CONNECTION_ERROR = "connection_error"  # requests' ConnectionError


# (HTTP status, Twilio code, message). Twilio's real messages quote the number for 21211,
# which lets tests prove the number never leaks into our logs.
_ERRORS: dict[TwilioFailure, tuple[int, int, str]] = {
    TwilioFailure.UNSUBSCRIBED: (400, 21610, "Attempt to send to unsubscribed recipient"),
    TwilioFailure.INVALID_NUMBER: (400, 21211, "The 'To' number {to} is not a valid phone number."),
    TwilioFailure.NOT_MOBILE: (400, 21614, "'To' number {to} is not a valid mobile number"),
    TwilioFailure.RATE_LIMITED: (429, 20429, "Too Many Requests"),
    TwilioFailure.SERVER_ERROR: (500, 20500, "Internal Server Error"),
}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    url: str
    data: dict[str, Any]
    auth: tuple[str, str] | None
    headers: dict[str, str]
    params: dict[str, Any] | None


@dataclass(frozen=True)
class SentMessage:
    sid: str
    to: str
    body: str
    from_: str | None
    messaging_service_sid: str | None
    status_callback: str | None


@dataclass(frozen=True)
class PlacedCall:
    sid: str
    to: str
    from_: str
    twiml: str | None
    url: str | None


@cache
def load_spec() -> dict[str, Any]:
    """Return Twilio's OpenAPI document for the 2010-04-01 API."""
    result: dict[str, Any] = json.loads(SPEC_PATH.read_text())
    return result


def _template_regex(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(pattern + r"\Z")


@cache
def _operations() -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    """Return (path regex, template, path item) for every path in the spec."""
    return [
        (_template_regex(template), template, item)
        for template, item in load_spec()["paths"].items()
    ]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    node: Any = load_spec()
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return _resolve(node)


# What Twilio's "phone-number" format admits: E.164, a channel address (whatsapp:+1...), a short
# code, or an alphanumeric sender ID (up to 11 characters, at least one letter).
_PHONE_ADDRESS = re.compile(
    r"\+[1-9]\d{6,14}|[a-z]+:\+?[\w.@-]+|\d{5,6}|(?=[A-Za-z0-9 ]*[A-Za-z])[A-Za-z0-9 ]{1,11}"
)


def _value_violations(name: str, value: Any, schema: dict[str, Any]) -> list[str]:
    """Check one form value (as the SDK serialised it) against its property schema."""
    schema = _resolve(schema)
    kind = schema.get("type")
    if kind == "array":
        items = value if isinstance(value, list) else [value]
        return [v for item in items for v in _value_violations(name, item, schema["items"])]
    text = str(value)
    problems = []
    if kind == "boolean" and text not in ("true", "false"):
        problems.append(f"{name}={text!r} is not a form boolean")
    if kind == "integer" and not re.fullmatch(r"-?\d+", text):
        problems.append(f"{name}={text!r} is not an integer")
    if kind == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", text):
        problems.append(f"{name}={text!r} is not a number")
    if "enum" in schema and text not in schema["enum"]:
        problems.append(f"{name}={text!r} is not one of {schema['enum']}")
    if "pattern" in schema and not re.search(schema["pattern"], text):
        problems.append(f"{name}={text!r} does not match {schema['pattern']}")
    if "minLength" in schema and len(text) < schema["minLength"]:
        problems.append(f"{name} is shorter than {schema['minLength']}")
    if "maxLength" in schema and len(text) > schema["maxLength"]:
        problems.append(f"{name} is longer than {schema['maxLength']}")
    if schema.get("format") == "phone-number" and not _PHONE_ADDRESS.fullmatch(text):
        problems.append(f"{name} is not an E.164 number, short code, sender ID or channel address")
    if schema.get("format") == "uri" and not re.match(r"https?://[^/\s]+", text):
        problems.append(f"{name}={text!r} is not an absolute URL")
    return problems


def spec_violations(
    method: str, path: str, data: dict[str, Any], auth: tuple[str, str] | None
) -> list[str]:
    """Return how a request breaks Twilio's published contract (empty when it conforms)."""
    for regex, template, item in _operations():
        match = regex.match(path)
        if match is None:
            continue
        operation = item.get(method.lower())
        if operation is None:
            return [f"{method} is not an operation of {template}"]
        problems = []
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                problems += _value_violations(
                    parameter["name"], match.group(parameter["name"]), parameter["schema"]
                )
        body = operation.get("requestBody", {}).get("content", {})
        form = body.get("application/x-www-form-urlencoded", {}).get("schema")
        if form is None and data:
            problems.append(f"{method} {template} takes no form body")
        if form is not None:
            properties = form.get("properties", {})
            for name in form.get("required", []):
                if name not in data:
                    problems.append(f"required field {name} is missing")
            for name, value in data.items():
                if name not in properties:
                    problems.append(f"{name} is not a declared field of {template}")
                else:
                    problems += _value_violations(name, value, properties[name])
        if operation.get("security", load_spec().get("security")) and auth is None:
            problems.append("no HTTP basic auth")
        return problems
    return [f"{path} is not a path of the 2010-04-01 API"]


class TwilioDouble(HttpClient):  # type: ignore[misc]
    """A twilio HttpClient answering like api.twilio.com, in process, with no network."""

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        account_sid: str = TEST_ACCOUNT_SID,
        auth_token: str = TEST_AUTH_TOKEN,
    ) -> None:
        super().__init__(logging.getLogger("tests.twilio_double"), False)
        self.base_url = base_url.rstrip("/")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.requests: list[RecordedRequest] = []
        self.sent: list[SentMessage] = []
        self.calls: list[PlacedCall] = []
        self.violations: list[str] = []
        self._next_failures: deque[TwilioFailure] = deque()
        self._failures_by_number: dict[str, TwilioFailure] = {}

    def fail_next(self, failure: TwilioFailure) -> None:
        """Answer the next send with `failure`; calls queue up, one failure per send."""
        self._next_failures.append(failure)

    def fail_sends_to(self, number: str, failure: TwilioFailure) -> None:
        """Answer every send to `number` with `failure` (21610 after a STOP, for instance)."""
        self._failures_by_number[number] = failure

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Record the request, check it against the spec, and answer like Twilio."""
        form = dict(data or {})
        record = RecordedRequest(method, url, form, auth, dict(headers or {}), params)
        self.requests.append(record)
        problems = self._check(record)
        self.violations += [f"{method} {url}: {problem}" for problem in problems]

        path = url[len(self.base_url) :]
        is_call = re.fullmatch(r"/2010-04-01/Accounts/[^/]+/Calls\.json", path) is not None
        is_message = re.fullmatch(r"/2010-04-01/Accounts/[^/]+/Messages\.json", path) is not None
        if method != "POST" or not (is_call or is_message):
            return _error(404, 20404, "The requested resource was not found")
        if auth != (self.account_sid, self.auth_token):
            return _error(401, 20003, "Authenticate")
        if is_call:
            return self._call(form, timeout)
        if "From" not in form and "MessagingServiceSid" not in form:
            return _error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body") and "MediaUrl" not in form and "ContentSid" not in form:
            return _error(400, 21602, "Message body is required.")

        to = str(form.get("To", ""))
        failure = self._failures_by_number.get(to)
        if failure is None and self._next_failures:
            failure = self._next_failures.popleft()
        if failure is TwilioFailure.TIMEOUT:
            raise requests.exceptions.ReadTimeout(f"Read timed out. (read timeout={timeout})")
        if failure is TwilioFailure.CONNECTION_ERROR:
            raise requests.exceptions.ConnectionError("Failed to establish a new connection")
        if failure is not None:
            status, code, message = _ERRORS[failure]
            return _error(status, code, message.format(to=to))
        return self._created(form)

    def _call(self, form: dict[str, Any], timeout: float | None) -> Response:
        """Answer a Calls.json POST like Twilio: 201 with a queued Call resource."""
        if "To" not in form or "From" not in form:
            return _error(400, 21201, "No 'To' number is specified")
        if not any(name in form for name in ("Twiml", "Url", "ApplicationSid")):
            return _error(400, 21205, "Url, ApplicationSid or Twiml is required")
        to = str(form["To"])
        failure = self._failures_by_number.get(to)
        if failure is None and self._next_failures:
            failure = self._next_failures.popleft()
        if failure is TwilioFailure.TIMEOUT:
            raise requests.exceptions.ReadTimeout(f"Read timed out. (read timeout={timeout})")
        if failure is TwilioFailure.CONNECTION_ERROR:
            raise requests.exceptions.ConnectionError("Failed to establish a new connection")
        if failure is not None:
            status, code, message = _ERRORS[failure]
            return _error(status, code, message.format(to=to))
        sid = "CA" + uuid.uuid4().hex
        now = format_datetime(datetime.now(UTC), usegmt=False)
        resource = {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "date_created": now,
            "date_updated": now,
            "direction": "outbound-api",
            "from": form["From"],
            "from_formatted": form["From"],
            "sid": sid,
            "status": "queued",
            "to": to,
            "to_formatted": to,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{sid}.json",
        }
        twiml = form.get("Twiml")
        url = form.get("Url")
        self.calls.append(
            PlacedCall(
                sid=sid,
                to=to,
                from_=str(form["From"]),
                twiml=None if twiml is None else str(twiml),
                url=None if url is None else str(url),
            )
        )
        return Response(201, json.dumps(resource), {"Content-Type": "application/json"})

    def _check(self, record: RecordedRequest) -> list[str]:
        if not record.url.startswith(self.base_url + "/"):
            return [f"request left the configured base URL {self.base_url}"]
        path = urlsplit(record.url[len(self.base_url) :]).path
        problems = spec_violations(record.method, path, record.data, record.auth)
        content_type = record.headers.get("Content-Type")
        if record.method == "POST" and content_type != "application/x-www-form-urlencoded":
            problems.append(f"Content-Type is {content_type!r}, not a form")
        return problems

    def _created(self, form: dict[str, Any]) -> Response:
        sid = "SM" + uuid.uuid4().hex
        body = str(form.get("Body", ""))
        service = form.get("MessagingServiceSid")
        sender = form.get("From")
        now = format_datetime(datetime.now(UTC), usegmt=False)
        base = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}"
        resource = {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            # A Messaging Service picks the sender later and answers "accepted" at first.
            "from": sender,
            "messaging_service_sid": service,
            "num_media": "0",
            "num_segments": str(segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if service and not sender else "queued",
            "subresource_uris": {"media": f"{base}/Media.json"},
            "to": form["To"],
            "uri": f"{base}.json",
        }
        self.sent.append(
            SentMessage(
                sid=sid,
                to=str(form["To"]),
                body=body,
                from_=None if sender is None else str(sender),
                messaging_service_sid=None if service is None else str(service),
                status_callback=form.get("StatusCallback"),
            )
        )
        return Response(201, json.dumps(resource), {"Content-Type": "application/json"})


def _error(status: int, code: int, message: str) -> Response:
    """Return Twilio's error body, as documented at twilio.com/docs/errors."""
    payload = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return Response(status, json.dumps(payload), {"Content-Type": "application/json"})


def sign_request(auth_token: str, url: str, params: dict[str, str]) -> str:
    """Return the X-Twilio-Signature Twilio would send for a webhook POST to `url`."""
    signature: str = RequestValidator(auth_token).compute_signature(url, params)
    return signature


def inbound_sms_params(
    *,
    from_number: str,
    body: str,
    to_number: str = "+15005550006",
    account_sid: str = TEST_ACCOUNT_SID,
) -> dict[str, str]:
    """Return the form fields Twilio POSTs to a messaging webhook for one inbound SMS."""
    sid = "SM" + uuid.uuid4().hex
    return {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "US",
        "To": to_number,
        "ToZip": "",
        "NumSegments": str(segments(body)),
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": from_number,
        "ApiVersion": "2010-04-01",
    }


def status_callback_params(
    *,
    message_sid: str,
    status: str,
    to_number: str,
    from_number: str = "+15005550006",
    error_code: int | None = None,
    account_sid: str = TEST_ACCOUNT_SID,
) -> dict[str, str]:
    """Return the form fields Twilio POSTs to a StatusCallback URL when a message changes state."""
    params = {
        "MessageSid": message_sid,
        "SmsSid": message_sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": account_sid,
        "From": from_number,
        "To": to_number,
        "ApiVersion": "2010-04-01",
    }
    if error_code is not None:
        params["ErrorCode"] = str(error_code)
    return params


def gather_callback_params(
    *,
    call_sid: str,
    digits: str,
    to_number: str,
    from_number: str = "+15005550006",
    account_sid: str = TEST_ACCOUNT_SID,
) -> dict[str, str]:
    """Return the form fields Twilio POSTs to a <Gather> action when the callee presses keys.

    On an outbound call `To` is the person we called and `From` our number.
    """
    return {
        "AccountSid": account_sid,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid,
        "CallStatus": "in-progress",
        "Called": to_number,
        "Caller": from_number,
        "Digits": digits,
        "Direction": "outbound-api",
        "From": from_number,
        "FinishedOnKey": "",
        "To": to_number,
    }
