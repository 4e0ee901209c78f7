"""Reads one raw RFC 5322 message on stdin, prints its parts as JSON (the stdlib's parser)."""
import json
import sys
from email import message_from_bytes, policy

message = message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
text = message.get_body(preferencelist=("plain",))
html = message.get_body(preferencelist=("html",))
json.dump(
    {
        "to": str(message["To"]),
        "from": str(message["From"]),
        "subject": str(message["Subject"]),
        "messageId": str(message["Message-ID"]),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    },
    sys.stdout,
)
