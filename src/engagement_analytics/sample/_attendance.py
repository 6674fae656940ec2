"""Invitations, responses and attendance of the sample.

Who is invited depends on the person's duty (slot class) and the meeting kind;
the stakeholder-breadth latent widens or narrows the invitations of users.
Whether an invitee attends depends on their own family's latent only:
sponsor absence for the sponsor, client ownership for the change agent,
champion engagement for champions at workshops, demos and trainings, and
going dark (dark spells) for every client person. Champions and end users are
invited alike and attend alike on average, so the number of champions does not
change how many client people take part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._dark import DarkSpells
from ._design import sigmoid
from ._engagements import EngagementPlan
from ._meetings import SESSION_KINDS, K, Meetings
from ._people import (
    CHAMPION,
    CHANGE_AGENT,
    CLIENT_OTHER,
    END_USER,
    SPONSOR,
    STEER_OTHER,
    People,
)
from ._time import expand

# Invitation chance by class (rows, _sample_people order) and kind (MEETING_KINDS order).
_STEERING_LEVEL = [1.00, 0.03, 0.10, 0.50, 0.30, 0.05, 0.05, 0.10]
_CLIENT_LEAD = [1.00, 0.95, 0.80, 0.90, 0.80, 0.60, 0.80, 0.60]
_USERS = [0.05, 0.25, 0.70, 0.40, 0.60, 0.75, 0.15, 0.20]
_INVITE = np.array([
    _STEERING_LEVEL,                                   # sponsor
    _STEERING_LEVEL,                                   # steering-level other
    _CLIENT_LEAD,                                      # change agent
    _CLIENT_LEAD,                                      # client lead (other)
    [0.85, 0.30, 0.30, 0.50, 0.40, 0.20, 0.20, 0.30],  # resource owner
    _USERS,                                            # champion
    _USERS,                                            # end user
    _USERS,                                            # other client person
    [0.90, 0.05, 0.05, 0.30, 0.20, 0.00, 0.10, 0.10],  # partner
    [1.00, 0.95, 0.60, 0.90, 0.80, 0.30, 0.80, 0.60],  # engagement manager
    [0.20, 0.85, 0.80, 0.60, 0.70, 0.90, 0.50, 0.40],  # consultant
    [0.10, 0.00, 0.00, 0.40, 0.05, 0.00, 0.00, 0.05],  # sales
])
_USER_CLASSES = (CHAMPION, END_USER, CLIENT_OTHER)

#: Attendance chance of classes without a latent of their own (everyday, sessions).
_ATTEND = np.array([
    [np.nan, np.nan], [0.55, 0.55], [np.nan, np.nan], [0.80, 0.80], [0.75, 0.70],
    [0.75, np.nan], [0.75, 0.70], [0.75, 0.70],
    [0.93, 0.93], [0.93, 0.93], [0.93, 0.93], [0.93, 0.93],
])
_STEER_OTHER_AT_STEERING = 0.72
_DARK_FACTOR = 0.1
_UNRECORDED_SHARE = 0.2

RESPONSES = ("accepted", "declined", "tentative", "none")
_IF_ATTENDED = (0.88, 0.0, 0.07, 0.05)
_IF_ABSENT = (0.12, 0.55, 0.08, 0.25)


@dataclass
class Attendance:
    """One row per invitee per meeting, sorted by meeting then person."""

    meeting: np.ndarray
    person: np.ndarray
    response: np.ndarray
    attended: np.ndarray  # 1 true, 0 false, -1 not recorded


def _invited(rng, plan, people: People, meetings: Meetings):
    mtg, within = expand(people.n_client[meetings.eng] + people.n_vendor[meetings.eng])
    eng = meetings.eng[mtg]
    person = people.first[eng] + within
    cls = people.cls[person]
    kind = meetings.kind[mtg]
    p = _INVITE[cls, kind]
    users = np.isin(cls, _USER_CLASSES)
    base = np.clip(p[users], 0.01, 0.99)
    p[users] = sigmoid(np.log(base / (1 - base)) + 1.0 * plan.z("stakeholder_breadth")[eng[users]])
    day = meetings.day[mtg]
    invited = (rng.random(mtg.size) < p) & people.present(person, day)
    invited |= person == meetings.organizer[mtg]
    return mtg[invited], person[invited]


def _attend_chance(plan: EngagementPlan, people: People, meetings: Meetings, mtg, person):
    cls = people.cls[person]
    kind = meetings.kind[mtg]
    eng = meetings.eng[mtg]
    session = np.isin(kind, SESSION_KINDS)
    chance = _ATTEND[cls, session.astype(np.int64)]
    steering = kind == K["steering"]
    chance = np.where((cls == STEER_OTHER) & steering, _STEER_OTHER_AT_STEERING, chance)
    sponsor = cls == SPONSOR
    z_sponsor = plan.z("sponsor_absence")[eng]
    # A steep slope: with only a few steering meetings in a window, a gentle one
    # would leave the sponsor's attendance mostly noise.
    chance = np.where(sponsor, sigmoid(np.where(steering, 1.5, 0.5) - 2.2 * z_sponsor), chance)
    chance = np.where(
        cls == CHANGE_AGENT, sigmoid(1.6 + 1.0 * plan.z("client_ownership")[eng]), chance
    )
    champion_session = (cls == CHAMPION) & session
    chance = np.where(
        champion_session, sigmoid(1.1 + 1.3 * plan.z("champion_engagement")[eng]), chance
    )
    return chance


def draw_attendance(
    rng, plan: EngagementPlan, people: People, meetings: Meetings, dark: DarkSpells
) -> Attendance:
    """Draw invitations, responses and attendance for every meeting."""
    mtg, person = _invited(rng, plan, people, meetings)
    chance = _attend_chance(plan, people, meetings, mtg, person)
    in_dark = people.is_client[person] & dark.is_dark(meetings.eng[mtg], meetings.day[mtg])
    chance = np.where(in_dark, chance * _DARK_FACTOR, chance)
    attends = rng.random(mtg.size) < chance
    organizer = person == meetings.organizer[mtg]
    attends |= organizer

    draw = rng.random(mtg.size)
    response = np.where(
        attends,
        np.searchsorted(np.cumsum(_IF_ATTENDED), draw, side="right"),
        np.searchsorted(np.cumsum(_IF_ABSENT), draw, side="right"),
    )
    response = np.where(organizer, 0, np.minimum(response, len(RESPONSES) - 1))
    unrecorded = (rng.random(meetings.eng.size) < _UNRECORDED_SHARE) | meetings.cancelled
    attended = np.where(unrecorded[mtg], -1, attends.astype(np.int64))
    return Attendance(meeting=mtg, person=person, response=response, attended=attended)
