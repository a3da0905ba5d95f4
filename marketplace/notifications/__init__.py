"""In-app notifications and the email outbox.

services.py queues an email in the same transaction as the change it reports; delivery.py
sends (or captures) queued email from the worker, with a lease per message, retries with
backoff and a limit; mail.py is the only module that talks SMTP. No web request sends email.
"""
