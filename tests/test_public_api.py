"""`import ringgraph` is the notebooks' API: every exported name resolves to what it says,
and importing the package loads none of the heavy machinery until a name is used."""

import subprocess
import sys
import types

import ringgraph


def test_every_public_name_resolves():
    for name in ringgraph.__all__:
        value = getattr(ringgraph, name)
        assert value is not None, name
    assert isinstance(ringgraph.investigate, types.ModuleType)
    for fn in ("open_store", "ingest", "simulate", "project", "detect_rings", "find_rings",
               "export_pack", "verify_pack", "get_detector", "rings_table", "triage",
               "conduct", "agency_compliance", "allegations"):
        assert callable(getattr(ringgraph, fn)) and not isinstance(
            getattr(ringgraph, fn), types.ModuleType), fn


def test_importing_the_package_is_light():
    code = "import sys, ringgraph; print('pandas' in sys.modules, 'igraph' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]
