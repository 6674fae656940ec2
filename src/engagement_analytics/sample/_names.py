"""Word lists of the sample generator: fictional people, companies and free text.

Every name is invented. Some entries carry accents, apostrophes, commas,
quotes, line breaks and markup on purpose: the bundle must exercise CSV
quoting, UTF-8 handling and the escaping of free text in reports.
"""

from __future__ import annotations

#: (display form, ascii form for e-mail addresses)
FIRST_NAMES = (
    ("Anna", "anna"), ("Ben", "ben"), ("Clara", "clara"), ("David", "david"),
    ("Elif", "elif"), ("Farid", "farid"), ("Greta", "greta"), ("Hugo", "hugo"),
    ("Ines", "ines"), ("Jonas", "jonas"), ("Kaori", "kaori"), ("Lena", "lena"),
    ("Marco", "marco"), ("Nora", "nora"), ("Oskar", "oskar"), ("Priya", "priya"),
    ("Quentin", "quentin"), ("Rosa", "rosa"), ("Samuel", "samuel"), ("Tanja", "tanja"),
    ("Umar", "umar"), ("Vera", "vera"), ("William", "william"), ("Ximena", "ximena"),
    ("Yusuf", "yusuf"), ("Zoë", "zoe"), ("Amélie", "amelie"), ("Björn", "bjorn"),
    ("Chloé", "chloe"), ("Dmitri", "dmitri"), ("Emma", "emma"), ("Felix", "felix"),
    ("Grace", "grace"), ("Hannah", "hannah"), ("Ivan", "ivan"), ("Julia", "julia"),
    ("Karim", "karim"), ("Laura", "laura"), ("Mateo", "mateo"), ("Nadia", "nadia"),
    ("Olivia", "olivia"), ("Paul", "paul"), ("Rahul", "rahul"), ("Sofia", "sofia"),
    ("Tom", "tom"), ("Uma", "uma"), ("Victor", "victor"), ("Wei", "wei"),
)

LAST_NAMES = (
    ("Adler", "adler"), ("Brandt", "brandt"), ("Costa", "costa"), ("Dubois", "dubois"),
    ("Eriksen", "eriksen"), ("Fischer", "fischer"), ("García", "garcia"), ("Hoffmann", "hoffmann"),
    ("Ivanova", "ivanova"), ("Jansen", "jansen"), ("Kowalski", "kowalski"), ("Larsen", "larsen"),
    ("Müller", "mueller"), ("Novak", "novak"), ("O'Brien", "obrien"), ("Petrov", "petrov"),
    ("Quinn", "quinn"), ("Rossi", "rossi"), ("Schmidt", "schmidt"), ("Tanaka", "tanaka"),
    ("Ulrich", "ulrich"), ("Vogel", "vogel"), ("Weber", "weber"), ("Xu", "xu"),
    ("Yilmaz", "yilmaz"), ("Zimmermann", "zimmermann"), ("Andersson", "andersson"),
    ("Bianchi", "bianchi"), ("Chen", "chen"), ("Dietrich", "dietrich"), ("Evans", "evans"),
    ("Fontaine", "fontaine"), ("Gruber", "gruber"), ("Haas", "haas"), ("Iqbal", "iqbal"),
    ("Jovanović", "jovanovic"), ("Keller", "keller"), ("Lindqvist", "lindqvist"),
    ("Moreau", "moreau"), ("Nakamura", "nakamura"), ("Okafor", "okafor"), ("Patel", "patel"),
    ("Richter", "richter"), ("Santos", "santos"), ("Thompson", "thompson"), ("Van Dijk", "vandijk"),
    ("Wagner", "wagner"), ("Young", "young"),
)

