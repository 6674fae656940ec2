"""Outlook calendar CSV, Zoom participant reports and Salesforce exports."""

from __future__ import annotations

import pandas as pd
import pytest

from engagement_analytics.adapters import (
    AdapterError,
    parse_rules,
    read_outlook_csv,
    read_salesforce,
    read_zoom,
)

OUTLOOK = (
    "Subject,Start Date,Start Time,End Date,End Time,All day event,Meeting Organizer,"
    "Required Attendees,Optional Attendees,Categories\n"
    '[ENG-1] Steerco,3/4/2025,9:30:00 AM,3/4/2025,10:15:00 AM,False,Vic Vendor,'
    '"Ann Client <ann@client.example>;Bob@Client.example",Carl Client,\n'
    "Offsite,3/5/2025,12:00:00 AM,3/6/2025,12:00:00 AM,True,,,,\n"
    "Lunch,3/7/2025,12:00:00 PM,3/7/2025,1:00:00 PM,False,,,,Falcon\n"
    "Dentist,3/7/2025,4:00:00 PM,3/7/2025,5:00:00 PM,False,,,,\n"
)


def test_outlook_dates_times_timezone_and_attendees(tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text(OUTLOOK)
    roster = pd.DataFrame(
        {"person_id": ["vic@vendor.example"], "side": ["vendor"], "role": ["partner"],
         "name": ["Vic Vendor"]}
    )
    rules = parse_rules(
        {
            "engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"},
                                 {"category": "falcon", "engagement": "ENG-2"}],
            "meeting_kinds": {"steering": ["steerco"]},
            "timezone": "Europe/Paris",
        }
    )
    result = read_outlook_csv(path, rules=rules, roster=roster)
    meetings = result["meetings"].set_index("title")
    # 3/4/2025 is 4 March (US order); Paris is UTC+1 in March.
    assert meetings.at["[ENG-1] Steerco", "start"] == "2025-03-04T09:30:00+01:00"
    assert meetings.at["[ENG-1] Steerco", "duration_minutes"] == "45"
    assert meetings.at["[ENG-1] Steerco", "kind"] == "steering"
    assert meetings.at["[ENG-1] Steerco", "organizer_id"] == "vic@vendor.example"
    assert meetings.at["Lunch", "start"] == "2025-03-07T12:00:00+01:00"
    assert meetings.at["Lunch", "engagement_id"] == "ENG-2"
    people = set(result["attendance"]["person_id"])
    assert {"ann@client.example", "bob@client.example", "Carl Client"} <= people
    assert set(result["attendance"]["response"]) == {""}
    assert set(result["attendance"]["attended"]) == {""}
    report = result.report
    assert (report.read, report.mapped) == (4, 2)
    assert dict(report.skipped) == {"all_day": 1, "no_engagement_matched": 1}
    assert report.notes["person_identified_by_display_name"] == 1


def test_outlook_day_first_dates_and_bad_time(tmp_path):
    path = tmp_path / "cal.csv"
    path.write_text(
        "Subject,Start Date,Start Time,End Date,End Time\n"
        "[ENG-1] a,04/03/2025,14:00,04/03/2025,15:30\n"
        "[ENG-1] b,05/03/2025,25:00,05/03/2025,15:30\n"
    )
    rules = parse_rules({"engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"}],
                         "date_format": "%d/%m/%Y"})
    with pytest.raises(AdapterError) as caught:
        read_outlook_csv(path, rules=rules)
    assert str(caught.value).startswith("cal.csv, row 3, column 'Start Time', value '25:00'")
    path.write_text(path.read_text().splitlines()[0] + "\n[ENG-1] a,04/03/2025,14:00,04/03/2025,15:30\n")
    result = read_outlook_csv(path, rules=rules)
    assert result["meetings"].at[0, "start"] == "2025-03-04T14:00:00+00:00"
    assert result["meetings"].at[0, "duration_minutes"] == "90"


def test_outlook_missing_column(tmp_path):
    path = tmp_path / "cal.csv"
    path.write_text("Subject,Start Date\nx,3/4/2025\n")
    with pytest.raises(AdapterError, match="cal.csv: column 'Start Time' missing"):
        read_outlook_csv(path, rules=parse_rules({}))


ZOOM = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "123 4567 8901,[ENG-1] Weekly status,03/04/2025 09:29:00 AM,03/04/2025 10:31:00 AM,"
    "vic@vendor.example,62,3\n"
    "\n"
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Ann Client,ann@client.example,03/04/2025 09:30:00 AM,03/04/2025 09:50:00 AM,20,Yes\n"
    "Vic Vendor,vic@vendor.example,03/04/2025 09:29:00 AM,03/04/2025 10:31:00 AM,62,No\n"
    "Ann Client (Ann's iPad),ann@client.example,03/04/2025 09:52:00 AM,03/04/2025 10:30:00 AM,38,Yes\n"
    "Guest Phone,,03/04/2025 09:35:00 AM,03/04/2025 09:40:00 AM,5,Yes\n"
)


