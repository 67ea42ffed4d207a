"""Where originals live: encrypted, per conversation, behind stable typed placeholders."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import re
import time
import unicodedata
from datetime import UTC, datetime
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import DateTime, Engine, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from privacy.entities import placeholder_prefix

# Each round of a race has one winner, so this bounds how many writers one conversation can
# have at once (a customer and a few staff in a group chat, far fewer in practice).
_RETRIES = 20
_NUMBER_TYPES = frozenset({"CN_ID_CARD", "BANK_CARD", "PHONE_NUMBER", "PASSPORT"})
_NUMBER_SEPARATORS = re.compile(r"[\s\-－—()（）]+")
_SPACES = re.compile(r"\s+")
_CHINA_PREFIX = re.compile(r"^(?:\+|00)?86(?=1[3-9]\d{9}$|0?\d{9,11}\D*)")
_MOBILE = re.compile(r"1[3-9]\d{9}$")


class VaultError(Exception):
    """The vault cannot do what was asked; the message never contains personal data."""


class VaultKeyError(VaultError):
    """The stored value was encrypted under another key (wrong or rotated VAULT_KEY)."""


class Vault(Protocol):
    def placeholder_for(self, conversation_id: str, entity_type: str, original: str) -> str: ...

    def reveal(self, conversation_id: str, placeholder: str) -> str | None: ...

    def placeholders(self, conversation_id: str) -> list[tuple[str, str]]: ...


def generate_key() -> str:
    """A new Fernet key for one deployment (store it as VAULT_KEY, never in the database)."""
    return Fernet.generate_key().decode("ascii")


def normalise(entity_type: str, original: str) -> str:
    """The form used for "same value": "+86 138-1234-5678" and "13812345678" are one phone."""
    value = unicodedata.normalize("NFKC", original).casefold().strip()
    if entity_type not in _NUMBER_TYPES:
        return _SPACES.sub(" ", value)
    value = _NUMBER_SEPARATORS.sub("", value)
    if entity_type == "PHONE_NUMBER":
        national = _CHINA_PREFIX.sub("", value)
        if national != value and not _MOBILE.match(national) and not national.startswith("0"):
            national = "0" + national  # +86 10 1234 5678 is 010-12345678
        value = national
    return value


class _Base(DeclarativeBase):
    """Own metadata: the vault's table is defined here, without knowing the rest of the schema; it is
    created by the application's migrations (`storage/migrations`), never by the vault itself."""


class _VaultRow(_Base):
    __tablename__ = "pii_vault"
    __table_args__ = (
        UniqueConstraint("conversation_id", "placeholder", name="uq_pii_vault_placeholder"),
        UniqueConstraint("conversation_id", "digest", name="uq_pii_vault_digest"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Both unique constraints start with conversation_id, so they also index lookups by it.
    conversation_id: Mapped[str] = mapped_column(String(128))
    placeholder: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(UTC))


VAULT_METADATA = _Base.metadata  # for schema checks and throw-away test databases


class SqlVault:
    """A `Vault` in any SQLAlchemy database.

    Only Fernet ciphertext and an HMAC digest of the normalised value are stored. The digest
    (keyed, so it cannot be brute-forced from the 10^10 possible phone numbers without the
    key) is how a value seen again maps back to its placeholder without decrypting every row.
    """

    def __init__(self, engine: Engine, key: str) -> None:
        try:
            self._fernet = Fernet(key)
        except ValueError as exc:
            raise VaultKeyError("VAULT_KEY is not a valid Fernet key") from exc
        self._digest_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"pii-vault-digest"
        ).derive(base64.urlsafe_b64decode(key))
        self._engine = engine

    def placeholder_for(self, conversation_id: str, entity_type: str, original: str) -> str:
        """The same value gets the same placeholder for the whole conversation.

        Two writers racing on one conversation hit a unique constraint; the loser retries and
        then finds the winner's row (same value) or takes the next number (another value).
        """
        digest = self._digest(entity_type, original)
        for attempt in range(_RETRIES):
            with Session(self._engine) as session:
                found = session.scalar(
                    select(_VaultRow.placeholder).where(
                        _VaultRow.conversation_id == conversation_id, _VaultRow.digest == digest
                    )
                )
                if found is not None:
                    return found
                placeholder = self._next_placeholder(session, conversation_id, entity_type)
                session.add(
                    _VaultRow(
                        conversation_id=conversation_id,
                        placeholder=placeholder,
                        entity_type=entity_type,
                        digest=digest,
                        ciphertext=self._fernet.encrypt(original.encode("utf-8")).decode("ascii"),
                    )
                )
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                    continue
                return placeholder
        raise VaultError("could not allocate a placeholder (too much contention)")

    def reveal(self, conversation_id: str, placeholder: str) -> str | None:
        with Session(self._engine) as session:
            token = session.scalar(
                select(_VaultRow.ciphertext).where(
                    _VaultRow.conversation_id == conversation_id, _VaultRow.placeholder == placeholder
                )
            )
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise VaultKeyError("stored value was encrypted under another key") from None

    def placeholders(self, conversation_id: str) -> list[tuple[str, str]]:
        with Session(self._engine) as session:
            rows = session.execute(
                select(_VaultRow.placeholder, _VaultRow.entity_type)
                .where(_VaultRow.conversation_id == conversation_id)
                .order_by(_VaultRow.id)
            )
            return [(placeholder, entity_type) for placeholder, entity_type in rows]

    def _digest(self, entity_type: str, original: str) -> str:
        message = normalise(entity_type, original).encode("utf-8")
        return hmac.new(self._digest_key, message, hashlib.sha256).hexdigest()

    @staticmethod
    def _next_placeholder(session: Session, conversation_id: str, entity_type: str) -> str:
        prefix = placeholder_prefix(entity_type)
        numbered = re.compile(rf"<{re.escape(prefix)}_(\d+)>")
        taken = session.scalars(
            select(_VaultRow.placeholder).where(
                _VaultRow.conversation_id == conversation_id,
                _VaultRow.placeholder.startswith(f"<{prefix}_", autoescape=True),
            )
        )
        numbers = [int(m.group(1)) for p in taken if (m := numbered.fullmatch(p))]
        return f"<{prefix}_{max(numbers, default=0) + 1}>"
