"""A rules file and the outside text it is matched against are bounded: RE2, plain YAML."""

from __future__ import annotations

import time

import pytest

from engagement_analytics.adapters import AdapterError, load_rules, parse_rules


def _title_rule(pattern: str, **extra) -> dict:
    return {"engagement_rules": [dict({"title_regex": pattern}, **extra)]}


# --- title regexes: linear time, Python-only syntax refused at load ----------------------


def test_nested_quantifier_rule_matches_an_outsiders_title_in_linear_time():
    rules = parse_rules(_title_rule("(a+)+$", engagement="ENG-1"), source="r.yaml")
    # A backtracking engine needs 2**24 steps here (seconds); 2**40 for the 41 characters.
    title = "a" * 24 + "!"
    began = time.perf_counter()
    found = rules.engagement_for(title)
    elapsed = time.perf_counter() - began
    assert found is None
    assert elapsed < 0.5, f"{elapsed:.2f} s"
    assert rules.engagement_for("a" * 100_000) == "ENG-1"


@pytest.mark.parametrize(
    "pattern", [r"(\w+) \1", r"(?=ENG)(ENG-\d+)", r"(?<!x)(ENG-\d+)", r"(ENG-\d+)\Z"]
)
def test_backtracking_only_syntax_is_refused_at_rule_load(tmp_path, pattern):
    with pytest.raises(AdapterError) as caught:
        parse_rules(_title_rule(pattern), source="r.yaml")
    message = str(caught.value)
    assert message.startswith("r.yaml: engagement_rules[1].title_regex: invalid regex ")
    assert "RE2" in message and "\n" not in message


def test_pattern_size_is_bounded():
    with pytest.raises(AdapterError, match=r"title_regex: pattern of 1,001 characters; at most 1,000"):
        parse_rules(_title_rule("(x)" + "a" * 998), source="r.yaml")
    with pytest.raises(AdapterError, match=r"title_regex: invalid regex .*pattern too large"):
        parse_rules(_title_rule(r"(\p{L}{100})"), source="r.yaml")


def test_number_of_rules_is_bounded():
    rules = {"engagement_rules": [{"category": f"c{i}", "engagement": "E"} for i in range(1001)]}
    with pytest.raises(AdapterError, match=r"r\.yaml: engagement_rules: 1001 rules; at most 1,000"):
        parse_rules(rules, source="r.yaml")


def test_matching_stays_case_insensitive_with_unicode_folding():
    rules = parse_rules(
        {"engagement_rules": [{"title_regex": r"\[(eng-\d+)\]"},
                              {"title_regex": "café", "engagement": "ENG-9"}]},
        source="r.yaml",
    )
    assert rules.engagement_for("Weekly [ENG-12] status") == "ENG-12"
    assert rules.engagement_for("CAFÉ with the client") == "ENG-9"


def test_optional_group_that_did_not_take_part_gives_no_engagement():
    rules = parse_rules(_title_rule(r"(ENG-\d+)?review"), source="r.yaml")
    assert rules.engagement_for("review") is None
    assert rules.engagement_for("ENG-4review") == "ENG-4"


# --- the YAML: no anchors or aliases, bounded size and depth, located value errors --------


def _nested_aliases(levels: int) -> str:
    """``[&p1 [9 strings], &p2 [9 x *p1], ...]``: 9**levels strings once expanded."""
    items = ['&p1 [' + ",".join(['"lol"'] * 9) + "]"]
    items += [f"&p{i} [" + ",".join([f"*p{i - 1}"] * 9) + "]" for i in range(2, levels + 1)]
    return "[" + ", ".join(items) + "]"


def _alias_bomb(levels: int) -> str:
    return (f"engagements:\n  - engagement_id: ENG-1\n    client: {_nested_aliases(levels)}\n"
            "    start_date: 2025-01-01\n")


@pytest.mark.parametrize(
    "text",
    [
        _alias_bomb(6),
        "vendor_domains: &mine [vendor.example]\nengagement_rules: []\n",
        "zoom: {tolerance_minutes: 15}\nsalesforce:\n  roles: &r {Influencer: champion}\n",
        "engagements:\n  - &base {engagement_id: E1, client: A}\n  - {<<: *base, engagement_id: E2}\n",
    ],
    ids=["alias-bomb", "anchor", "anchor-in-section", "merge-key"],
)
def test_anchors_and_aliases_are_refused_on_their_line(tmp_path, text):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "&" in row)
    began = time.perf_counter()
    with pytest.raises(AdapterError) as caught:
        load_rules(path)
    assert time.perf_counter() - began < 1
    assert str(caught.value).startswith(
        f"rules.yaml, line {line}: YAML anchors and aliases (&"
    )


def test_rules_file_size_is_capped(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("# padding\n" * 104_858)  # 1,048,580 bytes
    with pytest.raises(AdapterError, match=r"^rules\.yaml: rules file larger than 1,048,576 bytes"):
        load_rules(path)


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("engagement_rules: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(AdapterError, match=r"^rules\.yaml, line 1: nested deeper than 20 levels"):
        load_rules(path)


@pytest.mark.parametrize(
    ("value", "why"),
    [("2025-13-45", "month must be in 1..12"), ("1" * 5000, "Exceeds the limit")],
)
def test_values_python_cannot_build_fail_on_their_line(tmp_path, value, why):
    path = tmp_path / "rules.yaml"
    path.write_text(f"engagements:\n  - engagement_id: ENG-1\n    start_date: {value}\n")
    with pytest.raises(AdapterError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert message.startswith("rules.yaml, line 3: unreadable value (") and why in message


def test_cli_refuses_an_alias_bomb_in_one_line(tmp_path, make_ics, import_ics):
    good = make_ics("good.ics", "UID:g\nDTSTART:20250106T090000Z\nDURATION:PT1H\nSUMMARY:x")
    # The nine levels: 387 million strings, 18 s and 1.8 GB before a MemoryError.
    code, _, err, _ = import_ics(good, f"vendor_domains: {_nested_aliases(9)}\n")
    assert code == 2
    written = (tmp_path / "cli-rules.yaml").read_text().splitlines()
    line = next(i for i, row in enumerate(written, start=1) if "&p1" in row)
    assert err.startswith(f"error: cli-rules.yaml, line {line}: YAML anchors and aliases (&p1")
    assert err.count("\n") == 1


# --- attendee text: addresses are found in linear time too ---------------------------------


def test_outlook_attendee_without_address_is_read_in_linear_time(tmp_path):
    from engagement_analytics.adapters import read_outlook_csv

    # Python's backtracking search for 'x@y' is quadratic in a token without '@'.
    token = "a" * 60_000
    path = tmp_path / "calendar.csv"
    path.write_text("Subject,Start Date,Start Time,End Date,End Time,Required Attendees\n"
                    f"[ENG-1] x,01/06/2025,9:00,01/06/2025,10:00,{token};Ann <ann@client.example>\n")
    rules = parse_rules(_title_rule(r"\[(ENG-\d+)\]"))
    began = time.perf_counter()
    result = read_outlook_csv(path, rules=rules)
    assert time.perf_counter() - began < 1
    assert set(result["attendance"]["person_id"]) == {"ann@client.example", token}
