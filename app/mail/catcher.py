"""A local mail catcher for development: an SMTP server that keeps messages as files."""

import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

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


def read_message(folder: Path, message_id: str) -> dict | None:
    if not message_id.isdigit():
        return None
    path = folder / f"{message_id}.eml"
    if not path.exists():
        return None
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return {
        **_summary(path),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
        "attachments": [part.get_filename() for part in message.iter_attachments()],
    }
