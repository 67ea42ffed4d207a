"""The external-group copilot: archived group messages → the agent's decision → drafts for the owner.

For each text message from the chat archive, in order:
- a member's message goes through `ConversationService.handle` as a group message (per-member memory;
  redaction is its first step: the raw text is never stored, logged or classified before), then the
  group's rules are checked on the redacted text. The agent decides as it does for any group: silent on
  chatter, one reply per question, a private follow-up for account matters and personal data, a short
  public acknowledgement for complaints (with a handoff). What it would have said becomes a **draft**;
- a message from staff (the owner, admins, any WeCom member id) is redacted and supersedes the pending
  drafts it answers (staff already answered: the bot stays out);
- a rule broken is flagged to the owner and admins by staff alert, and at most one neutral reminder of
  the rules is drafted per period — never a deletion, never an argument in public.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from agent.state import Action, AgentReply, IncomingMessage
from channels.wecom.alerts import AlertKind, StaffAlert, StaffAlerter
from channels.wecom.archive import ArchiveFeed, group_conversation_id, mentions_in
from channels.wecom.drafts import DraftBook, DraftKind, DraftSource
from channels.wecom.group_rules import Flag, FlagKind, GroupConfig, GroupRuleChecker, reminder_text
from privacy import Redactor
from services.conversations import ConversationService

log = logging.getLogger(__name__)

FLAG_LABELS = {
    FlagKind.LINK: "外部链接",
    FlagKind.QR_PROMPT: "二维码引流",
    FlagKind.SOLICITATION: "私下加好友/私聊招揽",
    FlagKind.SCAM_AD: "疑似诈骗或违规广告",
    FlagKind.ABUSE: "辱骂或不文明用语",
    FlagKind.FLOOD: "刷屏",
    FlagKind.OVER_DAILY_LIMIT: "超过每日发言上限",
    FlagKind.KEYWORD: "含有关注的关键词",
}
_DRAFT_KINDS = {
    Action.ANSWER: DraftKind.ANSWER,
    Action.FALLBACK: DraftKind.ANSWER,
    Action.PRIVATE_FOLLOWUP: DraftKind.PRIVATE_FOLLOWUP,
}


class GroupConfigs(Protocol):
    def get(self, chat_id: str) -> GroupConfig | None: ...


@dataclass
class InMemoryGroupConfigs:
    configs: dict[str, GroupConfig] = field(default_factory=dict)

    def get(self, chat_id: str) -> GroupConfig | None:
        return self.configs.get(chat_id)

    def put(self, config: GroupConfig) -> None:
        self.configs[config.chat_id] = config


class ActivityLog(Protocol):
    def record(
        self,
        chat_id: str,
        kind: str,
        *,
        detail: str | None = None,
        msgid: str | None = None,
        member_ref: str | None = None,
        at: datetime,
    ) -> None: ...


class CursorStore(Protocol):
    def get(self, open_kfid: str) -> str | None: ...

    def set(self, open_kfid: str, cursor: str) -> None: ...


ARCHIVE_CURSOR = "archive"  # the archive's seq, kept in the same cursor table as the kf accounts'


@dataclass
class GroupCopilot:
    feed: ArchiveFeed
    cursors: CursorStore
    conversations: ConversationService
    redactor: Redactor
    drafts: DraftBook
    rules: GroupRuleChecker
    configs: GroupConfigs
    alerter: StaffAlerter | None = None
    activity: ActivityLog | None = None  # what happened, for the group analytics
    kf_url: str | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def run_once(self, limit: int = 100) -> int:
        """Process the next batch from the archive; returns how many messages were read."""
        after = int(self.cursors.get(ARCHIVE_CURSOR) or 0)
        entries = self.feed.fetch(after, limit)
        for entry in entries:
            self._process(entry)
            self.cursors.set(ARCHIVE_CURSOR, str(entry["seq"]))
        return len(entries)

    def _process(self, entry: Mapping[str, Any]) -> None:
        chat_id = str(entry.get("roomid") or "")
        if not chat_id or entry.get("action", "send") != "send" or entry.get("msgtype") != "text":
            return
        config = self.configs.get(chat_id)
        if config is None:
            return  # a group nobody configured: the copilot stays out of it
        sender = str(entry.get("from", ""))
        raw = str((entry.get("text") or {}).get("content", ""))
        sent_at = datetime.fromtimestamp(int(entry.get("msgtime", 0)) / 1000, tz=UTC)
        if config.runs_group(sender) or not sender.startswith(("wm", "wo")):
            text = self.redactor.redact(raw, group_conversation_id(chat_id)).text
            self._flag(config, sender, str(entry["msgid"]), text)
            self.drafts.staff_answered(chat_id, sender, sent_at)
            return
        member_ref = self.conversations.pseudonymizer.customer_ref("group", sender)
        self._record(chat_id, "message", msgid=str(entry["msgid"]), member_ref=member_ref)
        reply = self.conversations.handle(
            IncomingMessage(
                text=raw, channel="group", sender_id=sender, group_id=chat_id, mentions=mentions_in(raw)
            )
        )
        flags = self._flag(config, sender, str(entry["msgid"]), reply.redacted_text)
        self._draft(config, sender, str(entry["msgid"]), sent_at, reply, flags)

    def _draft(
        self, config: GroupConfig, sender: str, msgid: str, at: datetime, reply: AgentReply, flags: list[Flag]
    ) -> None:
        if reply.reply is None or any(f.kind in (FlagKind.SCAM_AD, FlagKind.ABUSE) for f in flags):
            return  # silent, or a message the owner handles (flagged), not one the bank answers
        kind = _DRAFT_KINDS.get(reply.action)
        if reply.action == Action.HANDOFF:
            kind = DraftKind.ACKNOWLEDGE
        if kind is None:
            return  # small talk in a group needs no reply from the bank
        if reply.handoff_id:
            self._record(config.chat_id, "handoff", msgid=msgid)
        draft = self.drafts.create(
            config.chat_id,
            kind,
            reply.reply,
            asker=sender,
            question_msgid=msgid,
            question=reply.redacted_text,
            question_at=at,
            sources=tuple(DraftSource(c.title, c.source) for c in reply.citations),
            followup_url=self.kf_url if kind is DraftKind.PRIVATE_FOLLOWUP else None,
            handoff_id=reply.handoff_id,
        )
        if draft is not None and kind is not DraftKind.ACKNOWLEDGE:
            self._record(config.chat_id, "question", msgid=msgid)

    def _record(
        self,
        chat_id: str,
        kind: str,
        *,
        detail: str | None = None,
        msgid: str | None = None,
        member_ref: str | None = None,
    ) -> None:
        if self.activity is not None:
            self.activity.record(
                chat_id, kind, detail=detail, msgid=msgid, member_ref=member_ref, at=self.clock()
            )

    def _flag(self, config: GroupConfig, sender: str, msgid: str, redacted: str) -> list[Flag]:
        flags = self.rules.check(config, sender, msgid, redacted)
        if not flags:
            return flags
        for kind in dict.fromkeys(f.kind for f in flags):
            self._record(config.chat_id, "flag", detail=kind, msgid=msgid)
        labels = "、".join(dict.fromkeys(FLAG_LABELS[f.kind] for f in flags))
        if self.alerter is not None:
            self.alerter.send(
                StaffAlert(
                    AlertKind.GROUP_FLAG,
                    f"{config.chat_id}:{sender}:{flags[0].kind}",
                    f"客户群「{config.name or config.chat_id}」有一条消息疑似{labels}，"
                    "请群主或管理员在群助手中查看处理。",
                    mention=(config.owner_userid, *config.admin_userids),
                )
            )
        if self.rules.reminder_due(config, flags):
            self.drafts.create(config.chat_id, DraftKind.REMINDER, reminder_text(config))
        return flags
