"""An optional sentence encoder: a sentence-transformers model folder on this machine.

Words miss paraphrases that share no word or spelling ("pollution" for "harms the
environment"); a trained encoder knows them. It is never required, never downloaded:
the model must be a folder here, and the hub is switched off before it is read.
The model is loaded once per process, so a partition's worker pays for it once.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from themesite.errors import ThemesiteError

BATCH = 64


@dataclass(frozen=True)
class Encoder:
    """Only the folder travels to other processes; each loads the model itself."""

    path: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit embeddings of `texts`, rounded so that batching cannot change a digit
        the scores keep."""
        if not texts:
            return np.zeros((0, 0))
        found = _model(self.path).encode(
            list(texts), batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False
        )
        return np.round(np.asarray(found, dtype=np.float64), 6)


def load_encoder(path: str) -> Encoder:
    """The encoder in `path`, checked now, so a wrong setting fails before the analysis."""
    folder = Path(path).expanduser()
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise ThemesiteError(
            f"analyse: encoder: {path} is not a sentence-transformers model folder; "
            "give the folder of a model installed on this machine, or remove the setting"
        )
    encoder = Encoder(str(folder.resolve()))
    _model(encoder.path)
    return encoder


@functools.lru_cache(maxsize=1)
def _model(path: str):
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise ThemesiteError(
            "analyse: encoder needs the sentence-transformers package: "
            "pip install sentence-transformers, or remove the setting"
        ) from None
    return SentenceTransformer(path, device="cpu", local_files_only=True)
