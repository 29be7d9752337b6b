"""The Telegram double behaves like Telegram for a real PTB Application."""

from __future__ import annotations

import asyncio
import html
from datetime import timedelta

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.messaging.telegram_html import EntityParseError, parse_html
from bot.sandbox.bot_api_spec import UploadedFile, load_spec, validate_call, validate_object
from bot.sandbox.telegram_double import FakeBotApi
from bot.sandbox.telegram_records import AnyApplication, BotEvent, NoSuchButton, NoSuchMessage
from tests.paths import SPECS

SPEC_PATH = SPECS / "telegram-bot-api.json"
needs_spec = pytest.mark.skipif(
    not SPEC_PATH.exists(), reason="tests/specs/telegram-bot-api.json not present"
)

ALICE = 42
STAFF_CHAT = -1001234567890
ANSWER_KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="ans:yes"),
            InlineKeyboardButton("No", callback_data="ans:no"),
        ]
    ]
)


async def greet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet and offer to share a phone number."""
    assert update.message is not None
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Share phone", request_contact=True)]], one_time_keyboard=True
    )
    await update.message.reply_text("Welcome", reply_markup=keyboard)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeat the text in bold and ask a yes/no question."""
    assert update.message is not None
    assert update.message.text is not None
    said = html.escape(update.message.text)
    await update.message.reply_html(f"You said: <b>{said}</b>", reply_markup=ANSWER_KEYBOARD)