def test_zoom_merges_rejoins_and_creates_a_meeting(tmp_path):
    path = tmp_path / "participants_12345678901.csv"
    path.write_text(ZOOM)
    rules = parse_rules({"engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"}],
                         "meeting_kinds": {"status": ["status"]}})
    result = read_zoom(path, rules=rules)
    attendance = result["attendance"]
    assert sorted(attendance["person_id"]) == ["Guest Phone", "ann@client.example",
                                               "vic@vendor.example"]
    assert set(attendance["attended"]) == {"true"}
    meeting = result["meetings"].iloc[0]
    assert meeting["start"] == "2025-03-04T09:29:00+00:00"
    assert meeting["duration_minutes"] == "62"
    assert meeting["kind"] == "status" and meeting["engagement_id"] == "ENG-1"
    assert meeting["organizer_id"] == "vic@vendor.example"
    report = result.report
    assert (report.read, report.mapped) == (4, 4)
    assert report.notes["rejoin_merged"] == 1
    assert report.notes["participant_without_email"] == 1


def test_zoom_attaches_to_calendar_meeting_and_marks_absent_invitees(tmp_path):
    path = tmp_path / "participants.csv"
    path.write_text(ZOOM)
    meetings = pd.DataFrame({"meeting_id": ["M1", "M2"], "engagement_id": ["ENG-1", "ENG-1"],
                             "start": ["2025-03-04T09:30:00Z", "2025-03-11T09:30:00Z"]})
    attendance = pd.DataFrame({"meeting_id": ["M1", "M1", "M2"],
                               "person_id": ["ann@client.example", "dee@client.example",
                                             "ann@client.example"]})
    rules = parse_rules({"engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"}]})
    result = read_zoom(path, rules=rules, meetings=meetings, attendance=attendance)
    assert result["meetings"].empty
    attended = result["attendance"].set_index("person_id")
    assert set(attended["meeting_id"]) == {"M1"}
    assert attended.at["dee@client.example", "attended"] == "false"
    assert attended.at["ann@client.example", "attended"] == "true"


def test_zoom_without_engagement_is_counted(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(ZOOM.replace("[ENG-1] ", ""))
    rules = parse_rules({"engagement_rules": [{"title_regex": r"\[(ENG-\d+)\]"}]})
    result = read_zoom(path, rules=rules)
    assert result.report.skipped["no_engagement_matched"] == 4
    assert result.report.balanced and result["attendance"].empty


OPPORTUNITIES = (
    "Id,Name,Account.Name,StageName,CloseDate,Amount,Planned_End_Date__c,Sold_Effort_Days__c\n"
    "006A,Falcon,Globex,Closed Won,2025-03-03,\"USD 120,000.50\",2025-06-27,120\n"
    "006B,Hawk,Initech,Prospecting,2025-04-01,5000,2025-09-30,30\n"
    "006C,Owl,Umbrella,Closed Won,3/10/2025,9000,,40\n"
)
ROLES = (
    "Id,OpportunityId,ContactId,Role,IsPrimary,Contact.Email,Contact.Name\n"
    "00K1,006A,003A,Economic Buyer,true,Hana@Globex.example,Hana Ito\n"
    "00K2,006A,003B,Influencer,false,omar@globex.example,Omar Diaz\n"
    "00K3,006A,003C,Technical Buyer,false,li@globex.example,Li Wu\n"
    "00K4,006A,003D,Business User,false,,Pat Doe\n"
    "00K5,006Z,003E,Decision Maker,false,zed@x.example,Zed\n"
)


def test_salesforce_opportunities_and_role_mapping(tmp_path):
    opportunities = tmp_path / "Opportunity.csv"
    opportunities.write_text(OPPORTUNITIES)
    roles = tmp_path / "OpportunityContactRole.csv"
    roles.write_text(ROLES)
    rules = parse_rules({"salesforce": {"roles": {"Influencer": "change_agent"}}})
    result = read_salesforce(opportunities, roles, rules=rules)
    engagements = result["engagements"]
    assert list(engagements["engagement_id"]) == ["006A"]
    row = engagements.iloc[0]
    assert (row["client"], row["start_date"], row["planned_end_date"]) == (
        "Globex", "2025-03-03", "2025-06-27")
    assert row["contract_value"] == "120000.50" and row["sold_effort_days"] == "120"
    stakeholders = result["stakeholders"].set_index("person_id")
    assert stakeholders.at["hana@globex.example", "role"] == "resource_owner"
    assert stakeholders.at["omar@globex.example", "role"] == "change_agent"  # user's override
    assert stakeholders.at["li@globex.example", "role"] == "other"  # not in the mapping
    assert stakeholders.at["003D", "role"] == "end_user"  # no e-mail: the contact id
    assert set(stakeholders["side"]) == {"client"}
    report = result.report
    assert report.read == 8 and report.mapped == 5
    assert dict(report.skipped) == {"stage_not_won": 1, "missing_planned_end_date": 1,
                                    "unknown_engagement": 1}


def test_salesforce_missing_required_field_names_the_rules_key(tmp_path):
    opportunities = tmp_path / "opps.csv"
    opportunities.write_text("Id,Account.Name,CloseDate,StageName\n006A,Globex,2025-03-03,Closed Won\n")
    with pytest.raises(AdapterError, match="opps.csv: column 'Planned_End_Date__c' missing"):
        read_salesforce(opportunities, rules=parse_rules({}))
