"""Where originals live: encrypted, per conversation, behind stable typed placeholders."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import NamedTuple, Protocol, runtime_checkable

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import DateTime, Engine, Integer, String, Text, UniqueConstraint, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from privacy.entities import NUMBER_TYPES, placeholder_prefix
from privacy.recognizers.generic.email import canonical_email
from privacy.view import CHINESE_DIGITS

# Each round of a race has one winner, so this bounds how many writers one conversation can
# have at once (a customer and a few staff in a group chat, far fewer in practice).
_RETRIES = 20
_NUMBER_SEPARATORS = re.compile(r"[\s\-－—–()（）.。/\\\[\]【】·•_]+")
_CHINESE_DIGITS = str.maketrans(CHINESE_DIGITS)
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


@runtime_checkable
class BatchVault(Vault, Protocol):
    """A vault that serves a whole message at once: what the conversation already holds (so a value
    seen in an earlier turn is found again) and all of a message's placeholders in one transaction."""

    def known_values(self, conversation_id: str) -> list[KnownValue]: ...

    def placeholders_for(self, conversation_id: str, items: Sequence[tuple[str, str]]) -> list[str]: ...


class KnownValue(NamedTuple):
    placeholder: str
    entity_type: str
    original: str


def generate_key() -> str:
    """A new Fernet key for one deployment (store it as VAULT_KEY, never in the database)."""
    return Fernet.generate_key().decode("ascii")


def normalise(entity_type: str, original: str) -> str:
    """The form used for "same value": "+86 138-1234-5678" and "13812345678" are one phone."""
    value = unicodedata.normalize("NFKC", original).casefold().strip()
    if entity_type == "EMAIL_ADDRESS":
        return canonical_email(value).replace(" ", "")
    if entity_type not in NUMBER_TYPES:
        return _SPACES.sub(" ", value)
    value = _NUMBER_SEPARATORS.sub("", value.translate(_CHINESE_DIGITS))
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
                session.add(self._row(conversation_id, placeholder, entity_type, digest, original))
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                    continue
                return placeholder
        raise VaultError("could not allocate a placeholder (too much contention)")

    def placeholders_for(self, conversation_id: str, items: Sequence[tuple[str, str]]) -> list[str]:
        """`placeholder_for` for every (entity type, original) of one message, in one transaction.

        SQLAlchemy Core rather than the ORM: this runs for every message, and the ORM's unit of
        work costs more than the two statements it issues.
        """
        if not items:
            return []
        digests = [self._digest(entity_type, original) for entity_type, original in items]
        table = _VaultRow.__table__
        for attempt in range(_RETRIES):
            try:
                with self._engine.begin() as connection:
                    rows = connection.execute(
                        select(table.c.digest, table.c.placeholder).where(
                            table.c.conversation_id == conversation_id
                        )
                    ).all()
                    by_digest = dict(rows)
                    numbers = _highest_numbers(placeholder for _, placeholder in rows)
                    new_rows = []
                    for (entity_type, original), digest in zip(items, digests, strict=True):
                        if digest in by_digest:
                            continue
                        prefix = placeholder_prefix(entity_type)
                        numbers[prefix] = numbers.get(prefix, 0) + 1
                        by_digest[digest] = f"<{prefix}_{numbers[prefix]}>"
                        new_rows.append(
                            self._values(conversation_id, by_digest[digest], entity_type, digest, original)
                        )
                    if new_rows:
                        connection.execute(insert(_VaultRow), new_rows)
                return [by_digest[digest] for digest in digests]
            except IntegrityError:
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise VaultError("could not allocate placeholders (too much contention)")

    def known_values(self, conversation_id: str) -> list[KnownValue]:
        """Every value stored for the conversation, decrypted (a conversation holds a handful)."""
        table = _VaultRow.__table__
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(table.c.placeholder, table.c.entity_type, table.c.ciphertext)
                .where(table.c.conversation_id == conversation_id)
                .order_by(table.c.id)
            ).all()
        return [KnownValue(p, t, self._decrypt(c)) for p, t, c in rows]

    def _values(
        self, conversation_id: str, placeholder: str, entity_type: str, digest: str, original: str
    ) -> dict[str, object]:
        return {
            "conversation_id": conversation_id,
            "placeholder": placeholder,
            "entity_type": entity_type,
            "digest": digest,
            "ciphertext": self._fernet.encrypt(original.encode("utf-8")).decode("ascii"),
            "created_at": datetime.now(UTC),
        }

    def _row(
        self, conversation_id: str, placeholder: str, entity_type: str, digest: str, original: str
    ) -> _VaultRow:
        return _VaultRow(
            conversation_id=conversation_id,
            placeholder=placeholder,
            entity_type=entity_type,
            digest=digest,
            ciphertext=self._fernet.encrypt(original.encode("utf-8")).decode("ascii"),
        )

    def _decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise VaultKeyError("stored value was encrypted under another key") from None

    def reveal(self, conversation_id: str, placeholder: str) -> str | None:
        with Session(self._engine) as session:
            token = session.scalar(
                select(_VaultRow.ciphertext).where(
                    _VaultRow.conversation_id == conversation_id, _VaultRow.placeholder == placeholder
                )
            )
        return None if token is None else self._decrypt(token)

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


_NUMBERED = re.compile(r"<([A-Z][A-Z_]*[A-Z])_(\d+)>")


def _highest_numbers(placeholders: Iterable[str]) -> dict[str, int]:
    highest: dict[str, int] = {}
    for placeholder in placeholders:
        if match := _NUMBERED.fullmatch(placeholder):
            highest[match.group(1)] = max(highest.get(match.group(1), 0), int(match.group(2)))
    return highest