COMPANY_HEADS = (
    "Northwind", "Bluefin", "Alder", "Brightwater", "Cobalt", "Driftwood", "Evergreen",
    "Foxglove", "Granite", "Harbor", "Ironbridge", "Juniper", "Kestrel", "Lakeshore",
    "Meridian", "Nimbus", "Oakridge", "Pinecrest", "Quarry", "Redwood", "Silverline",
    "Tidewater", "Upland", "Valemont", "Westbrook", "Yarrow", "Zephyr", "Amberly",
    "Beacon", "Cedarholm", "Dunmore", "Elmstead", "Fairhaven", "Glenrock", "Hollowell",
    "Ivywood", "Larkspur", "Marlow", "Norcliff", "Orchard", "Pemberton", "Rivermead",
    "Stonegate", "Thornbury", "Underhill", "Wexford", "Ashcombe", "Birchfield", "Coldwater",
    "Deepdale", "Eastgate", "Fernhill", "Greystone", "Highmoor", "Kingsway", "Lowland",
    "Millbrook", "Newhaven", "Oldcastle", "Ridgeway",
)

COMPANY_TRADES = (
    "Logistics", "Insurance", "Foods", "Energy", "Health", "Retail", "Bank", "Manufacturing",
    "Telecom", "Pharma", "Utilities", "Airlines", "Chemicals", "Media", "Textiles",
    "Shipping", "Motors", "Foundry", "Water", "Mining", "Hotels", "Software", "Rail",
    "Paper", "Dairy",
)

#: Legal forms; the comma in ", Ltd." exercises CSV quoting of a required column.
COMPANY_FORMS = ("AG", "GmbH", "plc", "Inc.", "S.A.", ", Ltd.")

PURPOSES = (
    "Cut order-to-cash cycle time by 20% before the next fiscal year.",
    "Replace the legacy billing platform without disrupting customer invoicing.",
    "Give regional managers one trusted view of stock, margin and service levels.",
    "Move field service scheduling from spreadsheets to the new planning tool.",
    "Standardise the procurement process across all plants, including approvals.",
    "Reduce claims handling time from 21 to 10 days while keeping quality stable.",
    'Make the "single customer view" real for sales, service and marketing.',
    "Prepare finance for the IFRS 17 close, with automated reconciliations.",
    "Help 2,000 store employees adopt the new workforce management app.",
    "Retire three data warehouses and move reporting to one governed platform.",
    "Shorten month-end close from eight to four working days.",
    "Roll out the new CRM to the B2B sales teams in five countries.",
)

#: Titles by meeting kind (MEETING_KINDS order); the engagement tag is prefixed.
TITLES = {
    "steering": ("Steering committee", "SteerCo", "Monthly steering"),
    "status": ("Weekly status", "Status call", "Weekly sync"),
    "workshop": ("Process workshop", "Design workshop", "Requirements workshop",
                 "Workshop: to-be process"),
    "discovery": ("Kick-off", "Discovery interview", "Current-state walkthrough"),
    "demo": ("Sprint demo", "Solution demo", "Prototype review"),
    "training": ("Key-user training", "Train-the-trainer", "End-user training"),
    "ad_hoc": ("Quick call", "Urgent: data issue", "Catch-up", "Escalation call"),
    "other": ("Lunch & learn", "Budget review", "Team social"),
}

#: Titles that must survive CSV quoting: commas, quotes, a line break, an apostrophe.
AWKWARD_TITLES = (
    "Review, sign-off and next steps",
    'Workshop "Future state", part 2',
    "Follow-up:\nopen points from Monday",
    "O'Neill's budget review",
    'Kick-off; "phase 2" scope',
)

#: Titles that must never execute or evaluate when a report shows them.
HOSTILE_TITLES = (
    "<img src=x onerror=alert(1)>",
    '<script>alert("x")</script>',
    "'; DROP TABLE meetings; --",
    '=HYPERLINK("http://example.invalid","click me")',
    "{{ 7*7 }} ${7*7}",
)

COMMITMENT_TEXT = {
    "sales": (
        "Dashboards for every region in release 1",
        "Go-live before the peak season",
        "Senior architect on site three days a week",
        "Data migration of all historic orders included",
        "Training for all end users, on site",
        'Integration with the "legacy" ERP at no extra cost',
    ),
    "vendor": (
        "Send revised project plan",
        "Draft interface specification",
        "Prepare test scripts",
        "Share workshop minutes",
        "Fix reported defects, batch 2",
        "Update the RAID log",
    ),
    "client": (
        "Provide test data extract",
        "Nominate key users",
        "Approve process design",
        "Confirm budget for phase 2",
        "Grant system access to the team",
        "Sign off the data mapping",
    ),
}
