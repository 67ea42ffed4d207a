"""The education schedule of each group (its settings) turned into 客户群群发 tasks, once per slot.

A group's settings list recurring slots (weekday, local time, topic). Each run looks at the latest
occurrence of every slot; when it is due (and not older than `grace`, so a newly configured group does
not get last week's post), the slot is **claimed** by inserting its row (group, slot time, topic) — the
primary key makes a second worker or a restarted one skip it — then the published knowledge-base education
article on the topic becomes a task for the group owner to confirm (WeCom does not let a bot post into
external groups), with the risk notice on investment subjects. WeCom unreachable: the claim is released
and the next run tries again; WeCom refusing, or no article on the topic: the row says why. Each run
also reads back the tasks of the last `confirm_window` (`get_groupmsg_task`): one the owner sent in the
WeCom client moves from `sent` to `confirmed`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from channels.wecom.client import GroupTemplateApi, WeComApiError, WeComUnavailable
from channels.wecom.group_rules import EducationSlot, GroupConfig
from channels.wecom.scheduled_posts import TemplateStatusApi, new_post
from core.status import KbDocumentStatus
from storage.kb_models import KbDocument, KbVersion
from storage.wecom_models import WeComEducationPost

log = logging.getLogger(__name__)
BANK_TZ = ZoneInfo("Asia/Shanghai")  # the default; the app passes its `service_timezone`


@dataclass(frozen=True)
class EducationArticle:
    title: str
    body: str
    source: str  # "kb:<doc id>"


class EducationLibrary(Protocol):
    def find(self, topic: str) -> EducationArticle | None: ...


class KbEducationLibrary:
    """Published `education` articles of the managed knowledge base; the best match for a topic wins
    (topic in the title, then in the tags, then in the body)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def find(self, topic: str) -> EducationArticle | None:
        best: tuple[int, str, EducationArticle] | None = None
        with self._sessions() as session:
            rows = session.execute(
                select(KbDocument, KbVersion)
                .join(
                    KbVersion,
                    (KbVersion.doc_id == KbDocument.id) & (KbVersion.number == KbDocument.published_version),
                )
                .where(KbDocument.category == "education", KbDocument.deleted.is_(False))
            ).all()
        for doc, version in rows:
            if doc.status is KbDocumentStatus.DRAFT:
                continue
            content = version.content
            body = str(content.get("answer") or content.get("body") or "")
            tags = [str(t) for t in content.get("tags", [])]
            if topic in doc.title:
                rank = 0
            elif any(topic in t or t in topic for t in tags):
                rank = 1
            elif topic in body:
                rank = 2
            else:
                continue
            candidate = (rank, doc.id, EducationArticle(doc.title, body, f"kb:{doc.id}"))
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        return best[2] if best else None


class GroupSettingsSource(Protocol):
    def all(self) -> list[GroupConfig]: ...


def latest_occurrence(slot: EducationSlot, now: datetime, tz: ZoneInfo) -> datetime:
    """The most recent moment (≤ now) the slot fell on, in UTC-aware form."""
    local = now.astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - slot.weekday) % 7)
    moment = datetime.combine(day, slot.at, tzinfo=tz)
    if moment > local:
        moment -= timedelta(days=7)
    return moment.astimezone(UTC)


