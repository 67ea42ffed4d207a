"""Everything the WeCom channel runs, built once from settings and the shared services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from agent.identity import Pseudonymizer
from channels.wecom.alerts import StaffAlerter
from channels.wecom.archive import ArchiveFeed, JsonlArchiveFeed
from channels.wecom.client import WeComClient
from channels.wecom.config import WeComSettings
from channels.wecom.copilot import GroupCopilot
from channels.wecom.crypto import CallbackCrypto
from channels.wecom.customer_links import Cipher, CustomerLinks
from channels.wecom.drafts import DraftBook
from channels.wecom.education import BANK_TZ, EducationScheduler, KbEducationLibrary
from channels.wecom.finance_sdk import FinanceSdkFeed
from channels.wecom.group_rules import GroupRuleChecker
from channels.wecom.group_store import GroupActivityLog, SqlGroupConfigs
from channels.wecom.inbound import KfInbox
from channels.wecom.jssdk import JsSdkSigner
from channels.wecom.kf_channel import KfChannel
from channels.wecom.kf_worker import KfCallbackWorker
from channels.wecom.listener import KfEventListener
from channels.wecom.reply_outbox import KfReplyOutbox
from channels.wecom.sql_stores import (
    KfContacts,
    SqlCursorStore,
    SqlDraftStore,
    SqlSeenIds,
    SqlServicerDirectory,
)
from events.dispatch import Publisher
from privacy import Redactor
from services.conversations import ConversationService
from services.periodic import PeriodicWorker

ALERT_FLUSH_INTERVAL_S = 15.0


@dataclass
class WeComRuntime:
    settings: WeComSettings
    client: WeComClient
    worker: KfCallbackWorker
    channel: KfChannel
    listener: KfEventListener
    directory: SqlServicerDirectory
    contacts: KfContacts
    drafts: DraftBook
    alerter: StaffAlerter | None
    sidebar_client: WeComClient  # the sidebar app's client (its own secret) for OAuth and JS-SDK tickets
    jssdk: JsSdkSigner
    configs: SqlGroupConfigs  # per-group settings, edited in the console
    activity: GroupActivityLog  # the group copilot records here what the analytics count
    outbox: KfReplyOutbox  # staff replies to 微信客服 customers, retried until WeCom takes them
    outbox_worker: PeriodicWorker
    customer_links: CustomerLinks | None  # None without a cipher (the deployment's vault key)
    education: EducationScheduler  # group settings' education slots → 客户群群发 tasks, once per slot
    group_copilot: GroupCopilot | None  # None without a chat archive (export folder or vendor SDK)
    loops: list[PeriodicWorker] = field(default_factory=list)  # education, group copilot (interval > 0)

    def start(self) -> None:
        self.worker.start()
        self.outbox_worker.start()
        for loop in self.loops:
            loop.start()

    def close(self) -> None:
        self.worker.stop()
        self.outbox_worker.stop()
        for loop in self.loops:
            loop.stop()
        self.client.close()
        self.sidebar_client.close()


def archive_feed(settings: WeComSettings) -> ArchiveFeed | None:
    """The chat archive the bank set up: the vendor SDK, or a folder its exporter writes; else None."""
    if settings.archive_sdk_path is not None and settings.archive_secret is not None:
        return FinanceSdkFeed(
            settings.archive_sdk_path,
            settings.corp_id,
            settings.archive_secret.get_secret_value(),
            {ver: path.read_bytes() for ver, path in settings.archive_private_keys.items()},
        )
    if settings.archive_dir is not None:
        return JsonlArchiveFeed(settings.archive_dir)
    return None


def build_wecom(
    settings: WeComSettings,
    *,
    sessions: sessionmaker[Session],
    conversations: ConversationService,
    pseudonymizer: Pseudonymizer,
    redactor: Redactor,
    events: Publisher,
    client: WeComClient | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    cipher: Cipher | None = None,
    tz: ZoneInfo = BANK_TZ,
    feed: ArchiveFeed | None = None,
) -> WeComRuntime:
    client = client or WeComClient.from_settings(settings)
    sidebar_client = client
    if settings.agent_secret is not None:
        sidebar_client = WeComClient(
            corp_id=settings.corp_id,
            secret=settings.agent_secret.get_secret_value(),
            base_url=settings.api_base_url,
        )
    directory, contacts = SqlServicerDirectory(sessions), KfContacts(sessions)
    outbox = KfReplyOutbox(sessions, client)
    channel = KfChannel(
        api=client,
        sessions=sessions,
        conversations=conversations,
        contacts=contacts,
        directory=directory,
        pseudonymizer=pseudonymizer,
        redactor=redactor,
        events=events,
    )
    inbox = KfInbox(
        client,
        SqlCursorStore(sessions),
        SqlSeenIds(sessions),
        channel.handle,
        frozenset(settings.kf_account_ids) or None,
    )
    configs, activity = SqlGroupConfigs(sessions), GroupActivityLog(sessions)
    drafts = DraftBook(SqlDraftStore(sessions), clock)
    alerter = StaffAlerter(client) if settings.robot_webhook_key else None
    education = EducationScheduler(
        sessions, configs, KbEducationLibrary(sessions), client, clock, tz, status_api=client
    )
    feed = feed or archive_feed(settings)
    group_copilot = (
        GroupCopilot(
            feed=feed,
            cursors=SqlCursorStore(sessions),
            conversations=conversations,
            redactor=redactor,
            drafts=drafts,
            rules=GroupRuleChecker(clock),
            configs=configs,
            alerter=alerter,
            activity=activity,
            kf_url=settings.kf_url,
            clock=clock,
        )
        if feed is not None
        else None
    )
    loops = []
    if alerter is not None:  # alerts past the robot's 20 a minute, or refused, leave as the minute frees up
        loops.append(PeriodicWorker("wecom-alerts", alerter.flush, ALERT_FLUSH_INTERVAL_S))
    if settings.education_interval_s > 0:
        loops.append(PeriodicWorker("wecom-education", education.run_once, settings.education_interval_s))
    if group_copilot is not None and settings.group_copilot_interval_s > 0:
        loops.append(
            PeriodicWorker("wecom-group-copilot", group_copilot.run_once, settings.group_copilot_interval_s)
        )
    return WeComRuntime(
        settings=settings,
        client=client,
        worker=KfCallbackWorker(CallbackCrypto.from_settings(settings), inbox),
        channel=channel,
        listener=KfEventListener(client, sessions, contacts, directory, outbox),
        directory=directory,
        contacts=contacts,
        drafts=drafts,
        alerter=alerter,
        sidebar_client=sidebar_client,
        jssdk=JsSdkSigner(sidebar_client, settings.corp_id, settings.agent_id or ""),
        configs=configs,
        activity=activity,
        outbox=outbox,
        customer_links=CustomerLinks(cipher, pseudonymizer) if cipher is not None else None,
        outbox_worker=PeriodicWorker("wecom-kf-outbox", outbox.run_once, settings.outbox_interval_s),
        education=education,
        group_copilot=group_copilot,
        loops=loops,
    )
