"""Command line: `bankcs ingest`, `ask`, `serve`, `create-user` (also `python -m core`).

It sits at the top of the layering (it starts the API), beside the composition root `core.wiring`;
every command brings the database to the latest migration first.
"""

from __future__ import annotations

import core.native_threads  # noqa: F401  (first: the thread budget, before native libraries load)

# isort: split

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.settings import Settings
from core.status import StaffRole

if TYPE_CHECKING:
    from core.wiring import Services


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bankcs", description="Bank customer-service agent")
    sub = parser.add_subparsers(dest="command", required=True)

    p_ingest = sub.add_parser(
        "ingest", help="ingest a folder of Markdown and FAQ files into the knowledge base"
    )
    p_ingest.add_argument(
        "folder", nargs="?", type=Path, help="defaults to KB_DIR (the sample knowledge base)"
    )

    p_ask = sub.add_parser("ask", help="ask one question and print the reply")
    p_ask.add_argument("question")
    p_ask.add_argument("--group", help="ask as a message in this group chat")
    p_ask.add_argument("--mention", action="append", default=[], help="who the message @-mentions")

    p_serve = sub.add_parser("serve", help="ingest the knowledge base and serve the API")
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8000)
    p_serve.add_argument("--no-ingest", action="store_true", help="do not (re-)ingest KB_DIR at start")

    p_user = sub.add_parser("create-user", help="create a staff account (the first admin, for instance)")
    p_user.add_argument("username")
    p_user.add_argument("--role", choices=list(StaffRole), required=True)
    p_user.add_argument("--display-name")
    p_user.add_argument("--can-reveal", action="store_true", help="may reveal redacted originals (audited)")
    p_user.add_argument(
        "--password-env", metavar="VAR", help="read the password from this environment variable (else prompt)"
    )

    _privacy_parsers(sub)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "chromadb", "jieba", "presidio-analyzer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    try:
        settings = Settings()
    except ValueError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2

    if args.command == "ingest":
        return _ingest(settings, args.folder or settings.kb_dir)
    if args.command == "create-user":
        return _create_user(settings, args)
    if args.command in PRIVACY_COMMANDS:
        return _privacy(settings, args)
    if args.command == "ask":
        return _ask(settings, args.question, args.group, args.mention)
    return _serve(settings, args.host, args.port, ingest=not args.no_ingest)


PRIVACY_COMMANDS = ("export-customer", "erase-customer", "purge", "rotate-vault-key")


def _privacy_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """PIPL rights and retention from the command line (audited as "system", via "cli")."""

    def subject(p: argparse.ArgumentParser) -> None:
        p.add_argument("--customer-ref", help="the pseudonymous customer reference (C…)")
        p.add_argument("--channel", help="with --customer-id: the channel the bank's customer id is on")
        p.add_argument("--customer-id", help="the bank's customer id (with --channel)")
        p.add_argument("--conversation", help="any conversation of the customer")
        p.add_argument("--reason", required=True, help="why (the request's reference); goes to the audit")

    p_export = sub.add_parser("export-customer", help="export everything stored about a customer (JSON)")
    subject(p_export)
    p_export.add_argument("--reveal", action="store_true", help="include the originals (audited reveal)")
    p_export.add_argument("--out", type=Path, help="write here (created 0600) instead of stdout")
    p_erase = sub.add_parser("erase-customer", help="erase a customer's originals and transcripts")
    subject(p_erase)
    p_erase.add_argument("--yes", action="store_true", help="really erase (it cannot be undone)")
    sub.add_parser("purge", help="apply the retention periods (run daily, e.g. from cron)")
    sub.add_parser("rotate-vault-key", help="re-encrypt the vault under VAULT_KEY (old in VAULT_OLD_KEYS)")


