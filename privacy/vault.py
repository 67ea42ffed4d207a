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
from typing import NamedTuple, Protocol, cast, runtime_checkable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import (
    ColumnElement,
    Connection,
    Dialect,
    Engine,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from privacy.entities import NUMBER_TYPES, placeholder_prefix
from privacy.recognizers.generic.email import canonical_email
from privacy.view import CHINESE_DIGITS
from storage.types import UtcDateTime

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

    def placeholders_for(
        self,
        conversation_id: str,
        items: Sequence[tuple[str, str]],
        known: Sequence[KnownValue] | None = None,
    ) -> list[str]: ...


class KnownValue(NamedTuple):
    placeholder: str
    entity_type: str
    original: str
    digest: str = ""  # the vault's keyed digest of the normalised value


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
    # Which VAULT_KEY encrypted the row (`key_id`); NULL for rows written before key rotation existed.
    key_id: Mapped[str | None] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=lambda: datetime.now(UTC), index=True
    )


VAULT_METADATA = _Base.metadata  # for schema checks and throw-away test databases

_TABLE: Table = _VaultRow.__table__  # type: ignore[assignment]  # declarative: always a Table
_DIGESTS = select(_TABLE.c.digest, _TABLE.c.placeholder).where(
    _TABLE.c.conversation_id == bindparam("conversation_id")
)
_KNOWN = (
    select(_TABLE.c.placeholder, _TABLE.c.entity_type, _TABLE.c.ciphertext, _TABLE.c.digest)
    .where(_TABLE.c.conversation_id == bindparam("conversation_id"))
    .order_by(_TABLE.c.id)
)
_INSERT = insert(_TABLE)
_INSERT_KEYS = [
    "conversation_id", "placeholder", "entity_type", "digest", "ciphertext", "key_id", "created_at"
]  # fmt: skip


class _DriverStatement:
    """One of the per-message statements, compiled once for the engine's dialect and run on the
    driver's cursor.

    SQLAlchemy's execution path (execution context, result wrapping, events) costs several times
    what SQLite takes to run these statements, and they run for every message; a statement here is
    still built from the table's SQLAlchemy definition and binds through its column types.
    """

    def __init__(self, statement: ClauseElement, dialect: Dialect, keys: Sequence[str] | None = None) -> None:
        columns = list(keys) if keys else None
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=columns))
        self.sql = compiled.string
        self._names = list(compiled.positiontup or []) if compiled.positional else None
        self._processors = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }

    def parameters(self, values: dict[str, object]) -> Sequence[object] | dict[str, object]:
        processed = {k: self._processors[k](v) if k in self._processors else v for k, v in values.items()}
        return processed if self._names is None else [processed[name] for name in self._names]

    def rows(self, connection: Connection, values: dict[str, object]) -> list[tuple[object, ...]]:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(self.sql, self.parameters(values))
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def run_many(self, connection: Connection, rows: Sequence[dict[str, object]]) -> None:
        cursor = connection.connection.cursor()
        try:
            # All positional or all named, as the dialect's paramstyle says.
            cursor.executemany(self.sql, [self.parameters(row) for row in rows])  # type: ignore[arg-type]
        finally:
            cursor.close()


