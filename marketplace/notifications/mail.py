"""Talking to the mail server: the only module that imports smtplib.

SmtpSender opens one connection for a batch of messages, lazily, and says how each failure
should be treated:
- MailFailure(permanent=True): the server refused this message for good (a 5xx reply to its
  recipient or content); trying again would not help.
- MailFailure(connection=True): the server could not be reached or dropped us (refused,
  timed out, TLS or login failed); every message still waiting in the batch fails this try.
- otherwise a temporary refusal of this message (a 4xx reply): tried again later.
"""
from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage as MimeMessage
from email.utils import formatdate


class MailFailure(Exception):
    def __init__(self, text: str, *, permanent: bool = False, connection: bool = False) -> None:
        super().__init__(text)
        self.text = text[:500]
        self.permanent = permanent
        self.connection = connection


def build_message(*, sender: str, to: str, subject: str, body: str,
                  message_id: str) -> MimeMessage:
    mime = MimeMessage()
    mime["From"] = sender
    mime["To"] = to
    mime["Subject"] = subject
    mime["Date"] = formatdate(usegmt=True)
    mime["Message-ID"] = message_id
    mime.set_content(body)
    return mime


def _reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"The mail server answered {code}: {text}"


class SmtpSender:
    """Sends through SMTP_HOST:SMTP_PORT. SMTP_SECURITY is "starttls" (default), "ssl" or
    "none" (a relay on the same machine, or the test suite's local server)."""

    def __init__(self, config) -> None:
        self.host = config.get("SMTP_HOST") or "localhost"
        self.port = int(config.get("SMTP_PORT") or 587)
        self.security = config.get("SMTP_SECURITY", "starttls")
        self.username = config.get("SMTP_USERNAME") or ""
        self.password = config.get("SMTP_PASSWORD") or ""
        self.timeout = float(config.get("SMTP_TIMEOUT_SECONDS", 10))
        self.sender = config["MAIL_FROM"]
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpSender":
        return self

    def __exit__(self, *exc_info) -> None:
        self._close()

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.security == "starttls":
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        mime = build_message(sender=self.sender, to=to, subject=subject, body=body,
                             message_id=message_id)
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(mime)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise MailFailure(_reply_text(code, reply), permanent=code >= 500) from error
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise MailFailure(_reply_text(error.smtp_code, error.smtp_error),
                              permanent=error.smtp_code >= 500) from error
        except (smtplib.SMTPException, OSError) as error:
            self._close()
            raise MailFailure(_connection_text(error), connection=True) from error


def _connection_text(error: Exception) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "The mail server refused the connection (it may be down)."
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "The mail server did not answer in time."
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "The mail server did not accept our user name and password."
    return f"Could not talk to the mail server: {type(error).__name__}: {error}"
