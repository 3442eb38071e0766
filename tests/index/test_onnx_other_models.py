"""A configured model other than BERT's kind (MPNet, as all-mpnet-base-v2 is) exports to ONNX and
agrees with sentence-transformers. MPNet takes no ``token_type_ids``; the export used to fail on
them and fall back to torch. A tiny random MPNet stands in for the real one (420 MB, not installed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embed import make_embedder

pytestmark = pytest.mark.slow
WORDS = "<unk> <pad> export controls on chips nexperia dutch government seized the chipmaker huawei".split()


@pytest.fixture(scope="module")
def tiny_mpnet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer, models
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace
    from transformers import MPNetConfig, MPNetModel, PreTrainedTokenizerFast

    root = tmp_path_factory.mktemp("mpnet")
    vocab = {w: i for i, w in enumerate(WORDS)}
    words = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
    words.pre_tokenizer = Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=words, unk_token="<unk>", pad_token="<pad>", model_input_names=["input_ids", "attention_mask"]
    )
    torch.manual_seed(0)
    config = MPNetConfig(
        vocab_size=len(WORDS), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, pad_token_id=1,
    )  # fmt: skip
    MPNetModel(config).save_pretrained(root / "hf")
    tokenizer.save_pretrained(root / "hf")
    transformer = models.Transformer(str(root / "hf"), max_seq_length=32)
    model = SentenceTransformer(modules=[transformer, models.Pooling(32, "mean"), models.Normalize()])
    model.save(str(root / "tiny-mpnet"))
    return root / "tiny-mpnet"


def test_mpnet_exports_to_onnx_and_matches_sentence_transformers(tiny_mpnet: Path, tmp_path: Path) -> None:
    onnx = make_embedder(str(tiny_mpnet), "onnx", cache_dir=tmp_path)
    torch = make_embedder(str(tiny_mpnet), "torch")
    assert onnx.backend == "onnx" and onnx.name == torch.name == "tiny-mpnet"
    texts = ["export controls on chips", "the dutch government seized nexperia", "huawei", "unknown words only"]
    a, b = onnx.embed(texts), torch.embed(texts)
    assert a.shape == b.shape == (4, 32)
    assert float((a * b).sum(axis=1).min()) > 0.9999
    alone = np.stack([onnx.embed([t])[0] for t in texts])  # padding inside a batch changes nothing
    assert np.allclose(alone, a, atol=1e-5)