class EducationScheduler:
    """`run_once` is the periodic step (see `services.periodic.PeriodicWorker`)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        configs: GroupSettingsSource,
        library: EducationLibrary,
        templates: GroupTemplateApi,
        clock: Callable[[], datetime],
        tz: ZoneInfo = BANK_TZ,
        grace: timedelta = timedelta(hours=6),
        status_api: TemplateStatusApi | None = None,
        confirm_window: timedelta = timedelta(days=3),
    ) -> None:
        self._sessions = sessions
        self._configs = configs
        self._library = library
        self._templates = templates
        self._clock = clock
        self._tz = tz
        self._grace = grace
        self._status_api = status_api
        self._confirm_window = confirm_window

    def run_once(self) -> list[WeComEducationPost]:
        """Post the due slots (returned), then read back which earlier tasks the owners confirmed."""
        now = self._clock()
        done = []
        for config in self._configs.all():
            for slot in config.education_schedule:
                slot_at = latest_occurrence(slot, now, self._tz)
                if now - slot_at > self._grace or not self._claim(config.chat_id, slot_at, slot.topic):
                    continue
                row = self._post(config, slot, slot_at)
                if row is not None:
                    done.append(row)
        self.check_confirmations()
        return done

    def check_confirmations(self) -> list[WeComEducationPost]:
        """`sent` tasks of the last `confirm_window` that the group's owner sent: now `confirmed`."""
        if self._status_api is None:
            return []
        owners = {c.chat_id: c.owner_userid for c in self._configs.all()}
        since = self._clock() - self._confirm_window
        with self._sessions() as session:
            waiting = session.scalars(
                select(WeComEducationPost).where(
                    WeComEducationPost.status == "sent",
                    WeComEducationPost.task_msgid.is_not(None),
                    WeComEducationPost.slot_at >= since,
                )
            ).all()
            confirmed = []
            for row in waiting:
                owner = owners.get(row.chat_id)
                if not owner or not row.task_msgid:
                    continue
                try:
                    sent = self._status_api.groupmsg_sent_by(row.task_msgid, owner)
                except (WeComApiError, WeComUnavailable) as exc:
                    log.warning("education post for %s: confirmation not checked (%s)", row.chat_id, exc)
                    break  # WeCom is having trouble: the next run asks again
                if sent:
                    row.status = "confirmed"
                    confirmed.append(row)
            session.commit()
            for row in confirmed:
                session.refresh(row)
                session.expunge(row)
        return confirmed

    def history(self, chat_ids: Sequence[str] | None = None) -> list[WeComEducationPost]:
        with self._sessions() as session:
            query = select(WeComEducationPost).order_by(WeComEducationPost.slot_at)
            if chat_ids is not None:
                query = query.where(WeComEducationPost.chat_id.in_(chat_ids))
            return list(session.scalars(query))

    def _claim(self, chat_id: str, slot_at: datetime, topic: str) -> bool:
        with self._sessions() as session:
            session.add(WeComEducationPost(chat_id=chat_id, slot_at=slot_at, topic=topic, status="claimed"))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return False  # posted (or being posted) already: by us before a restart, or another worker
        return True

    def _post(self, config: GroupConfig, slot: EducationSlot, slot_at: datetime) -> WeComEducationPost | None:
        article = self._library.find(slot.topic)
        status, error = "no_content", f"no education article on {slot.topic}"
        source: str | None = None
        task_msgid: str | None = None
        if article is not None:
            post = new_post(article.title, article.body, config.owner_userid, [config.chat_id], slot_at)
            source, error = article.source, ""
            try:
                task = self._templates.add_group_msg_template(
                    sender=config.owner_userid, content=post.text, chat_ids=(config.chat_id,)
                )
                status, task_msgid = "sent", task.msgid
            except WeComUnavailable:
                log.warning("education post for %s: WeCom unreachable; retried next run", config.chat_id)
                self._release(config.chat_id, slot_at, slot.topic)
                return None
            except WeComApiError as exc:
                status, error = "failed", f"errcode {exc.errcode}: {exc.errmsg}"[:256]
        with self._sessions() as session:
            row = session.get(WeComEducationPost, (config.chat_id, slot_at, slot.topic))
            assert row is not None  # we claimed it
            row.status, row.source, row.task_msgid, row.error = status, source, task_msgid, error or None
            session.commit()
            session.refresh(row)
            session.expunge(row)
        return row

    def _release(self, chat_id: str, slot_at: datetime, topic: str) -> None:
        with self._sessions() as session:
            session.execute(
                delete(WeComEducationPost).where(
                    WeComEducationPost.chat_id == chat_id,
                    WeComEducationPost.slot_at == slot_at,
                    WeComEducationPost.topic == topic,
                )
            )
            session.commit()
