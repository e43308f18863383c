"""The registry of simulated people: borrowers, relatives, agents and lawyers.

Components add people in batches while they build complaints and refer to them by index.
Identifiers are drawn independently per batch; :meth:`People.finalize` then makes resident
IDs and mobile numbers unique across everyone in one vectorised pass, so no component has
to know what the others drew.
"""

from __future__ import annotations

import numpy as np

from simulator import identity as ident


class People:
    """Column store of people; index = person id used by complaints and transfers."""

    _COLS = {"region": np.int64, "surname": object, "name": object, "birth": np.int64,
             "seq": np.int64, "phone": np.int64, "phone_fixed": bool}

    def __init__(self) -> None:
        # Growable columns (capacity doubles), so the many small batches added by ring
        # and group builders cost amortised O(1) and lookups need no concatenation.
        self._cap = 1024
        self._data = {k: np.zeros(self._cap, dtype=t) for k, t in self._COLS.items()}
        self.n = 0
        self.final = False

    def add(self, rng: np.random.Generator, n: int, *, prov=None, region=None,
            surname=None, phone=None) -> np.ndarray:
        """Add ``n`` people and return their indices.

        Parameters
        ----------
        rng : numpy.random.Generator
            Stream of the calling component.
        n : int
            How many people.
        prov : int or array-like, optional
            Province index (into :data:`identity.PROVINCES`) for all or each; drawn by
            population weight when omitted.
        region : int or array-like, optional
            Region-table index (overrides ``prov``), e.g. to put a family in one county.
        surname : str or array-like, optional
            Fixed surname(s), e.g. for a family.
        phone : array-like of int, optional
            Fixed mobile numbers (fresh SIM blocks); these win over random draws when
            uniqueness is enforced.
        """
        if self.final:
            raise RuntimeError("People already finalized")
        n = int(n)
        if region is not None:
            reg = np.broadcast_to(np.asarray(region, dtype=np.int64), (n,))
        else:
            if prov is None:
                p = ident.draw_provinces(rng, n)
            else:
                p = np.broadcast_to(np.asarray(prov, dtype=np.int64), (n,))
            reg = ident.draw_regions(rng, p)
        sn = None
        if surname is not None:
            sn = np.broadcast_to(np.asarray(surname, dtype=object), (n,)).copy()
        sur, name = ident.draw_names(rng, n, sn)
        sex = rng.integers(0, 2, n)
        if phone is None:
            ph = ident.draw_mobiles(rng, n)
            fixed = np.zeros(n, dtype=bool)
        else:
            ph = np.asarray(phone, dtype=np.int64)
            fixed = np.ones(n, dtype=bool)
        chunk = {"region": reg, "surname": sur, "name": name, "birth": ident.draw_births(rng, n),
                 "seq": ident.draw_seq(rng, sex), "phone": ph, "phone_fixed": fixed}
        if self.n + n > self._cap:
            while self.n + n > self._cap:
                self._cap *= 2
            for k, col in self._data.items():
                grown = np.zeros(self._cap, dtype=col.dtype)
                grown[: self.n] = col[: self.n]
                self._data[k] = grown
        for k, v in chunk.items():
            self._data[k][self.n:self.n + n] = v
        idx = np.arange(self.n, self.n + n, dtype=np.int64)
        self.n += n
        return idx

    def _column(self, name: str, idx) -> np.ndarray:
        return self._data[name][: self.n][idx]

    def regions(self, idx) -> np.ndarray:
        """Region-table index of people ``idx`` (works before :meth:`finalize`)."""
        return self.region_idx[idx] if self.final else self._column("region", idx)

    def surnames(self, idx) -> np.ndarray:
        """Surnames of people ``idx`` (works before :meth:`finalize`)."""
        return self.surname[idx] if self.final else self._column("surname", idx)

    def names(self, idx) -> np.ndarray:
        """Full names of people ``idx`` (works before :meth:`finalize`)."""
        return self.name[idx] if self.final else self._column("name", idx)

    def finalize(self, rng: np.random.Generator) -> None:
        """Make IDs and phones unique across everyone and render ID strings."""
        cols = {k: v[: self.n].copy() for k, v in self._data.items()}
        self._data = {}
        self.region_idx = cols["region"]
        self.region_code = ident.REGION_CODE[self.region_idx]
        self.prov = ident.REGION_PROV[self.region_idx]
        self.surname = cols["surname"]
        self.name = cols["name"]
        self.birth = cols["birth"]
        seq = cols["seq"]
        phone = cols["phone"]
        fixed = cols["phone_fixed"]

        # Redraw the order code of every later holder of an already-used ID key.
        while True:
            key = ident.id_first17(self.region_code, self.birth, seq)
            dup = _later_duplicates(key, np.zeros(len(key), dtype=bool))
            if not dup.any():
                break
            seq[dup] = rng.integers(0, 500, int(dup.sum())) * 2 + (seq[dup] & 1)
        self.first17 = key
        self.id_number = np.array(ident.format_ids(key), dtype=object)

        while True:
            dup = _later_duplicates(phone, fixed)
            if not dup.any():
                break
            if (dup & fixed).any():
                raise RuntimeError("two fixed phone numbers collide")
            phone[dup] = ident.draw_mobiles(rng, int(dup.sum()))
        self.phone_num = phone
        self.phone = np.array([str(p) for p in phone.tolist()], dtype=object)
        self.final = True

    def __len__(self) -> int:
        return self.n


def _later_duplicates(values: np.ndarray, keep_first: np.ndarray) -> np.ndarray:
    """Mask of entries whose value already belongs to another entry.

    Among equal values the one flagged in ``keep_first`` (else the lowest index) keeps it.
    """
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    # Sort by value, preferred holders first, then by index for determinism.
    order = np.lexsort((np.arange(len(values)), ~keep_first, values))
    v = values[order]
    later = np.zeros(len(values), dtype=bool)
    later[order[1:]] = v[1:] == v[:-1]
    return later