def _privacy(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from sqlalchemy.orm import sessionmaker

    from agent.identity import Pseudonymizer
    from core.files import create_private
    from core.wiring import vault_key
    from privacy import SqlVault
    from services.privacy_rights import PrivacyRights, RightsError, Subject
    from storage.engine import build_engine
    from storage.migrations import upgrade

    engine = build_engine(settings.sqlalchemy_url, settings.data_dir)
    upgrade(engine)
    key = vault_key(settings)
    rights = PrivacyRights(
        sessionmaker(engine, expire_on_commit=False),
        SqlVault(engine, key, old_keys=settings.vault_old_keys),
        Pseudonymizer(settings.customer_ref_secret or key),
        vault_retention_days=settings.vault_retention_days,
        transcript_retention_days=settings.transcript_retention_days,
        erasure_transcripts=settings.erasure_transcripts,
    )
    try:
        if args.command == "purge":
            print(rights.purge(None, via="cli"))
        elif args.command == "rotate-vault-key":
            rotated = rights.rotate_vault_key(None, via="cli")
            print(f"re-encrypted {rotated} original(s); nothing left to rotate")
        else:
            who = Subject(args.customer_ref, args.channel, args.customer_id, args.conversation)
            if args.command == "erase-customer":
                if not args.yes:
                    print("error: erasure cannot be undone; add --yes", file=sys.stderr)
                    return 2
                print(rights.erase(None, who, reason=args.reason, via="cli"))
            else:
                body = json.dumps(
                    rights.export(None, who, reveal=args.reveal, reason=args.reason, via="cli"),
                    ensure_ascii=False,
                    indent=2,
                )
                if args.out:
                    if not create_private(args.out, body):
                        print(f"error: {args.out} exists", file=sys.stderr)
                        return 1
                else:
                    print(body)
    except RightsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def _ingest(settings: Settings, folder: Path) -> int:
    """Import the folder into the managed catalog (new ids added, changed files as new published
    versions, documents deleted by editors left deleted), then mirror the catalog into the store."""
    from sqlalchemy.orm import sessionmaker

    from core.wiring import build_knowledge
    from knowledge import IngestError
    from services.kb_admin import import_and_sync
    from services.kb_catalog import KbCatalog
    from storage.engine import build_engine
    from storage.migrations import upgrade

    if not folder.is_dir():
        print(f"error: {folder} is not a folder", file=sys.stderr)
        return 2
    engine = build_engine(settings.sqlalchemy_url, settings.data_dir)
    upgrade(engine)
    try:
        report = import_and_sync(
            sessionmaker(engine), KbCatalog(build_knowledge(settings)), folder, only_if_empty=False
        )
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"ingested {folder}: {report}")
    return 0


def _create_user(settings: Settings, args: argparse.Namespace) -> int:
    import getpass

    from sqlalchemy.orm import Session

    from services.staff import StaffError, add_account
    from storage.engine import build_engine
    from storage.migrations import upgrade

    if args.password_env:
        password = os.environ.get(args.password_env, "")
        if not password:
            print(f"error: environment variable {args.password_env} is empty or unset", file=sys.stderr)
            return 2
    elif sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 2
    else:
        print("error: no terminal to prompt on; pass --password-env VAR", file=sys.stderr)
        return 2
    engine = build_engine(settings.sqlalchemy_url, settings.data_dir)
    upgrade(engine)
    with Session(engine) as session:
        try:
            add_account(
                session,
                None,
                args.username,
                password,
                args.role,
                display_name=args.display_name,
                can_reveal=args.can_reveal,
                via="cli",
            )
        except StaffError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    engine.dispose()
    print(f"created {args.role} {args.username!r}")
    return 0


def _ask(settings: Settings, question: str, group: str | None, mentions: list[str]) -> int:
    from agent.state import IncomingMessage
    from core.wiring import build_services

    services = build_services(settings)
    if services.knowledge.count() == 0:
        services.knowledge.ingest_folder(settings.kb_dir)
    message = IncomingMessage(
        text=question,
        channel="group" if group else "web",
        group_id=group,
        sender_id="cli",
        mentions=tuple(mentions),
    )
    reply = services.conversations.handle(message)
    print(reply.reply if reply.reply is not None else "(the bot stays silent)")
    print(
        f"\n[action={reply.action} intent={reply.intent} confidence={reply.confidence} "
        f"handoff={reply.handoff_id}]"
    )
    return 0


def _has_staff(services: Services) -> bool:
    from sqlalchemy import select

    from storage.models import StaffUser

    with services.sessions() as session:
        return session.scalar(select(StaffUser.id).limit(1)) is not None


def _serve(settings: Settings, host: str, port: int, ingest: bool) -> int:
    import uvicorn

    from api.app import create_app
    from core.wiring import build_services

    services = build_services(settings)
    if ingest and settings.kb_dir:
        from services.kb_admin import import_and_sync
        from services.kb_catalog import KbCatalog

        print(f"importing {settings.kb_dir} into the knowledge catalog …", flush=True)
        report = import_and_sync(
            services.sessions, KbCatalog(services.knowledge), settings.kb_dir, only_if_empty=False
        )
        print(f"  {report}", flush=True)
    url = f"http://{host}:{port}"
    print(
        f"\nServing the {settings.bank_name} customer-service agent at {url}  (API docs: {url}/docs)\n"
        f"LLM backend: {services.responder.name}; embedder: {services.embedder.name}\n"
        f"Customer chat: {url}/   staff console: {url}/console   knowledge-base admin: {url}/admin\n"
        "Try:\n"
        f"  curl -s {url}/v1/chat -H 'content-type: application/json' "
        '-d \'{"text": "信用卡丢了怎么办"}\'\n',
        flush=True,
    )
    if not _has_staff(services):
        print(
            "No staff account yet. Create the first admin (then sign in at /console or /admin):\n"
            "  FIRST_ADMIN_PASSWORD='a long passphrase' .venv/bin/bankcs create-user admin --role admin "
            "--can-reveal --password-env FIRST_ADMIN_PASSWORD\n",
            flush=True,
        )
    uvicorn.run(create_app(settings, services), host=host, port=port, log_level="info")
    services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