class SqlVault:
    """A `Vault` in any SQLAlchemy database.

    Only Fernet ciphertext and an HMAC digest of the normalised value are stored. The digest
    (keyed, so it cannot be brute-forced from the 10^10 possible phone numbers without the
    key) is how a value seen again maps back to its placeholder without decrypting every row.
    """

    def __init__(self, engine: Engine, key: str, old_keys: Sequence[str] = ()) -> None:
        """`key` encrypts; `old_keys` (retired VAULT_KEYs) are only read, until `rotate` has re-encrypted
        every row under `key`. Workers run with both during a rotation, so nothing stops."""
        try:
            fernets = [Fernet(k) for k in (key, *old_keys)]
        except ValueError as exc:
            raise VaultKeyError("VAULT_KEY (or an old vault key) is not a valid Fernet key") from exc
        self._fernet = MultiFernet(fernets)
        self.key_id = key_id(key)
        # The digest of a value under each key, the current one first: a value stored under an old key
        # is still found again (same placeholder) until its row is rotated.
        self._digest_keys = [_digest_key(k) for k in (key, *old_keys)]
        self._engine = engine
        dialect = engine.dialect
        self._known_sql = _DriverStatement(_KNOWN, dialect)
        self._digests_sql = _DriverStatement(_DIGESTS, dialect)
        self._insert_sql = _DriverStatement(_INSERT, dialect, _INSERT_KEYS)
        # What the driver raises on a unique-constraint race (run on its cursor, not wrapped by SQLAlchemy).
        self._integrity_errors: tuple[type[Exception], ...] = (
            IntegrityError,
            getattr(dialect.loaded_dbapi, "IntegrityError", IntegrityError),
        )

    def placeholder_for(self, conversation_id: str, entity_type: str, original: str) -> str:
        """The same value gets the same placeholder for the whole conversation.

        Two writers racing on one conversation hit a unique constraint; the loser retries and
        then finds the winner's row (same value) or takes the next number (another value).
        """
        digest, *old = self._digests(entity_type, original)
        for attempt in range(_RETRIES):
            with Session(self._engine) as session:
                found = session.scalar(
                    select(_VaultRow.placeholder).where(
                        _VaultRow.conversation_id == conversation_id, _VaultRow.digest.in_([digest, *old])
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

    def placeholders_for(
        self,
        conversation_id: str,
        items: Sequence[tuple[str, str]],
        known: Sequence[KnownValue] | None = None,
    ) -> list[str]:
        """`placeholder_for` for every (entity type, original) of one message: one insert of all its
        new values, in one transaction, and no transaction at all when every value is already known.

        `known` is what `known_values` just returned for this conversation: with it, the rows are not
        read again. That is safe because allocation is optimistic anyway: a row another writer added
        since the read breaks a unique constraint, and the retry reads the table afresh.
        Statements run on the driver's cursor (`_DriverStatement`): this runs for every message.
        """
        if not items:
            return []
        all_digests = [self._digests(entity_type, original) for entity_type, original in items]
        digests = [found[0] for found in all_digests]
        snapshot: Sequence[tuple[str, str]] | None = None
        if known is not None:
            snapshot = [(value.digest, value.placeholder) for value in known]
        for attempt in range(_RETRIES):
            try:
                if snapshot is None:
                    with self._engine.connect() as connection:
                        rows = self._digests_sql.rows(connection, {"conversation_id": conversation_id})
                    snapshot = [(str(digest), str(placeholder)) for digest, placeholder in rows]
                by_digest = dict(snapshot)
                numbers = _highest_numbers(by_digest.values())
                new_rows = []
                for (entity_type, original), candidates in zip(items, all_digests, strict=True):
                    digest = candidates[0]
                    if digest in by_digest:
                        continue
                    stored = next((d for d in candidates[1:] if d in by_digest), None)
                    if stored is not None:  # stored under an old key, not yet rotated
                        by_digest[digest] = by_digest[stored]
                        continue
                    prefix = placeholder_prefix(entity_type)
                    numbers[prefix] = numbers.get(prefix, 0) + 1
                    by_digest[digest] = f"<{prefix}_{numbers[prefix]}>"
                    placeholder = by_digest[digest]
                    new_rows.append(self._values(conversation_id, placeholder, entity_type, digest, original))
                if new_rows:  # a message whose values are all known writes nothing
                    with self._engine.begin() as connection:
                        self._insert_sql.run_many(connection, new_rows)
                return [by_digest[digest] for digest in digests]
            except self._integrity_errors:
                snapshot = None
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise VaultError("could not allocate placeholders (too much contention)")

    def known_values(self, conversation_id: str) -> list[KnownValue]:
        """Every value stored for the conversation, decrypted (a conversation holds a handful)."""
        with self._engine.connect() as connection:
            rows = self._known_sql.rows(connection, {"conversation_id": conversation_id})
        return [KnownValue(str(p), str(t), self._decrypt(str(c)), str(d)) for p, t, c, d in rows]

    def _values(
        self, conversation_id: str, placeholder: str, entity_type: str, digest: str, original: str
    ) -> dict[str, object]:
        return {
            "conversation_id": conversation_id,
            "placeholder": placeholder,
            "entity_type": entity_type,
            "digest": digest,
            "ciphertext": self._fernet.encrypt(original.encode("utf-8")).decode("ascii"),
            "key_id": self.key_id,
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
            key_id=self.key_id,
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
        return self._digests(entity_type, original)[0]

    def _digests(self, entity_type: str, original: str) -> list[str]:
        """The value's digest under the current key, then under each old key."""
        message = normalise(entity_type, original).encode("utf-8")
        return [hmac.new(k, message, hashlib.sha256).hexdigest() for k in self._digest_keys]

    # -- data-subject rights, retention and key rotation (services/privacy_rights.py drives them) ------
    def erase(self, conversation_ids: Sequence[str]) -> int:
        """Delete every original of these conversations (PIPL erasure); returns how many rows went.

        Copies in database backups stay readable with the vault key until those backups expire:
        rotating the key (`rotate`) and destroying the old one shreds them too.
        """
        if not conversation_ids:
            return 0
        where = _TABLE.c.conversation_id.in_(list(conversation_ids))
        with self._engine.begin() as connection:
            return int(connection.execute(delete(_TABLE).where(where)).rowcount or 0)

    def purge_before(self, cutoff: datetime) -> int:
        """Delete originals stored before `cutoff` (retention); the redacted text keeps its placeholders."""
        where = _TABLE.c.created_at < cutoff
        with self._engine.begin() as connection:
            return int(connection.execute(delete(_TABLE).where(where)).rowcount or 0)

    def originals(self, conversation_id: str) -> list[tuple[str, str, str]]:
        """(placeholder, entity type, original) of one conversation, for an audited export."""
        return [(v.placeholder, v.entity_type, v.original) for v in self.known_values(conversation_id)]

    def pending_rotation(self) -> int:
        """Rows not yet encrypted under the current key."""
        with self._engine.connect() as connection:
            stmt = select(func.count()).select_from(_TABLE).where(_not_under(self.key_id))
            return int(connection.scalar(stmt) or 0)

    def rotate(self, batch: int = 500) -> int:
        """Re-encrypt (and re-digest) up to `batch` rows written under an old key; returns how many.

        Run until it returns 0 while every worker has the new VAULT_KEY and the old one in
        VAULT_OLD_KEYS; then drop the old key. Each batch is one short transaction, and a row is
        only rewritten if it is still what was read, so live writes never wait on a rotation.
        """
        with self._engine.begin() as connection:
            rows = connection.execute(
                select(_TABLE.c.id, _TABLE.c.entity_type, _TABLE.c.ciphertext)
                .where(_not_under(self.key_id))
                .order_by(_TABLE.c.id)
                .limit(batch)
            ).all()
            for row_id, entity_type, ciphertext in rows:
                original = self._decrypt(ciphertext)
                connection.execute(
                    update(_TABLE)
                    .where(_TABLE.c.id == row_id, _TABLE.c.ciphertext == ciphertext)
                    .values(
                        ciphertext=self._fernet.encrypt(original.encode("utf-8")).decode("ascii"),
                        digest=self._digest(entity_type, original),
                        key_id=self.key_id,
                    )
                )
        return len(rows)

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


def key_id(key: str) -> str:
    """A short public name for a vault key (which key encrypted a row), not usable to derive it."""
    return hashlib.sha256(b"vault-key-id:" + key.encode("ascii")).hexdigest()[:16]


def _digest_key(key: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(key)
    except ValueError as exc:
        raise VaultKeyError("VAULT_KEY is not a valid Fernet key") from exc
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"pii-vault-digest").derive(raw)


def _not_under(current: str) -> ColumnElement[bool]:
    return or_(_TABLE.c.key_id.is_(None), _TABLE.c.key_id != current)


_NUMBERED = re.compile(r"<([A-Z][A-Z_]*[A-Z])_(\d+)>")


def _highest_numbers(placeholders: Iterable[str]) -> dict[str, int]:
    highest: dict[str, int] = {}
    for placeholder in placeholders:
        if match := _NUMBERED.fullmatch(placeholder):
            highest[match.group(1)] = max(highest.get(match.group(1), 0), int(match.group(2)))
    return highest
