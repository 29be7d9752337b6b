"""One reply to an inbound text, which may be several texts: each goes back as its own TwiML
<Message> (one SMS each)."""

from __future__ import annotations

from collections.abc import Callable

Reply = str | None


Deferred = Callable[[], Reply]

# Between two texts of one reply: each goes back as its own TwiML <Message> (one SMS each).
MESSAGE_BREAK = "\x1e"


def join_replies(first: str, then: Reply) -> str:
    """`first`, then `then` (if any), as two texts of one reply."""
    return first if not then else f"{first}{MESSAGE_BREAK}{then}"


def reply_parts(reply: str) -> list[str]:
    """The texts of one reply, in order."""
    return [part for part in reply.split(MESSAGE_BREAK) if part]
