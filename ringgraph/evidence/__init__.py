"""Evidence packs for police: one self-contained, verifiable, reproducible folder per ring.

>>> from ringgraph.evidence import export_pack, verify_pack          # doctest: +SKIP
>>> folder = export_pack(store, result, "RG0001", "evidence/RG0001", pii="masked")  # doctest: +SKIP
>>> verify_pack("evidence/RG0001.zip").ok                            # doctest: +SKIP
True

See :mod:`ringgraph.evidence.pack` for the folder's contents and
:mod:`ringgraph.evidence.pii_modes` for the PII modes (``full``, ``masked``,
``pseudonymised``).
"""

import importlib

# Imported on first use: ``ringgraph verify`` needs only the verifier, not pandas and the
# whole export machinery (seconds and a hundred MB on a small machine).
_HOMES = {"export_pack": "pack", "zip_path_of": "pack", "verify_pack": "verify",
          "VerifyResult": "verify", "EvidenceError": "pii_modes", "PII_MODES": "pii_modes",
          "KEY_ENV": "pii_modes", "make_redactor": "pii_modes"}


def __getattr__(name: str):
    if name in _HOMES:
        value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["export_pack", "verify_pack", "VerifyResult", "EvidenceError", "PII_MODES",
           "KEY_ENV", "make_redactor", "zip_path_of"]
