"""Staff tools answer only where staff are: the staff chat, or a staff member's private chat."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.db.models import AuditLog
from handlers import escalations as escalation_handlers
from handlers.staff import StaffHandlers
from tests.staff_scene import (
    BUTTONS,
    COMMANDS,
    STAFF,
    STAFF_CHAT,
    add_escalation,
    add_task,
    close_scene,
    open_scene,
    state,
)

WRONG_PLACE = "Staff commands work only in the staff chat or in your private chat with me."
OTHER_GROUP = -100555  # a group the bot was added to that is not the staff chat
# What must never appear outside staff places: the seeded patients' names and numbers.
PATIENT_DATA = ("Ana", "Anabel", "Ben", "Okafor", "Lopez", "Ruiz", "617", "555")


@pytest.fixture
async def scene(tmp_path):
    built = await open_scene(tmp_path)
    built.double.group(OTHER_GROUP, title="Patients' support group")
    escalation_handlers.register(built.application, built.core)
    yield built
    await close_scene(built)


def every_staff_command(scene) -> list[str]:
    """Each registered staff command, with arguments where it takes them."""
    with_arguments = {command.split()[0]: command for command in COMMANDS}
    names = [*StaffHandlers(scene.core, scene.ops).commands(), "help"]
    return [with_arguments.get(f"/{name}", f"/{name}") for name in names]


def wrong_place_audits(scene) -> list[AuditLog]:
    with scene.db.session(write=False) as session:
        return list(
            session.exec(select(AuditLog).where(col(AuditLog.action) == "staff.wrong_place")).all()
        )


def group_texts(scene) -> list[str]:
    return [m.text for m in scene.double.chat_log(OTHER_GROUP) if m.from_bot]


async def test_every_staff_command_in_another_group_is_refused_saying_where_to_use_it(scene):
    commands = every_staff_command(scene)
    assert {"/today", "/patient Ana Lopez", "/export 2027-03-01 2027-03-07", "/help"} <= set(
        commands
    )
    staff_in_group = scene.staff().in_chat(OTHER_GROUP)
    before = state(scene)

    for command in commands:
        await staff_in_group.send_command(command)

    replies = group_texts(scene)
    assert replies == [WRONG_PLACE] * len(commands)
    assert not any(word in text for text in replies for word in PATIENT_DATA)
    assert [m.kind for m in scene.double.chat_log(OTHER_GROUP) if m.from_bot] == ["text"] * len(
        commands
    )  # no document, no chart
    assert state(scene) == before
    audits = wrong_place_audits(scene)
    assert [a.subject for a in audits] == [c.split()[0] for c in commands]
    assert {a.actor for a in audits} == {f"staff:{STAFF}"}
    assert all(str(OTHER_GROUP) in a.detail for a in audits)


@pytest.mark.parametrize("data", BUTTONS)
async def test_a_staff_button_pressed_in_another_group_is_refused(scene, data):
    add_task(scene, scene.ids["ben"])
    before = state(scene)
    update = scene.double.make_update(user_id=STAFF, chat_id=OTHER_GROUP, callback_data=data)

    await scene.double.deliver(update)

    answer = scene.double.callback_answers[-1]
    assert (answer.text, answer.show_alert) == (WRONG_PLACE, True)
    assert group_texts(scene) == []
    assert state(scene) == before
    assert wrong_place_audits(scene)[-1].subject == f"button:{data}"


async def test_acknowledging_an_alert_from_another_group_is_refused(scene):
    escalation_id = add_escalation(scene, scene.ids["ana"])
    update = scene.double.make_update(
        user_id=STAFF, chat_id=OTHER_GROUP, callback_data=f"esc:ack:{escalation_id}"
    )

    await scene.double.deliver(update)

    answer = scene.double.callback_answers[-1]
    assert (answer.text, answer.show_alert) == (WRONG_PLACE, True)
    assert wrong_place_audits(scene)[-1].subject == "escalation.ack"
    assert scene.audits("escalation.ack") == []


async def test_staff_commands_still_answer_in_the_staff_chat_and_in_private(scene):
    in_group = scene.staff(in_group=True)
    await in_group.send_command("/today")
    private = scene.staff()
    await private.send_command("/today")

    assert "Ana Lopez" in scene.replies(STAFF_CHAT)[-1]
    assert "Ana Lopez" in scene.replies(private.chat_id)[-1]
    assert wrong_place_audits(scene) == []


async def test_staff_writing_in_another_members_private_chat_id_is_not_a_staff_place(scene):
    directory = scene.core.staff
    assert directory.in_staff_place(user_id=STAFF, chat_id=STAFF, private=True)
    assert not directory.in_staff_place(user_id=STAFF, chat_id=501, private=True)
    assert not directory.in_staff_place(user_id=STAFF, chat_id=OTHER_GROUP, private=False)


# --- control characters in staff arguments ------------------------------------------------------

CONTROL = "That command holds an invisible control character, so nothing was done."


@pytest.fixture
async def scene_on_any_db(tmp_path, any_db):
    built = await open_scene(tmp_path, db=any_db)
    yield built
    await close_scene(built)


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m"])
async def test_a_control_character_in_any_staff_argument_is_refused_politely(scene_on_any_db, bad):
    scene = scene_on_any_db
    staff = scene.staff(in_group=True)
    commands = every_staff_command(scene)
    before = state(scene)

    for command in commands:
        name, _, rest = command.partition(" ")
        await staff.send_command(f"{name} {rest[:3]}{bad}{rest[3:]}".rstrip())

    replies = scene.replies(STAFF_CHAT)[-len(commands) :]
    assert all(reply.startswith(CONTROL) for reply in replies), replies
    assert state(scene) == before


async def test_staff_commands_answer_in_the_supergroup_the_staff_chat_migrated_to(scene):
    migrated_to = -1009990001
    scene.core.channels.staff_chat.migrated(
        old_id=STAFF_CHAT, new_id=migrated_to, now=scene.clock.now()
    )
    in_new_group = scene.staff().in_chat(migrated_to)
    await in_new_group.send_command("/today")

    assert "Ana Lopez" in scene.replies(migrated_to)[-1]
    assert wrong_place_audits(scene) == []
