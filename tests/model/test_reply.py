"""Reading a chat completion off the wire (`briefer.model.reply`): what fails an answer, and what never does.

Against the fake endpoint over real HTTP, through the model client; the reader alone for the byte-level cases.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from briefer.errors import ModelError
from briefer.model.reply import read_reply
from tests.fake_openai import FakeOpenAI, Reply, article_text, completion, extraction_for
from tests.model.extracting import KEY, extract


def answered(body: dict[str, Any], **usage: Any) -> dict[str, Any]:
    reply = completion(json.dumps(extraction_for(article_text(body))))
    reply["usage"] = usage.get("usage", reply["usage"]) if "usage" in usage else {**reply["usage"], **usage}
    return reply


@pytest.mark.parametrize(
    "usage",
    [
        {"prompt_tokens": 12.5},
        {"prompt_tokens": "n/a"},
        {"usage": []},
        {"usage": None},
        {"usage": "n/a"},
        {"prompt_tokens_details": []},
        {"completion_tokens": -3},
    ],
)
def test_a_token_count_a_server_reports_oddly_never_fails_a_good_answer(
    fake: FakeOpenAI, usage: dict[str, Any]
) -> None:
    fake.responder = lambda body: Reply(body=answered(body, **usage))
    brief, llm = extract(fake)
    assert brief.facts and llm.usage.requests == 1
    assert llm.usage.completion_tokens in (0, 50) and llm.usage.cached_tokens == 0


def test_an_odd_finish_reason_or_second_choice_does_not_fail_the_answer(fake: FakeOpenAI) -> None:
    def odd(body: dict[str, Any]) -> Reply:
        reply = answered(body)
        reply["choices"][0]["finish_reason"] = 1
        reply["choices"].append({"index": 1, "message": "not a message"})
        return Reply(body=reply)

    fake.responder = odd
    brief, _ = extract(fake)
    assert brief.facts


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"error": {"message": "no model 'x',\ntry another"}}, "answered with an error: no model 'x', try another"),
        ({"choices": []}, "returned no choices"),
        ({"choices": None}, "returned no choices"),
        ({"id": "x"}, "returned no choices"),
        ({"choices": [{"message": {"content": 12}}]}, "a chat completion (choices.0.message.content:"),
        ([1, 2], "did not answer with a chat completion (a JSON list)"),
    ],
)
def test_a_reply_that_is_no_chat_completion_fails_the_article_with_one_line(
    fake: FakeOpenAI, body: Any, said: str
) -> None:
    fake.responder = lambda request: Reply(body=body)
    with pytest.raises(ModelError) as caught:
        extract(fake)
    message = caught.value.message
    assert said in message and fake.url in message and "\n" not in message


def test_a_page_that_is_not_json_is_quoted_on_one_line_without_the_key(fake: FakeOpenAI) -> None:
    page = f"<html>\n<body>Bad gateway for key {KEY}\n</body></html>".encode()
    fake.responder = lambda body: Reply(raw=page, content_type="text/html")
    with pytest.raises(ModelError) as caught:
        extract(fake)
    message = caught.value.message
    assert "sent a reply that is not JSON: '<html> <body>Bad gateway" in message
    assert KEY not in message and "[redacted]" in message and "\n" not in message


def test_a_refusal_is_one_line(fake: FakeOpenAI) -> None:
    def refuses(body: dict[str, Any]) -> Reply:
        reply = completion("")
        reply["choices"][0]["message"] = {"role": "assistant", "content": None, "refusal": "I can't help.\nReally."}
        return Reply(body=reply)

    fake.responder = refuses
    with pytest.raises(ModelError) as caught:
        extract(fake)
    assert caught.value.message == "the model refused: I can't help. Really."


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_body_with_a_byte_order_mark_or_in_utf16_is_read(encoding: str) -> None:
    body = json.dumps(completion("{}", prompt_tokens=7)).encode(encoding)
    reply = read_reply(body, "http://127.0.0.1:1/v1")
    assert (reply.content, reply.finish_reason, reply.usage.prompt_tokens) == ("{}", "stop", 7)
