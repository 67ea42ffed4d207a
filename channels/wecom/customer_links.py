"""WeCom external users linked by staff to the bank's customer record.

The customer number is personal data: it is stored encrypted (the vault key's Fernet), looked up by a
keyed pseudonym (`customer_ref`), shown masked, and revealed only to staff with `can_reveal`. Every
link, unlink and reveal is audited, with the pseudonym, never the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from agent.identity import Pseudonymizer
from core.clock import aware, utcnow
from services import audit
from storage.models import StaffUser
from storage.wecom_models import WeComCustomerLink

CUSTOMER_CHANNEL = "bank-customer"  # the pseudonymizer's namespace for customer numbers


class Cipher(Protocol):
    def encrypt(self, data: bytes) -> bytes: ...

    def decrypt(self, token: bytes) -> bytes: ...


class RevealRefused(Exception):
    code = "reveal_forbidden"


@dataclass(frozen=True)
class CustomerLink:
    external_userid: str
    customer_ref: str
    customer_id_masked: str
    linked_by: str
    linked_at: datetime
    customer_id: str | None = None  # only when revealed


def mask(customer_id: str) -> str:
    return "*" * max(0, len(customer_id) - 4) + customer_id[-4:]


@dataclass
class CustomerLinks:
    """Each method works in the caller's session and commits (the API's request session)."""

    cipher: Cipher
    pseudonymizer: Pseudonymizer

    def link(
        self, session: Session, staff: StaffUser, external_userid: str, customer_id: str
    ) -> CustomerLink:
        ref = self.pseudonymizer.customer_ref(CUSTOMER_CHANNEL, customer_id)
        row = session.get(WeComCustomerLink, external_userid)
        previous = row.customer_ref if row else None
        if row is None:
            row = WeComCustomerLink(external_userid=external_userid)
            session.add(row)
        row.customer_ref = ref
        row.customer_id_enc = self.cipher.encrypt(customer_id.encode()).decode("ascii")
        row.linked_by, row.linked_at = staff.username, utcnow()
        audit.record(
            session, staff, "wecom.customer_link", "wecom_external_user", external_userid,
            customer_ref=ref, replaced=previous,
        )  # fmt: skip
        session.commit()
        return self._out(row, customer_id, reveal=False)

    def get(
        self, session: Session, staff: StaffUser, external_userid: str, *, reveal: bool = False
    ) -> CustomerLink | None:
        row = session.get(WeComCustomerLink, external_userid)
        if row is None:
            return None
        if reveal:
            if not staff.can_reveal:
                audit.record(
                    session,
                    staff,
                    "wecom.customer_link_reveal_refused",
                    "wecom_external_user",
                    external_userid,
                )
                session.commit()
                raise RevealRefused("revealing a customer number needs the can_reveal permission")
            audit.record(
                session, staff, "wecom.customer_link_reveal", "wecom_external_user", external_userid,
                customer_ref=row.customer_ref,
            )  # fmt: skip
            session.commit()
        customer_id = self.cipher.decrypt(row.customer_id_enc.encode("ascii")).decode()
        return self._out(row, customer_id, reveal=reveal)

    def unlink(self, session: Session, staff: StaffUser, external_userid: str) -> bool:
        row = session.get(WeComCustomerLink, external_userid)
        if row is None:
            return False
        audit.record(
            session, staff, "wecom.customer_unlink", "wecom_external_user", external_userid,
            customer_ref=row.customer_ref,
        )  # fmt: skip
        session.delete(row)
        session.commit()
        return True

    @staticmethod
    def _out(row: WeComCustomerLink, customer_id: str, *, reveal: bool) -> CustomerLink:
        return CustomerLink(
            external_userid=row.external_userid,
            customer_ref=row.customer_ref,
            customer_id_masked=mask(customer_id),
            linked_by=row.linked_by,
            linked_at=aware(row.linked_at),
            customer_id=customer_id if reveal else None,
        )