async def thank_for_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm the shared phone number and hide the keyboard."""
    assert update.message is not None
    assert update.message.contact is not None
    phone = update.message.contact.phone_number
    await update.message.reply_text(f"Got {phone}", reply_markup=ReplyKeyboardRemove())


async def record_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledge the press and replace the question with the choice."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer(f"Noted by {query.from_user.first_name}")
    await query.edit_message_text(f"Chosen: {query.data.removeprefix('ans:')}")


def build_application(double: FakeBotApi) -> AnyApplication:
    application = (
        ApplicationBuilder().token("123:TEST").request(double).get_updates_request(double).build()
    )
    application.add_handler(CommandHandler("start", greet))
    application.add_handler(MessageHandler(filters.CONTACT, thank_for_contact))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(CallbackQueryHandler(record_answer, pattern=r"^ans:"))
    return application


@pytest.fixture
def double() -> FakeBotApi:
    return FakeBotApi(spec_path=SPEC_PATH if SPEC_PATH.exists() else None)


@pytest.fixture
async def application(double: FakeBotApi):
    application = build_application(double)
    async with application:
        yield application


@pytest.fixture
async def attached(double: FakeBotApi, application: AnyApplication) -> FakeBotApi:
    double.attach(application)
    return double


# --- Driving a real Application -------------------------------------------------------------


async def test_a_text_is_answered_with_bold_text_and_buttons(attached: FakeBotApi) -> None:
    alice = attached.user(ALICE, first_name="Alice")

    await alice.send_text("hello <there>")

    reply = attached.last_message(ALICE)
    assert reply.text == "You said: hello <there>"
    assert reply.entities == [{"type": "bold", "offset": 10, "length": 13}]
    assert reply.buttons == [[("Yes", "ans:yes"), ("No", "ans:no")]]
    assert [m.message_id for m in attached.chat_log(ALICE)] == [1, 2]
    assert attached.spec_violations == []


async def test_pressing_a_button_answers_the_query_and_edits_the_question(
    attached: FakeBotApi,
) -> None:
    alice = attached.user(ALICE, first_name="Alice")
    await alice.send_text("hi")

    update = await alice.press("Yes")

    answer = attached.callback_answer(update["callback_query"]["id"])
    assert answer is not None
    assert answer.text == "Noted by Alice"
    question = attached.last_message(ALICE)
    assert (question.text, question.edited, question.buttons) == ("Chosen: yes", True, [])
    assert attached.spec_violations == []


async def test_a_contact_button_shares_the_registered_phone(attached: FakeBotApi) -> None:
    alice = attached.user(ALICE, first_name="Alice", phone="+15551234567")
    await alice.send_command("/start")
    assert attached.last_message(ALICE).reply_keyboard == [["Share phone"]]

    await alice.press("Share phone")

    assert attached.last_message(ALICE).text == "Got +15551234567"
    with pytest.raises(NoSuchButton):
        await alice.press("Share phone")


async def test_make_update_feeds_process_update_directly(
    double: FakeBotApi, application: AnyApplication
) -> None:
    first = double.make_update(user_id=ALICE, text="one")
    second = double.make_update(user_id=ALICE, text="/start")

    await application.process_update(Update.de_json(first, application.bot))
    await application.process_update(Update.de_json(second, application.bot))

    assert second["update_id"] == first["update_id"] + 1
    assert second["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    log = double.chat_log(ALICE)
    assert [(m.message_id, m.from_bot, m.text) for m in log] == [
        (1, False, "one"),
        (2, False, "/start"),
        (3, True, "You said: one"),
        (4, True, "Welcome"),
    ]


async def test_polling_delivers_queued_updates_and_confirms_them_on_stop(
    double: FakeBotApi, application: AnyApplication
) -> None:
    alice = double.user(ALICE, first_name="Alice")
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=1))
    await application.start()
    try:
        await alice.send_text("by polling")
        async with asyncio.timeout(3):
            reply = await alice.next_reply()
            await alice.press("No")
            await double.wait_until(lambda: double.last_message(ALICE).text == "Chosen: no")
    finally:
        await application.updater.stop()
        await application.stop()

    assert reply.text == "You said: by polling"
    assert double.pending_updates() == []
    assert [c.method for c in double.calls[:2]] == ["getMe", "deleteWebhook"]
    assert double.spec_violations == []


async def test_many_people_at_once_each_get_their_own_reply(attached: FakeBotApi) -> None:
    people = [attached.user(1000 + n, first_name=f"P{n}") for n in range(30)]

    await asyncio.gather(*(person.send_text(f"from {person.id}") for person in people))
    await asyncio.gather(*(person.press("Yes") for person in people))

    for person in people:
        log = attached.chat_log(person.id)
        assert [(m.message_id, m.text) for m in log] == [
            (1, f"from {person.id}"),
            (2, "Chosen: yes"),
        ]
    assert len(attached.callback_answers) == 30


async def test_a_staff_member_presses_a_button_in_the_staff_group(
    attached: FakeBotApi, application: AnyApplication
) -> None:
    attached.group(STAFF_CHAT, title="Front desk")
    sam = attached.user(7, first_name="Sam").in_chat(STAFF_CHAT)
    await application.bot.send_message(STAFF_CHAT, "New booking", reply_markup=ANSWER_KEYBOARD)

    update = await sam.press("ans:yes")

    query = update["callback_query"]
    assert (query["from"]["id"], query["message"]["chat"]["id"]) == (7, STAFF_CHAT)
    assert query["message"]["chat"]["type"] == "supergroup"
    assert attached.last_message(STAFF_CHAT).text == "Chosen: yes"
    assert attached.callback_answers[-1].text == "Noted by Sam"


async def test_an_old_button_can_be_pressed_until_its_message_is_gone(
    attached: FakeBotApi, application: AnyApplication
) -> None:
    alice = attached.user(ALICE, first_name="Alice")
    old = await application.bot.send_message(ALICE, "Old", reply_markup=ANSWER_KEYBOARD)
    await application.bot.send_message(ALICE, "New", reply_markup=ANSWER_KEYBOARD)

    await alice.press_on(old.message_id, "No")
    assert attached.message(ALICE, old.message_id).text == "Chosen: no"

    await application.bot.delete_message(ALICE, old.message_id)
    with pytest.raises(NoSuchButton):
        await alice.press_on(old.message_id, "No")
    stale = attached.make_update(user_id=ALICE, callback_data="ans:no", message_id=old.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await application.bot.edit_message_text("again", chat_id=ALICE, message_id=old.message_id)
    assert stale["callback_query"]["message"]["date"] == 0


async def test_listeners_see_what_the_chat_shows(attached: FakeBotApi) -> None:
    events: list[BotEvent] = []
    attached.subscribe(events.append)
    alice = attached.user(ALICE, first_name="Alice")

    await alice.send_text("hi")
    await alice.press("Yes")

    assert [e.kind for e in events] == ["sent", "callback_answer", "edited"]
    assert events[1].text == "Noted by Alice"


# --- Telegram's validation, as PTB exceptions -----------------------------------------------


@pytest.fixture
async def bot(application: AnyApplication, double: FakeBotApi):
    double.user(ALICE, first_name="Alice")
    return application.bot


async def test_text_length_counts_after_html_parsing_and_in_utf16(bot) -> None:
    await bot.send_message(ALICE, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")

    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE, "a" * 4097)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE, "😀" * 2049)


async def test_empty_or_blank_text_is_refused(bot) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ALICE, " \n ")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ALICE, "<b></b>", parse_mode="HTML")


@pytest.mark.parametrize(
    ("data", "accepted"),
    [("x" * 64, True), ("x" * 65, False), ("é" * 33, False), ("", False)],
)
async def test_callback_data_must_be_1_to_64_bytes(bot, data: str, accepted: bool) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data=data)]])
    if accepted:
        await bot.send_message(ALICE, "Pick", reply_markup=markup)
    else:
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(ALICE, "Pick", reply_markup=markup)


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("é<b", "Unclosed start tag at byte offset 2"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="big">x</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_malformed_html_cannot_be_parsed(bot, markup: str, error: str) -> None:
    with pytest.raises(EntityParseError, match=error):
        parse_html(markup)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(ALICE, markup, parse_mode="HTML")


def test_telegram_html_decodes_entities_and_keeps_a_bare_ampersand() -> None:
    parsed = parse_html('&lt;b&gt; &amp; &quot;x&#33;&#x21; AT&T <a href="https://x.org">link</a>')

    assert parsed.text == '<b> & "x!! AT&T link'
    assert parsed.entities == (
        {"type": "text_link", "offset": 16, "length": 4, "url": "https://x.org"},
    )
    nested = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert nested.entities == ({"type": "pre", "offset": 0, "length": 5, "language": "python"},)


async def test_a_long_caption_is_refused(bot) -> None:
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(ALICE, b"data", filename="a.txt", caption="c" * 1025)


async def test_a_callback_answer_longer_than_200_characters_is_refused(
    double: FakeBotApi, bot
) -> None:
    question = await bot.send_message(ALICE, "Q", reply_markup=ANSWER_KEYBOARD)
    press = double.make_update(
        user_id=ALICE, callback_data="ans:yes", message_id=question.message_id
    )
    query_id = press["callback_query"]["id"]

    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(query_id, text="t" * 201)
    await bot.answer_callback_query(query_id, text="t" * 200)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)


async def test_an_identical_edit_is_not_modified(bot) -> None:
    sent = await bot.send_message(
        ALICE, "<b>Same</b>", parse_mode="HTML", reply_markup=ANSWER_KEYBOARD
    )

    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<strong>Same</strong>",
            chat_id=ALICE,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=ANSWER_KEYBOARD,
        )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=ANSWER_KEYBOARD)
    edited = await bot.edit_message_text(
        "<b>Same</b>", chat_id=ALICE, message_id=sent.message_id, parse_mode="HTML"
    )
    assert edited.reply_markup is None


async def test_editing_an_unknown_message_is_refused(double: FakeBotApi, bot) -> None:
    with pytest.raises(NoSuchMessage):
        double.last_message(ALICE)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("new", chat_id=ALICE, message_id=999)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ALICE, 999)


# --- Failure injection ----------------------------------------------------------------------


async def test_a_blocked_chat_raises_forbidden(double: FakeBotApi, bot) -> None:
    double.block_chat(ALICE)
    double.block_chat(STAFF_CHAT)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ALICE, "hi")
    with pytest.raises(Forbidden, match="bot was kicked"):
        await bot.send_message(STAFF_CHAT, "hi")
    double.unblock_chat(ALICE)
    await bot.send_message(ALICE, "hi again")


async def test_a_flood_wait_raises_retry_after_with_its_value(
    double: FakeBotApi, bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    double.fail_next("sendMessage", retry_after=7, chat_id=ALICE)

    await bot.send_message(ALICE + 1, "another chat is not affected")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE, "hi")

    assert caught.value.retry_after == timedelta(seconds=7)
    await bot.send_message(ALICE, "the failure was used up")


async def test_server_errors_missing_chats_and_timeouts_raise_ptb_errors(
    double: FakeBotApi, bot
) -> None:
    double.fail_next("sendMessage", error_code=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(ALICE, "hi")

    double.chat_not_found(555)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(555, "hi")

    double.time_out_next("sendMessage", delivered=True)
    with pytest.raises(TimedOut):
        await bot.send_message(ALICE, "arrived anyway")
    assert double.last_message(ALICE).text == "arrived anyway"


async def test_an_unknown_method_is_not_found(double: FakeBotApi, bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": ALICE})
    assert [call.method for call in double.calls][-1] == "sendTelepathy"


async def test_a_second_poller_ends_the_first_with_conflict(bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.01)

    assert await bot.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await first


async def test_polling_is_refused_while_a_webhook_is_set(double: FakeBotApi, bot) -> None:
    await bot.set_webhook("https://clinic.example/telegram", secret_token="s3cret")
    assert double.webhook_secret == "s3cret"

    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()


# --- Files, commands, pacing ----------------------------------------------------------------


async def test_an_uploaded_document_is_recorded_and_downloadable(double: FakeBotApi, bot) -> None:
    sent = await bot.send_document(
        ALICE, b"BEGIN:VCALENDAR", filename="visit.ics", caption="Your visit"
    )

    record = double.last_message(ALICE)
    assert (record.document_name, record.document_bytes, record.text) == (
        "visit.ics",
        b"BEGIN:VCALENDAR",
        "Your visit",
    )
    file = await bot.get_file(sent.document.file_id)
    assert await file.download_as_bytearray() == bytearray(b"BEGIN:VCALENDAR")
    again = await bot.send_document(ALICE, sent.document.file_id)
    assert again.document.file_name == "visit.ics"


async def test_commands_are_stored_per_scope_and_checked(double: FakeBotApi, bot) -> None:
    await bot.set_my_commands([("start", "Begin"), ("book", "Book a visit")])

    assert [c.command for c in await bot.get_my_commands()] == ["start", "book"]
    assert double.commands() == [
        {"command": "start", "description": "Begin"},
        {"command": "book", "description": "Book a visit"},
    ]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Book", "Upper case is refused")])


async def test_pacing_reports_the_busiest_second_per_chat_and_overall() -> None:
    now = [0.0]
    double = FakeBotApi(monotonic=lambda: now[0])
    app = build_application(double)
    async with app:
        for at, chat in [(0.0, 1), (0.5, 1), (0.9, 2), (1.0, 1), (2.5, 2)]:
            now[0] = at
            await app.bot.send_message(chat, "tick")

    rates = double.max_send_rates()
    assert (rates.per_chat, rates.busiest_chat, rates.overall) == (2, 1, 3)
    assert double.send_times(2) == [0.9, 2.5]


async def test_chat_actions_are_recorded_and_unknown_ones_refused(double: FakeBotApi, bot) -> None:
    await bot.send_chat_action(ALICE, "typing")

    assert double.chat_actions == [(ALICE, "typing")]
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(ALICE, "dancing")


# --- Spec conformance -----------------------------------------------------------------------


@needs_spec
async def test_an_undeclared_parameter_is_a_spec_violation(double: FakeBotApi, bot) -> None:
    await bot.send_message(ALICE, "hi", api_kwargs={"colour": "red"})

    assert double.spec_violations == ["sendMessage: undeclared parameter 'colour'"]


@needs_spec
def test_validate_call_names_every_kind_of_mistake() -> None:
    spec = load_spec(SPEC_PATH)
    bad_markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "x", "colour": "red"}]]}

    assert validate_call(spec, "sendmessage", {"chat_id": 1, "text": "hi"}) == []
    assert validate_call(spec, "sendPigeon", {}) == ["sendPigeon: unknown method"]
    assert validate_call(spec, "sendMessage", {"text": "hi"}) == [
        "sendMessage: missing required parameter 'chat_id'"
    ]
    assert validate_call(spec, "sendMessage", {"chat_id": True, "text": "hi"}) == [
        "sendMessage.chat_id: expected Integer, got bool"
    ]
    assert validate_call(
        spec, "sendMessage", {"chat_id": 1, "text": "hi", "reply_markup": bad_markup}
    ) == [
        "sendMessage.reply_markup.inline_keyboard[0][0]: undeclared field 'colour' for"
        " InlineKeyboardButton"
    ]
    assert (
        validate_call(spec, "sendDocument", {"chat_id": 1, "document": UploadedFile("a.ics", b"x")})
        == []
    )


@needs_spec
async def test_answers_are_shaped_like_telegrams_types(
    double: FakeBotApi, bot, application: AnyApplication
) -> None:
    spec = load_spec(SPEC_PATH)
    sent = await bot.send_message(
        ALICE, "<i>hi</i>", parse_mode="HTML", reply_markup=ANSWER_KEYBOARD
    )
    update = double.make_update(user_id=ALICE, callback_data="ans:no", message_id=sent.message_id)
    contact = double.make_update(user_id=ALICE, contact_phone="+15550000000")

    assert validate_object(spec, "Message", sent.to_dict()) == []
    assert validate_object(spec, "Update", update) == []
    assert validate_object(spec, "Update", contact) == []
    assert validate_object(spec, "User", (await bot.get_me()).to_dict()) == []
    assert validate_object(spec, "ChatFullInfo", (await bot.get_chat(ALICE)).to_dict()) == []


async def test_a_double_without_a_spec_checks_nothing() -> None:
    double = FakeBotApi()
    async with build_application(double) as app:
        await app.bot.send_message(ALICE, "hi", api_kwargs={"colour": "red"})

    assert double.spec_violations == []
    assert double.calls_to("sendmessage")[0].params == {
        "chat_id": ALICE,
        "text": "hi",
        "colour": "red",
    }
