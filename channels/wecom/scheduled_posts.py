"""Scheduled finance-education posts (增值服务 / 金融知识) for external customer groups.

The content team writes or picks a post, targets groups and a time. When it is due the post becomes,
per group owner, either a 客户群群发 task (`add_msg_template`: WeCom asks the owner to confirm, then
posts) or a draft in the sidebar — never a message the bot posts by itself, which WeCom does not allow
in external groups. The record moves scheduled → sent (task or draft created) → confirmed (the owner
sent it; read back with `get_groupmsg_task`), or failed with the reason.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from channels.wecom.client import GroupTemplateApi, WeComApiError, WeComUnavailable

log = logging.getLogger(__name__)

RISK_NOTICE = "风险提示：理财非存款，产品有风险，投资须谨慎。以上内容仅为金融知识普及，不构成投资建议。"
_NEEDS_NOTICE = re.compile(r"理财|基金|投资|收益|股票|债券|保险|贵金属|黄金|外汇|净值")


class PostMode(StrEnum):
    TEMPLATE = "template"  # 客户群群发 task for the owner to confirm
    DRAFT = "draft"  # a draft in the owner's sidebar


class PostStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    CONFIRMED = "confirmed"
    FAILED = "failed"


@dataclass(frozen=True)
class ScheduledPost:
    id: str
    title: str
    body: str
    owner_userid: str  # the group owner who sends (and confirms)
    chat_ids: tuple[str, ...]
    send_at: datetime
    mode: PostMode = PostMode.TEMPLATE
    source: str | None = None  # the knowledge-base article it came from
    status: PostStatus = PostStatus.SCHEDULED
    task_msgid: str | None = None
    error: str | None = None
    history: tuple[tuple[PostStatus, datetime], ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        """What the group sees: the body, with the risk notice where the subject needs one."""
        if _NEEDS_NOTICE.search(self.body) and RISK_NOTICE not in self.body:
            return f"{self.body}\n\n{RISK_NOTICE}"
        return self.body


def new_post(
    title: str,
    body: str,
    owner_userid: str,
    chat_ids: Sequence[str],
    send_at: datetime,
    mode: PostMode = PostMode.TEMPLATE,
    source: str | None = None,
) -> ScheduledPost:
    if not chat_ids:
        raise ValueError("a scheduled post needs at least one target group")
    if send_at.tzinfo is None:
        raise ValueError("send_at must carry a time zone")
    return ScheduledPost(uuid.uuid4().hex, title, body, owner_userid, tuple(chat_ids), send_at, mode, source)


class PostStore(Protocol):
    def save(self, post: ScheduledPost) -> None: ...

    def due(self, now: datetime) -> list[ScheduledPost]: ...

    def awaiting_confirmation(self) -> list[ScheduledPost]: ...

    def get(self, post_id: str) -> ScheduledPost | None: ...


class InMemoryPostStore:
    def __init__(self) -> None:
        self._posts: dict[str, ScheduledPost] = {}
        self._lock = threading.Lock()

    def save(self, post: ScheduledPost) -> None:
        with self._lock:
            self._posts[post.id] = post

    def get(self, post_id: str) -> ScheduledPost | None:
        return self._posts.get(post_id)

    def due(self, now: datetime) -> list[ScheduledPost]:
        with self._lock:
            posts = [p for p in self._posts.values() if p.status is PostStatus.SCHEDULED and p.send_at <= now]
        return sorted(posts, key=lambda p: p.send_at)

    def awaiting_confirmation(self) -> list[ScheduledPost]:
        with self._lock:
            return [
                p for p in self._posts.values() if p.status is PostStatus.SENT and p.mode is PostMode.TEMPLATE
            ]


class DraftSink(Protocol):
    """Where sidebar drafts go (the copilot's draft store)."""

    def add_draft(self, chat_id: str, text: str, *, kind: str, source: str | None) -> str: ...


class TemplateStatusApi(Protocol):
    def groupmsg_sent_by(self, msgid: str, userid: str) -> bool: ...


class PostScheduler:
    """Run `run_due` and `check_confirmations` from the app's scheduler loop (each minute)."""

    def __init__(
        self,
        store: PostStore,
        templates: GroupTemplateApi,
        status_api: TemplateStatusApi,
        drafts: DraftSink,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._templates = templates
        self._status = status_api
        self._drafts = drafts
        self._clock = clock

    def schedule(self, post: ScheduledPost) -> ScheduledPost:
        post = replace(post, history=((PostStatus.SCHEDULED, self._clock()),))
        self._store.save(post)
        return post

    def run_due(self) -> list[ScheduledPost]:
        done = []
        for post in self._store.due(self._clock()):
            try:
                post = self._dispatch(post)
            except WeComUnavailable:
                log.warning("scheduled post %s: WeCom unreachable; retried next run", post.id)
                continue
            except WeComApiError as exc:
                post = self._move(post, PostStatus.FAILED, error=f"errcode {exc.errcode}: {exc.errmsg}")
            self._store.save(post)
            done.append(post)
        return done

    def check_confirmations(self) -> list[ScheduledPost]:
        confirmed = []
        for post in self._store.awaiting_confirmation():
            try:
                sent = post.task_msgid is not None and self._status.groupmsg_sent_by(
                    post.task_msgid, post.owner_userid
                )
            except (WeComApiError, WeComUnavailable) as exc:
                log.warning("scheduled post %s: confirmation not checked (%s)", post.id, exc)
                continue
            if sent:
                post = self._move(post, PostStatus.CONFIRMED)
                self._store.save(post)
                confirmed.append(post)
        return confirmed

    def _dispatch(self, post: ScheduledPost) -> ScheduledPost:
        if post.mode is PostMode.TEMPLATE:
            task = self._templates.add_group_msg_template(
                sender=post.owner_userid, content=post.text, chat_ids=post.chat_ids
            )
            if task.fail_list:
                log.warning(
                    "scheduled post %s: WeCom could not target %d groups", post.id, len(task.fail_list)
                )
            return self._move(post, PostStatus.SENT, task_msgid=task.msgid)
        for chat_id in post.chat_ids:
            self._drafts.add_draft(chat_id, post.text, kind="education", source=post.source)
        return self._move(post, PostStatus.SENT)

    def _move(
        self, post: ScheduledPost, status: PostStatus, task_msgid: str | None = None, error: str | None = None
    ) -> ScheduledPost:
        return replace(
            post,
            status=status,
            history=(*post.history, (status, self._clock())),
            task_msgid=task_msgid or post.task_msgid,
            error=error,
        )
