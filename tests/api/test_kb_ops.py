"""The content team's loop: two-person publishing, effective/expiry dates, the 👎 feedback inbox, gaps
re-checked against what is published."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.clock import utcnow
from core.wiring import Services
from tests.api.widget_client import send, start
from tests.conftest import StaffFactory, bearer
from tests.kb_files import seed_questions


@pytest.fixture(scope="module")
def checked(services: Services) -> Iterator[TestClient]:
    """An app whose deployment turned on maker-checker publishing."""
    settings = services.settings.model_copy(update={"kb_two_person_publish": True})
    with TestClient(create_app(settings=settings, services=services)) as c:
        yield c


def faq(doc_id: str, question: str, answer: str) -> dict[str, Any]:
    return {"id": doc_id, "kind": "faq", "category": "product", "question": question, "answer": answer}


def sources(client: TestClient, text: str) -> list[str]:
    r = client.post("/v1/chat", json={"text": text})
    assert r.status_code == 200, r.text
    return [c["doc_id"] for c in r.json()["citations"]]


def test_two_person_publish_refuses_the_author(checked: TestClient, make_staff: StaffFactory) -> None:
    _, author = make_staff("editor")
    _, reviewer = make_staff("editor")
    doc_id = f"faq-gold-{uuid.uuid4().hex[:6]}"
    body = faq(doc_id, "青禾积存金今天每克多少钱？", "积存金价格随金价实时变动，请以手机银行页面报价为准。")
    assert checked.post("/v1/kb/documents", json=body, headers=bearer(author)).status_code == 201
    own = checked.post(f"/v1/kb/documents/{doc_id}/publish", headers=bearer(author))
    assert own.status_code == 403 and own.json()["error"]["code"] == "own_draft"
    assert checked.get(f"/v1/kb/documents/{doc_id}", headers=bearer(author)).json()["status"] == "draft"
    ok = checked.post(f"/v1/kb/documents/{doc_id}/publish", headers=bearer(reviewer))
    assert ok.status_code == 200 and ok.json()["status"] == "published"


def test_two_person_rollback_refuses_the_author_of_the_restored_version(
    checked: TestClient, make_staff: StaffFactory
) -> None:
    """A rollback is a publish: an author cannot put an unreviewed version of theirs live by restoring it."""
    _, author = make_staff("editor")
    _, reviewer = make_staff("editor")
    doc_id = f"faq-fx-{uuid.uuid4().hex[:6]}"
    reviewed = faq(doc_id, "青禾外汇结售汇几点开始办理？", "工作日9:00至17:00可在手机银行办理结售汇。")
    checked.post("/v1/kb/documents", json=reviewed, headers=bearer(author))
    assert checked.post(f"/v1/kb/documents/{doc_id}/publish", headers=bearer(reviewer)).status_code == 200
    unreviewed = {k: v for k, v in reviewed.items() if k != "id"} | {"answer": "结售汇全天24小时可办理。"}
    r = checked.put(f"/v1/kb/documents/{doc_id}", json=unreviewed, headers=bearer(author))
    assert r.status_code == 200, r.text
    draft_version = r.json()["draft_version"]
    checked.post(f"/v1/kb/documents/{doc_id}/discard", headers=bearer(author))

    own = checked.post(
        f"/v1/kb/documents/{doc_id}/rollback", json={"version": draft_version}, headers=bearer(author)
    )
    assert own.status_code == 403 and own.json()["error"]["code"] == "own_version"
    live = checked.get(f"/v1/kb/documents/{doc_id}", headers=bearer(author)).json()
    assert live["published_version"] == 1, "the reviewed version stays live"
    ok = checked.post(
        f"/v1/kb/documents/{doc_id}/rollback", json={"version": draft_version}, headers=bearer(reviewer)
    )
    assert ok.status_code == 200 and ok.json()["published_version"] > draft_version


def test_expired_content_is_never_answered_and_is_listed_as_expiring(
    client: TestClient, make_staff: StaffFactory, services: Services
) -> None:
    _, editor = make_staff("editor")
    doc_id = f"faq-aurora-{uuid.uuid4().hex[:6]}"
    question = "极光定存的年利率是多少？"
    body = faq(doc_id, question, "极光定存三年期年利率为2.15%，起存金额5万元。")
    client.post("/v1/kb/documents", json=body, headers=bearer(editor))
    client.post(f"/v1/kb/documents/{doc_id}/publish", headers=bearer(editor))
    assert sources(client, question)[:1] == [doc_id]

    soon = (utcnow() + timedelta(days=3)).isoformat()
    r = client.put(f"/v1/kb/documents/{doc_id}/validity", json={"expires_on": soon}, headers=bearer(editor))
    assert r.status_code == 200 and r.json()["expires_on"]
    assert sources(client, question)[:1] == [doc_id], "still valid for three days"
    expiring = client.get("/v1/kb/expiring", params={"days": 7}, headers=bearer(editor)).json()
    assert doc_id in [d["id"] for d in expiring]

    past = (utcnow() - timedelta(minutes=1)).isoformat()
    client.put(f"/v1/kb/documents/{doc_id}/validity", json={"expires_on": past}, headers=bearer(editor))
    assert doc_id not in sources(client, question), "an expired rate is never quoted"

    later = (utcnow() + timedelta(hours=1)).isoformat()
    client.put(f"/v1/kb/documents/{doc_id}/validity", json={"effective_from": later}, headers=bearer(editor))
    assert doc_id not in sources(client, question), "not yet effective"
    catalog = client.app.state.kb_admin.catalog  # type: ignore[attr-defined]
    with services.sessions() as session:
        assert catalog.apply_validity(session, utcnow() + timedelta(hours=2)) >= 1
        session.commit()
    assert sources(client, question)[:1] == [doc_id], "the scheduled round put it in on its date"
    bad = client.put(
        f"/v1/kb/documents/{doc_id}/validity",
        json={"effective_from": later, "expires_on": past},
        headers=bearer(editor),
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_dates"


def test_thumbs_down_reaches_the_feedback_inbox_redacted_until_handled(
    client: TestClient, make_staff: StaffFactory
) -> None:
    _, editor = make_staff("editor")
    token, _ = start(client)
    answered = send(client, token, "跨行转账要手续费吗？")
    message_id = answered["done"]["reply_message_id"]
    assert message_id, answered
    r = client.post(
        f"/v1/widget/messages/{message_id}/feedback",
        json={"helpful": False, "comment": "没说清楚收费标准，打我13912345678"},
        headers={"x-widget-token": token},
    )
    assert r.status_code == 204
    inbox = client.get("/v1/kb/feedback", headers=bearer(editor)).json()
    item = next(i for i in inbox if i["message_id"] == message_id)
    assert item["question"] == "跨行转账要手续费吗？" and item["answer"]
    assert "13912345678" not in item["comment"] and "<PHONE_1>" in item["comment"]
    assert item["sources"] and item["sources"][0]["doc_id"]
    by_doc = client.get(
        "/v1/kb/feedback", params={"doc_id": item["sources"][0]["doc_id"]}, headers=bearer(editor)
    )
    assert message_id in [i["message_id"] for i in by_doc.json()]
    assert client.post(f"/v1/kb/feedback/{message_id}/handled", headers=bearer(editor)).status_code == 204
    assert message_id not in [
        i["message_id"] for i in client.get("/v1/kb/feedback", headers=bearer(editor)).json()
    ]
    handled = client.get("/v1/kb/feedback", params={"handled": True}, headers=bearer(editor)).json()
    assert next(i for i in handled if i["message_id"] == message_id)["handled_by"]
    assert client.post("/v1/kb/feedback/msg_nope/handled", headers=bearer(editor)).status_code == 404
    gaps = client.get("/v1/kb/gaps", headers=bearer(editor)).json()["gaps"]
    asked = [g["question"] for g in gaps] + [e for g in gaps for e in g["examples"]]
    assert "跨行转账要手续费吗？" in asked, "an answer rated 👎 feeds the gap report"
    _, agent = make_staff("agent")
    assert client.get("/v1/kb/feedback", headers=bearer(agent)).status_code == 403


def test_a_gap_is_marked_covered_once_a_published_faq_answers_it(
    client: TestClient, make_staff: StaffFactory, services: Services
) -> None:
    _, editor = make_staff("editor")
    question = "贵行网点的员工食堂中午几点开饭？"
    seed_questions(services, [question])

    def gap() -> dict[str, Any]:
        gaps = client.get("/v1/kb/gaps", headers=bearer(editor)).json()["gaps"]
        return dict(
            next(g for g in gaps if "食堂" in g["question"] or any("食堂" in e for e in g["examples"]))
        )

    assert gap()["covered_by"] is None
    doc_id = f"faq-canteen-{uuid.uuid4().hex[:6]}"
    body = faq(doc_id, question, "网点员工食堂不对外开放，营业时间内可在大堂休息区等候办理业务。")
    client.post("/v1/kb/documents", json=body, headers=bearer(editor))
    client.post(f"/v1/kb/documents/{doc_id}/publish", headers=bearer(editor))
    assert gap()["covered_by"] == question
