"""Personal access tokens for the private API (/api/v1/me, /api/v1/orders).

Invariants:
- The secret is shown once, when it is made; only its SHA-256 hash is stored, beside a short
  prefix so people can tell their tokens apart. A lost token cannot be recovered, only replaced.
- A request is authenticated only by `Authorization: Bearer <token>`. Session cookies are never
  read here, so a page on another site cannot make a logged-in browser write through the API
  (the API blueprint is CSRF-exempt for exactly that reason).
- Missing, unknown, revoked or closed-account tokens get 401 with a WWW-Authenticate header
  (RFC 6750); a valid token without the scope an endpoint needs gets 403.
- Scopes: "read" (budgets, statements, orders) and "order" (place and act on orders); "order"
  always includes "read", since acting on an order means reading it back.
- Callers commit (except `token_required`, which records last use in its own small commit so
  a read-only request stays a read).
- Every /api/v1 call counts against API_RATE_LIMIT: its token's allowance when it carries a
  live token, otherwise its address's (a made-up or revoked token counts against the address,
  so inventing tokens cannot dodge the limit).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Response, current_app, g, make_response, request
from flask_limiter.util import get_remote_address

from marketplace.accounts.models import API_TOKEN_SCOPES, ApiToken, User
from marketplace.api import blueprint
from marketplace.errors import DomainError, NotFound, json_error
from marketplace.extensions import configured_limit, db, limiter
from marketplace.times import utcnow

TOKEN_PREFIX = "pwt_"
#: Characters of the secret kept in clear (fits ApiToken.prefix).
SHOWN_PREFIX_LENGTH = 12
SCOPE_VALUES = [value for value, _ in API_TOKEN_SCOPES]
MAX_NAME_LENGTH = 80
#: Live (not revoked) tokens one person may hold at a time.
MAX_LIVE_TOKENS = 20
#: last_used_at is written at most this often per token, so busy clients do not queue on it.
LAST_USED_RESOLUTION = timedelta(minutes=1)
REALM = "Pathways API"
TOKENS_PAGE = "/account/tokens"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_scopes(scopes: list[str] | None) -> list[str]:
    chosen = set(scopes or [])
    if not chosen or chosen - set(SCOPE_VALUES):
        raise DomainError("Choose what the token may do", field="scopes")
    if "order" in chosen:
        chosen.add("read")
    return [value for value in SCOPE_VALUES if value in chosen]


def tokens_for(user: User) -> list[ApiToken]:
    """The person's tokens, live ones first, newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    ))


def create_token(user: User, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """A new token and its secret. The secret is not kept: show it to the person once."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Give the token a name, so you know what uses it", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise DomainError(f"Use {MAX_NAME_LENGTH} characters or fewer", field="name")
    scopes = normalise_scopes(scopes)
    live = db.session.scalar(
        sa.select(sa.func.count(ApiToken.id))
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    if live >= MAX_LIVE_TOKENS:
        raise DomainError(f"You already have {MAX_LIVE_TOKENS} tokens. Revoke one you no longer "
                          "use before making another.", field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=secret[:SHOWN_PREFIX_LENGTH],
                     token_hash=hash_secret(secret), scopes=scopes)
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Stop a token working at once. Only its owner may; revoking twice changes nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("We could not find that token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


# ---------------------------------------------------------------- authenticating requests


class TokenRefused(DomainError):
    """401 or 403 with the WWW-Authenticate challenge RFC 6750 asks for."""

    def __init__(self, status: int, code: str, message: str, challenge: str):
        super().__init__(message, code=code)
        self.status, self.challenge = status, challenge


def _bearer_secret() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.strip().partition(" ")
    if not header or scheme.lower() != "bearer" or not secret.strip():
        raise TokenRefused(
            401, "unauthorised",
            "Send a personal access token in the header 'Authorization: Bearer <token>'. "
            f"You can make one on your account's API tokens page ({TOKENS_PAGE}).",
            f'Bearer realm="{REALM}"',
        )
    return secret.strip()


def authenticate(secret: str) -> ApiToken:
    """The live token for this secret, or TokenRefused (401)."""
    digest = hash_secret(secret)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest))
    # The lookup is by hash, so its timing says nothing about the secret; compare_digest keeps
    # the final check constant-time all the same.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        problem = "This access token is not valid. Check it was copied in full, or make a new one."
    elif token.revoked_at is not None:
        problem = "This access token has been revoked. Make a new one if you still need access."
    elif not token.user.is_active:
        problem = "The account this access token belongs to is closed."
    else:
        return token
    raise TokenRefused(401, "invalid_token", problem,
                       f'Bearer realm="{REALM}", error="invalid_token"')


def _note_use(token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id)
                       .values(last_used_at=now), execution_options={"synchronize_session": False})
    db.session.commit()


def _refusal(refused: TokenRefused):
    response = make_response(json_error(refused.status, refused.code, refused.message))
    response.headers["WWW-Authenticate"] = refused.challenge
    return response


def token_required(scope: str):
    """Authenticate the request by bearer token and require `scope`. The person is g.api_user."""
    if scope not in SCOPE_VALUES:
        raise ValueError(scope)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            try:
                token = authenticate(_bearer_secret())
                if scope not in token.scopes:
                    raise TokenRefused(
                        403, "insufficient_scope",
                        f"This access token may not do that: it needs the '{scope}' scope. "
                        "Make a token that includes it.",
                        f'Bearer realm="{REALM}", error="insufficient_scope", scope="{scope}"',
                    )
            except TokenRefused as refused:
                return _refusal(refused)
            _note_use(token)
            g.api_token = token
            g.api_user = token.user
            return view(*args, **kwargs)

        wrapped.bearer_scope = scope
        return wrapped

    return decorator


def rate_limit_key() -> str:
    """Whose allowance this call uses: the live token's, or else the caller's address."""
    scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        try:
            return f"token:{authenticate(secret.strip()).id}"
        except TokenRefused:
            pass
    return f"address:{get_remote_address()}"


limiter.shared_limit(configured_limit("API_RATE_LIMIT"), scope="api",
                     key_func=rate_limit_key)(blueprint)


@blueprint.after_request
def never_cache_personal_data(response: Response) -> Response:
    """Every answer from a token endpoint, errors included, may hold personal data."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "bearer_scope", None):
        response.headers["Cache-Control"] = "no-store"
    return response
