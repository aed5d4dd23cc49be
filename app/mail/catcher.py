"""A local mail catcher for development: an SMTP server that keeps messages as files."""

import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import NamedTuple

from aiosmtpd.controller import Controller


class SaveToFolder:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def serve(folder: Path, host: str, port: int) -> None:
    controller = Controller(SaveToFolder(folder), hostname=host, port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def caught_messages(folder: Path, limit: int = 100) -> list[dict]:
    """Newest first: file name, subject, recipient and date of each caught message."""
    files = sorted(folder.glob("*.eml"), reverse=True)[:limit] if folder.exists() else []
    return [_summary(path) for path in files]


def _summary(path: Path) -> dict:
    with path.open("rb") as handle:
        headers = BytesParser(policy=policy.default).parse(handle, headersonly=True)
    return {
        "id": path.stem,
        "subject": headers.get("Subject", ""),
        "to": headers.get("To", ""),
        "date": headers.get("Date", ""),
    }


def _parsed(folder: Path, message_id: str) -> EmailMessage | None:
    if not message_id.isdigit():
        return None
    path = folder / f"{message_id}.eml"
    if not path.exists():
        return None
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def read_message(folder: Path, message_id: str) -> dict | None:
    message = _parsed(folder, message_id)
    if message is None:
        return None
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return {
        **_summary(folder / f"{message_id}.eml"),
        "reply_to": message.get("Reply-To", ""),
        "text": text.get_content() if text else "",
        "has_html": html is not None,
        "attachments": [
            {"number": number, "filename": part.get_filename() or f"attachment-{number}"}
            for number, part in enumerate(message.iter_attachments(), start=1)
        ],
    }


def read_html(folder: Path, message_id: str) -> str | None:
    """The HTML part of a caught message, as it was sent."""
    message = _parsed(folder, message_id)
    html = message.get_body(preferencelist=("html",)) if message is not None else None
    return html.get_content() if html is not None else None


class Attachment(NamedTuple):
    filename: str
    content_type: str
    data: bytes


def read_attachment(folder: Path, message_id: str, number: int) -> Attachment | None:
    """The attachment `number` (from 1) of a caught message, decoded."""
    message = _parsed(folder, message_id)
    parts = list(message.iter_attachments()) if message is not None else []
    if not 1 <= number <= len(parts):
        return None
    part = parts[number - 1]
    return Attachment(
        filename=part.get_filename() or f"attachment-{number}",
        content_type=part.get_content_type(),
        data=part.get_payload(decode=True) or b"",
    )
