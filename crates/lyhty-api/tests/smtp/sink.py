"""An SMTP server on loopback for the mail tests (tests/requests.rs).

Every message it receives is parsed with Python's own e-mail package (an independent reader
of what lettre wrote) and written as one JSON file into the folder named on the command
line: envelope sender and recipients, the decoded subject, the plain-text body. The port it
listens on is printed on standard output; it stops when standard input closes.
"""

import email
import email.policy
import json
import os
import socket
import sys
import uuid

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_to": list(envelope.rcpt_tos),
            "from": str(message["from"]),
            "to": str(message["to"]),
            "subject": str(message["subject"]),
            "content_type": message.get_content_type(),
            "body": body.get_content() if body is not None else "",
        }
        name = uuid.uuid4().hex
        partial = os.path.join(self.folder, f".{name}.tmp")
        with open(partial, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        # Written whole before the 250 reply, so the sender's success means it is here.
        os.rename(partial, os.path.join(self.folder, f"{name}.json"))
        return "250 Message accepted"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    folder = sys.argv[1]
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=free_port())
    controller.start()
    print(controller.port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
