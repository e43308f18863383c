"""Masking of personal data for display: reasons, terminal output and logs never show it raw.

>>> mask_phone("+8613812345678"), mask_name("张三丰"), mask_id("11010519491231002X")
('138****5678', '张**', '110105********002X')
>>> mask_account("6222021234567890"), mask_ip("61.135.7.22")
('6222****7890', '61.135.7.*')
"""

from __future__ import annotations


def mask_phone(value: str) -> str:
    digits = str(value).removeprefix("+86")
    if digits.startswith("svc:"):
        return digits[4:]
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    return digits[:2] + "*" * max(0, len(digits) - 2)


def mask_name(value: str) -> str:
    v = str(value)
    return v[:1] + "*" * (len(v) - 1) if v else v


def mask_id(value: str) -> str:
    v = str(value).removeprefix("masked:").split("|")[0]
    return f"{v[:6]}********{v[-4:]}" if len(v) == 18 else v


def mask_account(value: str) -> str:
    v = str(value)
    return f"{v[:4]}****{v[-4:]}" if len(v) > 8 else v[:2] + "*" * max(0, len(v) - 2)


def mask_ip(value: str) -> str:
    parts = str(value).split(".")
    return ".".join(parts[:3] + ["*"]) if len(parts) == 4 else str(value)


def mask_device(value: str) -> str:
    v = str(value)
    return v[:8] + "…" if len(v) > 8 else v
