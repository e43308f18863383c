"""Graph frames for the view tests: a small ring whose texts and names are hostile, and a
ring-shaped graph of any size."""

from __future__ import annotations

import json

import pandas as pd

# Each payload would leave a trace if it ever ran: a changed document.title, a global, a
# dialog, or a request for "x". The "href" one targets pyvis' innerHTML tooltip switch.
PAYLOADS = [
    '<script>document.title="pwned-script";window.__pwned="script"</script>',
    '<img src=x onerror="document.title=\'pwned-img\';window.__pwned=\'img\'">',
    '</script><script>window.__pwned="breakout"</script><!--',
    '<a href="javascript:window.__pwned=\'href\'">点此 href</a><img src=x onerror=alert(1)>',
    '\u2028"}];window.__pwned="json";//',
]
HOSTILE_NAME = '<img src=x onerror="window.__pwned=\'name\'">王'
HOSTILE_ORG = '<svg onload="window.__pwned=\'org\'">湖南某某法律咨询服务有限公司'
RAW_PHONE = "+8613900000001"
RAW_ID = "43042119900101001X"


def _node(label, key, name, props=None):
    return {"label": label, "key": key, "name": name, "props": json.dumps(props or {},
                                                                         ensure_ascii=False),
            "source": "hostile.csv", "row": 1, "at": "2025-03-01 10:00:00"}


def _edge(rel, sl, sk, dl, dk, props=None, eid=""):
    return {"rel": rel, "src_label": sl, "src_key": sk, "dst_label": dl, "dst_key": dk,
            "eid": eid, "props": json.dumps(props or {}), "source": "hostile.csv", "row": 1,
            "at": "2025-03-01 10:00:00"}


def hostile_frames(n: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` complaints by ``n`` borrowers sharing one phone, one org and one fee account;
    texts, names and the org carry script-injection payloads."""
    nodes = [_node("Phone", RAW_PHONE, RAW_PHONE, {"kind": "mobile"}),
             _node("Org", "湖南某某法律咨询服务", HOSTILE_ORG),
             _node("Account", "6222021234567890", HOSTILE_NAME)]
    edges = []
    for i in range(n):
        cid, pid = f"C{i:04d}", f"4304211990010{i:04d}X"
        if i == 0:
            pid = RAW_ID
        text = f"投诉人要求停息挂账。{PAYLOADS[i % len(PAYLOADS)]} 联系电话 13900000001"
        nodes += [_node("Complaint", cid, cid, {"text": text, "province": "湖南",
                                               "received_at": f"2025-03-{1 + i % 27:02d}"}),
                  _node("Person", pid, HOSTILE_NAME if i % 2 else "张三丰", {})]
        edges += [_edge("FILED", "Person", pid, "Complaint", cid),
                  _edge("CONTACT", "Complaint", cid, "Phone", RAW_PHONE),
                  _edge("VIA_ORG", "Complaint", cid, "Org", "湖南某某法律咨询服务"),
                  _edge("PAID", "Person", pid, "Account", "6222021234567890",
                        {"amount": 5000.0, "memo": PAYLOADS[1]}, eid=f"T{i}")]
    return pd.DataFrame(nodes), pd.DataFrame(edges)


def ring_frames(complaints: int, identifiers: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A ring-shaped graph: complaints with their borrowers, each complaint linked to three
    of ``identifiers`` shared phones/devices/documents (``2 * complaints + identifiers``
    nodes)."""
    kinds = [("Phone", "CONTACT"), ("Device", "SUBMITTED_FROM"), ("Document", "ATTACHED")]
    nodes, edges = [], []
    for j in range(identifiers):
        label, _ = kinds[j % 3]
        nodes.append(_node(label, f"{label[:1].lower()}{j:05d}", f"{label} {j}"))
    for i in range(complaints):
        cid, pid = f"R{i:05d}", f"P{i:05d}"
        nodes += [_node("Complaint", cid, cid, {"text": "模板话术" * 5}), _node("Person", pid, "李四")]
        edges.append(_edge("FILED", "Person", pid, "Complaint", cid))
        for k in range(3):
            j = (i * 7 + k * 13) % identifiers
            label, rel = kinds[j % 3]
            edges.append(_edge(rel, "Complaint", cid, label, f"{label[:1].lower()}{j:05d}"))
    e = pd.DataFrame(edges).drop_duplicates(["rel", "src_key", "dst_key"])
    return pd.DataFrame(nodes), e
