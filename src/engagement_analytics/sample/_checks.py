"""Crude per-engagement measures read back from the generated tables.

They check the generator, not the package's signals: each is a rough version
of one family's behaviour, measured over an outcome-free window (the first
``CHECK_FRACTION`` of the planned duration; no engagement closes that early).
Correlating them with the latent traits shows that every family's own latent
moves it and that the planted latents leave the non-planted measures alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._design import CHECK_FRACTION, FAMILIES, PLANTED_BETAS

#: measure -> family it is a crude version of
MEASURES = {
    "estimate_to_sold_ratio": "overselling",
    "sponsor_steering_attendance": "sponsor_absence",
    "client_silent_week_share": "going_dark",
    "client_organized_share": "client_ownership",
    "change_agent_attendance": "client_ownership",
    "client_commitment_share": "commitment_reciprocity",
    "vendor_median_reply_hours": "reactivity",
    "adhoc_per_week": "reactivity",
    "champion_session_attendance": "champion_engagement",
    "purpose_agreed": "discovery",
    "discovery_first_21_days": "discovery",
    "first_steering_day_share": "discovery",
    "client_attendees_per_30_days": "stakeholder_breadth",
    "top_client_attendee_share": "stakeholder_breadth",
}


def _local_day(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d")


def crude_measures(tables: dict[str, pd.DataFrame], *, max_engagements: int | None = None):
    """One row per engagement, one column per crude measure (NaN if not measurable)."""
    eng = tables["engagements"]
    if max_engagements is not None:
        eng = eng.iloc[:max_engagements]
    ids = pd.Index(eng["engagement_id"])
    start = pd.to_datetime(eng["start_date"]).to_numpy()
    planned = (pd.to_datetime(eng["planned_end_date"]).to_numpy() - start) / np.timedelta64(1, "D") + 1
    window_days = np.floor(CHECK_FRACTION * planned)
    window = pd.DataFrame({"start": start, "days": window_days}, index=ids)
    out = pd.DataFrame(index=ids)
    out["estimate_to_sold_ratio"] = (
        eng["estimated_effort_days"].astype(float) / eng["sold_effort_days"].astype(float)
    ).to_numpy()
    out["purpose_agreed"] = eng["purpose_statement"].notna().astype(float).to_numpy()

    def inside(frame, day_col):
        w = window.loc[frame["engagement_id"]]
        offset = (frame[day_col].to_numpy() - w["start"].to_numpy()) / np.timedelta64(1, "D")
        keep = (offset >= 0) & (offset < w["days"].to_numpy())
        result = frame[keep].copy()
        result["offset"] = offset[keep]
        return result

    people = tables["stakeholders"][["engagement_id", "person_id", "side", "role"]]
    meetings = tables["meetings"][tables["meetings"]["engagement_id"].isin(ids)].copy()
    meetings["day"] = _local_day(meetings["start"])
    meetings = inside(meetings, "day")
    held = meetings[meetings["status"] == "held"]
    org = held.merge(people, left_on=["engagement_id", "organizer_id"],
                     right_on=["engagement_id", "person_id"], how="left")
    out["client_organized_share"] = (org["side"] == "client").groupby(org["engagement_id"]).mean()
    weeks = window["days"] / 7
    out["adhoc_per_week"] = held[held["kind"] == "ad_hoc"].groupby("engagement_id").size()
    out["adhoc_per_week"] = out["adhoc_per_week"].fillna(0) / weeks
    disc = held[(held["kind"] == "discovery") & (held["offset"] < 21)]
    out["discovery_first_21_days"] = disc.groupby("engagement_id").size()
    out["discovery_first_21_days"] = out["discovery_first_21_days"].fillna(0)
    first = held[held["kind"] == "steering"].groupby("engagement_id")["offset"].min()
    out["first_steering_day_share"] = (first / window["days"]).reindex(ids).fillna(1.0)

    att = tables["attendance"].merge(
        held[["meeting_id", "engagement_id", "kind", "offset"]], on="meeting_id"
    )
    att = att.merge(people, on=["engagement_id", "person_id"], how="left")
    att["present"] = (att["attended"] == "true") | (
        att["attended"].isna() & (att["response"] == "accepted")
    )

    def rate(mask):
        sub = att[mask]
        return sub["present"].groupby(sub["engagement_id"]).mean()

    out["sponsor_steering_attendance"] = rate(
        (att["role"] == "executive_sponsor") & (att["kind"] == "steering")
    )
    out["change_agent_attendance"] = rate(att["role"] == "change_agent")
    out["champion_session_attendance"] = rate(
        (att["role"] == "champion") & att["kind"].isin(["workshop", "demo", "training"])
    )
    client_att = att[att["present"] & (att["side"] == "client")]
    distinct = client_att.groupby("engagement_id")["person_id"].nunique()
    out["client_attendees_per_30_days"] = distinct.reindex(ids).fillna(0) / (window["days"] / 30)
    counts = client_att.groupby(["engagement_id", "person_id"]).size()
    out["top_client_attendee_share"] = (
        counts.groupby(level=0).max() / counts.groupby(level=0).sum()
    )

    msgs = tables["communications"][tables["communications"]["engagement_id"].isin(ids)].copy()
    msgs["day"] = _local_day(msgs["sent_at"])
    msgs["utc"] = pd.to_datetime(msgs["sent_at"], format="ISO8601", utc=True)
    msgs = inside(msgs, "day").merge(
        people, left_on=["engagement_id", "from_id"], right_on=["engagement_id", "person_id"],
        how="left",
    )
    client_weeks = pd.concat([
        client_att[["engagement_id"]].assign(week=(client_att["offset"] // 7)),
        msgs.loc[msgs["side"] == "client", ["engagement_id"]].assign(
            week=msgs.loc[msgs["side"] == "client", "offset"] // 7
        ),
    ]).drop_duplicates()
    active_weeks = client_weeks.groupby("engagement_id").size().reindex(ids).fillna(0)
    out["client_silent_week_share"] = 1 - active_weeks / np.ceil(window["days"] / 7)
    parents = msgs.set_index("message_id")
    replies = msgs[msgs["in_reply_to"].notna() & (msgs["side"] == "vendor")]
    replies = replies[replies["in_reply_to"].isin(parents.index)]
    parent_side = parents.loc[replies["in_reply_to"], "side"].to_numpy()
    hours = (replies["utc"].to_numpy() - parents.loc[replies["in_reply_to"], "utc"].to_numpy())
    replies = replies.assign(hours=hours / np.timedelta64(1, "h"))[parent_side == "client"]
    out["vendor_median_reply_hours"] = replies.groupby("engagement_id")["hours"].median()

    com = tables["commitments"]
    com = com[com["engagement_id"].isin(ids) & (com["phase"] == "delivery")].copy()
    com["day"] = pd.to_datetime(com["made_on"])
    com = inside(com, "day")
    out["client_commitment_share"] = (com["owner_side"] == "client").groupby(
        com["engagement_id"]
    ).mean()
    return out[list(MEASURES)]


def _spearman(a: pd.Series, b: pd.Series) -> float:
    ok = a.notna() & b.notna()
    if ok.sum() < 10:
        return float("nan")
    return float(np.corrcoef(a[ok].rank(), b[ok].rank())[0, 1])


def independence_table(measures: pd.DataFrame, truth: pd.DataFrame,
                       planted: list[str] | None = None) -> pd.DataFrame:
    """Spearman correlation of each crude measure with its own and the planted latents.

    ``planted`` lists the planted families (default: those of the default truth).
    """
    latents = truth.set_index("engagement_id").reindex(measures.index)
    if planted is None:
        planted = [f for f in FAMILIES if f in PLANTED_BETAS]
    rows = []
    for measure, family in MEASURES.items():
        row = {"measure": measure, "family": family,
               "own_latent": _spearman(measures[measure], latents[f"z_{family}"])}
        for other in planted:
            row[other] = _spearman(measures[measure], latents[f"z_{other}"])
        rows.append(row)
    return pd.DataFrame(rows)
