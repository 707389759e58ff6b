"""Fictitious petitioners: names, ID numbers and phone numbers.

ID numbers are format-valid (GB 11643 check digit) so every screen and validator works
on them, but they cannot belong to a real person: their first six digits are a county
of 青禾市, whose province code 99 does not exist. Phones use the 170/171 virtual-operator
blocks. Both are drawn from an affine permutation of a serial number, so the same seed
gives the same people and no two demo petitioners share an ID number or phone.
"""

import datetime as dt
import math
import random

from minxin.core.identity import id_check_digit
from minxin.demo.city import person_name

_BIRTH_SPAN_DAYS = 60 * 365  # ages 20-80
_STEP = 1_000_003  # prime; coprime with both spaces below, so k -> (STEP*k + offset) mod M is a bijection


class PeopleFactory:
    def __init__(self, rng: random.Random, *, county_codes: list[str], end_date: dt.date):
        self.rng = rng
        self.county_codes = county_codes
        self.oldest = end_date - dt.timedelta(days=80 * 365)
        self.id_space = len(county_codes) * _BIRTH_SPAN_DAYS * 1000
        self.phone_space = 2 * 10**8
        assert math.gcd(_STEP, self.id_space) == 1 and math.gcd(_STEP, self.phone_space) == 1
        self.id_offset = rng.randrange(self.id_space)
        self.phone_offset = rng.randrange(self.phone_space)
        self.serial = 0

    def _id_number(self, k: int) -> tuple[str, bool]:
        index = (_STEP * k + self.id_offset) % self.id_space
        index, seq = divmod(index, 1000)
        county, day = divmod(index, _BIRTH_SPAN_DAYS)
        birth = self.oldest + dt.timedelta(days=day)
        first17 = f"{self.county_codes[county][:6]}{birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_digit(first17), seq % 2 == 1  # odd sequence digit: male (GB 11643)

    def _phone(self, k: int) -> str:
        index = (_STEP * k + self.phone_offset) % self.phone_space
        block, rest = divmod(index, 10**8)
        return f"17{block}{rest:08d}"

    def next_person(self, address: str) -> tuple[str, str, str, str]:
        """(name, id_number, phone, address) of a new, never-before-issued demo person."""
        k = self.serial
        self.serial += 1
        id_number, male = self._id_number(k)
        phone = self._phone(k) if self.rng.random() < 0.92 else ""
        return person_name(self.rng, male=male), id_number, phone, address
