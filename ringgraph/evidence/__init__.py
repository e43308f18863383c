"""Evidence packs for police: one self-contained, verifiable, reproducible folder per ring.

>>> from ringgraph.evidence import export_pack, verify_pack          # doctest: +SKIP
>>> folder = export_pack(store, result, "RG0001", "evidence/RG0001", pii="masked")  # doctest: +SKIP
>>> verify_pack("evidence/RG0001.zip").ok                            # doctest: +SKIP
True

See :mod:`ringgraph.evidence.pack` for the folder's contents and
:mod:`ringgraph.evidence.pii_modes` for the PII modes (``full``, ``masked``,
``pseudonymised``).
"""

from ringgraph.evidence.verify import VerifyResult, verify_pack
from ringgraph.evidence.pack import export_pack, zip_path_of
from ringgraph.evidence.pii_modes import KEY_ENV, PII_MODES, EvidenceError, make_redactor

__all__ = ["export_pack", "verify_pack", "VerifyResult", "EvidenceError", "PII_MODES",
           "KEY_ENV", "make_redactor", "zip_path_of"]
