"""Calling numbers: one written form, where they are from, and the caller book."""

from __future__ import annotations

import pytest

from appliance.callflow.customers import CallerBook, Customer, Served
from appliance.callflow.numbers import normalize, region_matches, region_names


@pytest.mark.parametrize(
    "written", ["13800138000", "+8613800138000", "+86 138-0013-8000", "013800138000"]
)
def test_a_chinese_mobile_has_one_form_however_written(written: str) -> None:
    assert normalize(written) == "+8613800138000"


def test_numbers_that_are_not_phone_numbers_are_kept_as_given() -> None:
    assert normalize(" 1001 ") == "1001"
    assert normalize("anonymous") == "anonymous"


@pytest.mark.parametrize(
    ("number", "english", "chinese"),
    [
        ("13800138000", "Beijing", "北京市"),  # the example
        ("075512345678", "Shenzhen, Guangdong", "广东省深圳市"),  # a landline
        ("1001", "", ""),
    ],
)
def test_region_of_a_number(number: str, english: str, chinese: str) -> None:
    assert region_names(number) == (english, chinese)


@pytest.mark.parametrize(
    ("region", "matches"),
    [("Guangdong", True), ("shenzhen", True), ("广东", True), ("深圳", True), ("Beijing", False),
     ("北京", False), ("", False)],
)  # fmt: skip
def test_a_region_matches_a_part_of_the_description(region: str, matches: bool) -> None:
    assert region_matches(("Shenzhen, Guangdong", "广东省深圳市"), region) is matches


def test_the_book_finds_customers_by_any_written_form() -> None:
    book = CallerBook([Customer("+86 138 0013 8000", "ACME", owner="1002", vip=2)])
    found = book.customer("13800138000")
    assert found is not None and (found.owner, found.vip) == ("1002", 2)
    assert book.customer("13800138001") is None and book.customer("") is None


def test_a_customer_region_overrides_the_prefix() -> None:
    book = CallerBook([Customer("13800138000", region="Shanghai")])
    assert book.in_region("13800138000", "Shanghai")
    assert not book.in_region("13800138000", "Beijing")
    assert book.in_region("13800138001", "Beijing")  # no record: the prefix's


def test_last_agent_within_days_and_the_newest_answer_kept_on_merge() -> None:
    book = CallerBook(served={"13800138000": Served("1001", at=0.0)})
    assert book.last_agent("+8613800138000", now=86400.0 * 3, within_days=3) == "1001"
    assert book.last_agent("+8613800138000", now=86400.0 * 3 + 1, within_days=3) == ""
    assert book.last_agent("+8613800138000", now=1, within_days=0) == ""  # sticky off
    live = CallerBook()
    live.answered("13800138000", "1002", at=50.0)
    book.merge_from(live)
    assert book.served["+8613800138000"] == Served("1002", 50.0)
    book.merge_from(CallerBook(served={"13800138000": Served("1003", at=10.0)}))  # older
    assert book.served["+8613800138000"].agent == "1002"
