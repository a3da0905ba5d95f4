"""Domain errors and the HTTP error handlers.

A DomainError carries a message a person can act on; views show it beside the form, the API
returns it as {"error": {"code", "message"}} with its status. Anything else is an operator
error: logged with context, and the person sees a plain apology. A broken rate limit (429)
says when to try again, in words and in the Retry-After header (seconds).
"""
from __future__ import annotations

import math
import time

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, TooManyRequests


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidParameter(DomainError):
    code = "invalid_parameter"

    def __init__(self, parameter: str, message: str):
        super().__init__(message, field=parameter)
        self.parameter = parameter


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


def wants_json() -> bool:
    return (request.path.startswith(("/api/", "/openreferral/"))
            or request.path in ("/healthz", "/openreferral"))


def json_error(status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


_HTTP_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorised", "You need to log in to do that."),
    403: ("forbidden", "You do not have permission to see or change this."),
    404: ("not_found", "We could not find that page."),
    405: ("method_not_allowed", "That action is not allowed here."),
    413: ("too_large", "What you sent is too large."),
    429: ("too_many_requests", "Too many attempts. Please wait a minute and try again."),
    500: ("server_error", "Something went wrong on our side. Please try again later."),
}


def retry_after_seconds() -> int:
    """Seconds until the limit this request broke lets it through again (at least 1).
    Counted as Flask-Limiter counts its Retry-After header, so the words and the header agree
    (its reset time is already rounded up to the next whole second)."""
    from marketplace.extensions import limiter

    try:
        reset_at = limiter.current_limit.reset_at
    except Exception:  # no limit recorded (a 429 raised by hand): a minute is a fair guess
        return 60
    return max(1, int(reset_at - time.time()))


def say_duration(seconds: int) -> str:
    """'40 seconds', '1 minute', '3 minutes', '2 hours': rounded up, so never too early."""
    if seconds < 60:
        amount, unit = seconds, "second"
    elif math.ceil(seconds / 60) < 60:
        amount, unit = math.ceil(seconds / 60), "minute"
    else:
        amount, unit = math.ceil(seconds / 3600), "hour"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def too_many_requests(error: TooManyRequests):
    """429 from any rate limit: when to try again in words, and in Retry-After (seconds)."""
    wait = retry_after_seconds()
    if wants_json():
        response, _ = json_error(429, "too_many_requests",
                                 f"Too many requests. Wait {say_duration(wait)} and try again.")
    else:
        message = (f"You have done this too many times in a short while. Please wait "
                   f"{say_duration(wait)} and try again.")
        response = make_response(render_template("errors/error.html", status=429,
                                                 message=message))
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(429, too_many_requests)

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        if wants_json():
            extra = {"parameter": error.field} if error.field else {}
            return json_error(error.status, error.code, error.message, **extra)
        return (
            render_template("errors/error.html", status=error.status, message=error.message),
            error.status,
        )

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        code, message = _HTTP_CODES.get(status, ("error", error.description or "Error"))
        if status == 400 and error.description and "CSRF" in error.description:
            message = "This form has expired. Please go back, reload the page and try again."
        if wants_json():
            response, status = json_error(status, code, message)
        else:
            response = make_response(render_template("errors/error.html", status=status,
                                                     message=message))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))  # RFC 9110
        return response, status

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        code, message = _HTTP_CODES[500]
        if wants_json():
            return json_error(500, code, message)
        return render_template("errors/error.html", status=500, message=message), 500
