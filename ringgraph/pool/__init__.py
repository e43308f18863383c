"""Pooling across institutions: share packs of keyed pseudonyms, pooled detection, and the
way back to each lender's own members (issue 17).

``share`` turns one lender's store into a share pack (no personal value in clear), ``pool``
runs the ordinary pipeline (:func:`ringgraph.analysis.pipeline.detect_rings`) on the packs
loaded into one store, and ``view`` lets a lender re-identify its own members of a pooled
ring with the consortium key.
"""
