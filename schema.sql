-- grantbook schema.
--
-- This file is the whole schema and also the migration history: it is cut into sections, each
-- opened by a line `-- migration N: title`. A database records in `PRAGMA user_version` how many
-- sections it has run; on open, grantbook runs the sections above that number, in order, inside one
-- exclusive transaction. Sections are append-only: never edit or reorder one that has shipped;
-- change the schema by adding a section at the end.
--
-- Money is stored as INTEGER minor units of the row's currency (cents for USD, millimes for TND,
-- yen for JPY). SQLite sums integers exactly, so totals need no float and no Rust loop, and an
-- amount with more decimals than its currency has cannot be stored at all. Exchange rates and
-- percentages are not money: they are exact decimal TEXT, parsed into rust_decimal::Decimal.
-- Dates are ISO TEXT (YYYY-MM-DD), checked with `date(x) IS x`, which rejects 2021-02-30.

-- migration 1: the ledger

CREATE TABLE currency (
    code        TEXT PRIMARY KEY CHECK (code GLOB '[A-Z][A-Z][A-Z]'),
    minor_units INTEGER NOT NULL CHECK (minor_units BETWEEN 0 AND 4),
    name        TEXT NOT NULL
) STRICT;

INSERT INTO currency (code, minor_units, name) VALUES
    ('USD', 2, 'US dollar'), ('EUR', 2, 'Euro'), ('JPY', 0, 'Japanese yen'),
    ('GBP', 2, 'Pound sterling'), ('CHF', 2, 'Swiss franc'), ('MAD', 2, 'Moroccan dirham'),
    ('TND', 3, 'Tunisian dinar'), ('LYD', 3, 'Libyan dinar'), ('EGP', 2, 'Egyptian pound'),
    ('SDG', 2, 'Sudanese pound'), ('YER', 2, 'Yemeni rial'), ('SEK', 2, 'Swedish krona'),
    ('NOK', 2, 'Norwegian krone'), ('DKK', 2, 'Danish krone'), ('CAD', 2, 'Canadian dollar'),
    ('AUD', 2, 'Australian dollar'), ('KRW', 0, 'South Korean won'), ('JOD', 3, 'Jordanian dinar'),
    ('IQD', 3, 'Iraqi dinar'), ('KWD', 3, 'Kuwaiti dinar'), ('BHD', 3, 'Bahraini dinar'),
    ('OMR', 3, 'Omani rial'), ('SAR', 2, 'Saudi riyal'), ('AED', 2, 'UAE dirham'),
    ('QAR', 2, 'Qatari riyal'), ('TRY', 2, 'Turkish lira'), ('LBP', 2, 'Lebanese pound'),
    ('DZD', 2, 'Algerian dinar'), ('MRU', 2, 'Mauritanian ouguiya'), ('XOF', 0, 'West African CFA franc'),
    ('XAF', 0, 'Central African CFA franc'), ('ETB', 2, 'Ethiopian birr'), ('KES', 2, 'Kenyan shilling'),
    ('SOS', 2, 'Somali shilling'), ('DJF', 0, 'Djiboutian franc'), ('ERN', 2, 'Eritrean nakfa'),
    ('SSP', 2, 'South Sudanese pound'), ('NGN', 2, 'Nigerian naira'), ('GHS', 2, 'Ghanaian cedi');

CREATE TABLE country (
    code TEXT PRIMARY KEY CHECK (code GLOB '[A-Z][A-Z]'),
    name TEXT NOT NULL
) STRICT;

INSERT INTO country (code, name) VALUES
    ('AD', 'Andorra'), ('AE', 'United Arab Emirates'), ('AF', 'Afghanistan'),
    ('AG', 'Antigua and Barbuda'), ('AI', 'Anguilla'), ('AL', 'Albania'), ('AM', 'Armenia'),
    ('AO', 'Angola'), ('AQ', 'Antarctica'), ('AR', 'Argentina'), ('AS', 'American Samoa'),
    ('AT', 'Austria'), ('AU', 'Australia'), ('AW', 'Aruba'), ('AX', 'Åland Islands'),
    ('AZ', 'Azerbaijan'), ('BA', 'Bosnia and Herzegovina'), ('BB', 'Barbados'), ('BD', 'Bangladesh'),
    ('BE', 'Belgium'), ('BF', 'Burkina Faso'), ('BG', 'Bulgaria'), ('BH', 'Bahrain'),
    ('BI', 'Burundi'), ('BJ', 'Benin'), ('BL', 'Saint Barthélemy'), ('BM', 'Bermuda'),
    ('BN', 'Brunei Darussalam'), ('BO', 'Bolivia'), ('BQ', 'Bonaire, Sint Eustatius and Saba'),
    ('BR', 'Brazil'), ('BS', 'Bahamas'), ('BT', 'Bhutan'), ('BV', 'Bouvet Island'), ('BW', 'Botswana'),
    ('BY', 'Belarus'), ('BZ', 'Belize'), ('CA', 'Canada'), ('CC', 'Cocos (Keeling) Islands'),
    ('CD', 'Congo, The Democratic Republic of the'), ('CF', 'Central African Republic'),
    ('CG', 'Congo'), ('CH', 'Switzerland'), ('CI', 'Côte d''Ivoire'), ('CK', 'Cook Islands'),
    ('CL', 'Chile'), ('CM', 'Cameroon'), ('CN', 'China'), ('CO', 'Colombia'), ('CR', 'Costa Rica'),
    ('CU', 'Cuba'), ('CV', 'Cabo Verde'), ('CW', 'Curaçao'), ('CX', 'Christmas Island'),
    ('CY', 'Cyprus'), ('CZ', 'Czechia'), ('DE', 'Germany'), ('DJ', 'Djibouti'), ('DK', 'Denmark'),
    ('DM', 'Dominica'), ('DO', 'Dominican Republic'), ('DZ', 'Algeria'), ('EC', 'Ecuador'),
    ('EE', 'Estonia'), ('EG', 'Egypt'), ('EH', 'Western Sahara'), ('ER', 'Eritrea'), ('ES', 'Spain'),
    ('ET', 'Ethiopia'), ('FI', 'Finland'), ('FJ', 'Fiji'), ('FK', 'Falkland Islands (Malvinas)'),
    ('FM', 'Micronesia, Federated States of'), ('FO', 'Faroe Islands'), ('FR', 'France'),
    ('GA', 'Gabon'), ('GB', 'United Kingdom'), ('GD', 'Grenada'), ('GE', 'Georgia'),
    ('GF', 'French Guiana'), ('GG', 'Guernsey'), ('GH', 'Ghana'), ('GI', 'Gibraltar'),
    ('GL', 'Greenland'), ('GM', 'Gambia'), ('GN', 'Guinea'), ('GP', 'Guadeloupe'),
    ('GQ', 'Equatorial Guinea'), ('GR', 'Greece'),
    ('GS', 'South Georgia and the South Sandwich Islands'), ('GT', 'Guatemala'), ('GU', 'Guam'),
    ('GW', 'Guinea-Bissau'), ('GY', 'Guyana'), ('HK', 'Hong Kong'),
    ('HM', 'Heard Island and McDonald Islands'), ('HN', 'Honduras'), ('HR', 'Croatia'),
    ('HT', 'Haiti'), ('HU', 'Hungary'), ('ID', 'Indonesia'), ('IE', 'Ireland'), ('IL', 'Israel'),
    ('IM', 'Isle of Man'), ('IN', 'India'), ('IO', 'British Indian Ocean Territory'), ('IQ', 'Iraq'),
    ('IR', 'Iran'), ('IS', 'Iceland'), ('IT', 'Italy'), ('JE', 'Jersey'), ('JM', 'Jamaica'),
    ('JO', 'Jordan'), ('JP', 'Japan'), ('KE', 'Kenya'), ('KG', 'Kyrgyzstan'), ('KH', 'Cambodia'),
    ('KI', 'Kiribati'), ('KM', 'Comoros'), ('KN', 'Saint Kitts and Nevis'), ('KP', 'North Korea'),
    ('KR', 'South Korea'), ('KW', 'Kuwait'), ('KY', 'Cayman Islands'), ('KZ', 'Kazakhstan'),
    ('LA', 'Laos'), ('LB', 'Lebanon'), ('LC', 'Saint Lucia'), ('LI', 'Liechtenstein'),
    ('LK', 'Sri Lanka'), ('LR', 'Liberia'), ('LS', 'Lesotho'), ('LT', 'Lithuania'),
    ('LU', 'Luxembourg'), ('LV', 'Latvia'), ('LY', 'Libya'), ('MA', 'Morocco'), ('MC', 'Monaco'),
    ('MD', 'Moldova'), ('ME', 'Montenegro'), ('MF', 'Saint Martin (French part)'),
    ('MG', 'Madagascar'), ('MH', 'Marshall Islands'), ('MK', 'North Macedonia'), ('ML', 'Mali'),
    ('MM', 'Myanmar'), ('MN', 'Mongolia'), ('MO', 'Macao'), ('MP', 'Northern Mariana Islands'),
    ('MQ', 'Martinique'), ('MR', 'Mauritania'), ('MS', 'Montserrat'), ('MT', 'Malta'),
    ('MU', 'Mauritius'), ('MV', 'Maldives'), ('MW', 'Malawi'), ('MX', 'Mexico'), ('MY', 'Malaysia'),
    ('MZ', 'Mozambique'), ('NA', 'Namibia'), ('NC', 'New Caledonia'), ('NE', 'Niger'),
    ('NF', 'Norfolk Island'), ('NG', 'Nigeria'), ('NI', 'Nicaragua'), ('NL', 'Netherlands'),
    ('NO', 'Norway'), ('NP', 'Nepal'), ('NR', 'Nauru'), ('NU', 'Niue'), ('NZ', 'New Zealand'),
    ('OM', 'Oman'), ('PA', 'Panama'), ('PE', 'Peru'), ('PF', 'French Polynesia'),
    ('PG', 'Papua New Guinea'), ('PH', 'Philippines'), ('PK', 'Pakistan'), ('PL', 'Poland'),
    ('PM', 'Saint Pierre and Miquelon'), ('PN', 'Pitcairn'), ('PR', 'Puerto Rico'),
    ('PS', 'Palestine, State of'), ('PT', 'Portugal'), ('PW', 'Palau'), ('PY', 'Paraguay'),
    ('QA', 'Qatar'), ('RE', 'Réunion'), ('RO', 'Romania'), ('RS', 'Serbia'),
    ('RU', 'Russian Federation'), ('RW', 'Rwanda'), ('SA', 'Saudi Arabia'), ('SB', 'Solomon Islands'),
    ('SC', 'Seychelles'), ('SD', 'Sudan'), ('SE', 'Sweden'), ('SG', 'Singapore'),
    ('SH', 'Saint Helena, Ascension and Tristan da Cunha'), ('SI', 'Slovenia'),
    ('SJ', 'Svalbard and Jan Mayen'), ('SK', 'Slovakia'), ('SL', 'Sierra Leone'), ('SM', 'San Marino'),
    ('SN', 'Senegal'), ('SO', 'Somalia'), ('SR', 'Suriname'), ('SS', 'South Sudan'),
    ('ST', 'Sao Tome and Principe'), ('SV', 'El Salvador'), ('SX', 'Sint Maarten (Dutch part)'),
    ('SY', 'Syria'), ('SZ', 'Eswatini'), ('TC', 'Turks and Caicos Islands'), ('TD', 'Chad'),
    ('TF', 'French Southern Territories'), ('TG', 'Togo'), ('TH', 'Thailand'), ('TJ', 'Tajikistan'),
    ('TK', 'Tokelau'), ('TL', 'Timor-Leste'), ('TM', 'Turkmenistan'), ('TN', 'Tunisia'),
    ('TO', 'Tonga'), ('TR', 'Türkiye'), ('TT', 'Trinidad and Tobago'), ('TV', 'Tuvalu'),
    ('TW', 'Taiwan'), ('TZ', 'Tanzania'), ('UA', 'Ukraine'), ('UG', 'Uganda'),
    ('UM', 'United States Minor Outlying Islands'), ('US', 'United States'), ('UY', 'Uruguay'),
    ('UZ', 'Uzbekistan'), ('VA', 'Holy See (Vatican City State)'),
    ('VC', 'Saint Vincent and the Grenadines'), ('VE', 'Venezuela'), ('VG', 'Virgin Islands, British'),
    ('VI', 'Virgin Islands, U.S.'), ('VN', 'Vietnam'), ('VU', 'Vanuatu'), ('WF', 'Wallis and Futuna'),
    ('WS', 'Samoa'), ('YE', 'Yemen'), ('YT', 'Mayotte'), ('ZA', 'South Africa'), ('ZM', 'Zambia'),
    ('ZW', 'Zimbabwe');

CREATE TABLE donor (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 60),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind       TEXT NOT NULL
               CHECK (kind IN ('government', 'multilateral', 'foundation', 'private', 'other')),
    country    TEXT REFERENCES country (code)
) STRICT;

CREATE TABLE project (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 60),
    title        TEXT NOT NULL CHECK (length(trim(title)) > 0),
    organisation TEXT NOT NULL CHECK (length(trim(organisation)) > 0),
    start_date   TEXT NOT NULL CHECK (date(start_date) IS start_date),
    end_date     TEXT NOT NULL CHECK (date(end_date) IS end_date),
    status       TEXT NOT NULL CHECK (status IN ('pipeline', 'implementation', 'finalisation',
                                                 'closed', 'cancelled', 'suspended')),
    CHECK (end_date >= start_date)
) STRICT;

CREATE TABLE project_country (
    project_id INTEGER NOT NULL REFERENCES project (id),
    country    TEXT NOT NULL REFERENCES country (code),
    PRIMARY KEY (project_id, country)
) STRICT, WITHOUT ROWID;

-- `grant` is an SQL keyword, hence the longer name.
CREATE TABLE grant_agreement (
    id            INTEGER PRIMARY KEY,
    reference     TEXT NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 60),
    donor_id      INTEGER NOT NULL REFERENCES donor (id),
    project_id    INTEGER NOT NULL REFERENCES project (id),
    currency      TEXT NOT NULL REFERENCES currency (code),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    start_date    TEXT NOT NULL CHECK (date(start_date) IS start_date),
    -- The end date in force. The agreement's original end and every no-cost extension are kept
    -- in grant_extension, so this column is never the only record of a date.
    end_date      TEXT NOT NULL CHECK (date(end_date) IS end_date),
    -- Percentage as exact decimal text, e.g. '7' or '6.5'.
    indirect_rate TEXT NOT NULL CHECK (indirect_rate GLOB '[0-9]*'
                                       AND indirect_rate NOT GLOB '*[^0-9.]*'
                                       AND indirect_rate NOT GLOB '*.*.*'),
    status        TEXT NOT NULL CHECK (status IN ('active', 'closed', 'suspended')),
    CHECK (end_date >= start_date)
) STRICT;

CREATE TABLE grant_extension (
    id          INTEGER PRIMARY KEY,
    grant_id    INTEGER NOT NULL REFERENCES grant_agreement (id),
    previous_end TEXT NOT NULL CHECK (date(previous_end) IS previous_end),
    new_end     TEXT NOT NULL CHECK (date(new_end) IS new_end),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    recorded_at TEXT NOT NULL,
    CHECK (new_end > previous_end)
) STRICT;

-- A budget line keeps its identity (code, name, category) across revisions; its amount belongs
-- to a revision. The composite keys let the schema itself refuse a line or a revision of another
-- grant.
CREATE TABLE budget_line (
    id       INTEGER PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES grant_agreement (id),
    code     TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 60),
    name     TEXT NOT NULL CHECK (length(trim(name)) > 0),
    category TEXT NOT NULL CHECK (category IN ('staff', 'activities', 'training', 'equipment',
                                               'travel', 'indirect', 'other')),
    UNIQUE (grant_id, code),
    UNIQUE (id, grant_id)
) STRICT;

CREATE TABLE budget_revision (
    id             INTEGER PRIMARY KEY,
    grant_id       INTEGER NOT NULL REFERENCES grant_agreement (id),
    number         INTEGER NOT NULL CHECK (number >= 1),
    effective_date TEXT NOT NULL CHECK (date(effective_date) IS effective_date),
    reason         TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    recorded_at    TEXT NOT NULL,
    UNIQUE (grant_id, number),
    UNIQUE (id, grant_id)
) STRICT;

CREATE TABLE budget_amount (
    revision_id  INTEGER NOT NULL,
    line_id      INTEGER NOT NULL,
    grant_id     INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    PRIMARY KEY (revision_id, line_id),
    FOREIGN KEY (revision_id, grant_id) REFERENCES budget_revision (id, grant_id),
    FOREIGN KEY (line_id, grant_id) REFERENCES budget_line (id, grant_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE period (
    id         INTEGER PRIMARY KEY,
    grant_id   INTEGER NOT NULL REFERENCES grant_agreement (id),
    code       TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 60),
    start_date TEXT NOT NULL CHECK (date(start_date) IS start_date),
    end_date   TEXT NOT NULL CHECK (date(end_date) IS end_date),
    status     TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    UNIQUE (grant_id, code),
    CHECK (end_date >= start_date)
) STRICT;

CREATE TRIGGER period_no_overlap BEFORE INSERT ON period
WHEN EXISTS (SELECT 1 FROM period p WHERE p.grant_id = NEW.grant_id
             AND p.start_date <= NEW.end_date AND NEW.start_date <= p.end_date)
BEGIN
    SELECT RAISE(ABORT, 'period overlaps another period of the same grant');
END;

-- One row says: 1 unit of `base` = `rate` units of `quote`, from `valid_from` until the next
-- row of the same pair.
CREATE TABLE fx_rate (
    id         INTEGER PRIMARY KEY,
    base       TEXT NOT NULL REFERENCES currency (code),
    quote      TEXT NOT NULL REFERENCES currency (code),
    valid_from TEXT NOT NULL CHECK (date(valid_from) IS valid_from),
    rate       TEXT NOT NULL CHECK (rate GLOB '[0-9]*' AND rate NOT GLOB '*[^0-9.]*'
                                    AND rate NOT GLOB '*.*.*' AND rate GLOB '*[1-9]*'),
    source     TEXT NOT NULL DEFAULT '',
    UNIQUE (base, quote, valid_from),
    CHECK (base <> quote)
) STRICT;

-- A tranche received from the donor (IATI transaction type 1), in the grant's currency.
CREATE TABLE receipt (
    id           INTEGER PRIMARY KEY,
    grant_id     INTEGER NOT NULL REFERENCES grant_agreement (id),
    date         TEXT NOT NULL CHECK (date(date) IS date),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    reference    TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT ''
) STRICT;

-- Money paid out of a grant (IATI type 4 expenditure, or type 3 disbursement to a partner).
-- The quote used for conversion is stored with the row (fx_base, fx_quote, fx_rate), so the
-- converted amount can always be recomputed and a later rate change never rewrites history.
CREATE TABLE expense (
    id                 INTEGER PRIMARY KEY,
    grant_id           INTEGER NOT NULL REFERENCES grant_agreement (id),
    line_id            INTEGER NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('expenditure', 'disbursement')),
    date               TEXT NOT NULL CHECK (date(date) IS date),
    currency           TEXT NOT NULL REFERENCES currency (code),
    amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
    fx_base            TEXT REFERENCES currency (code),
    fx_quote           TEXT REFERENCES currency (code),
    fx_rate            TEXT CHECK (fx_rate IS NULL OR (fx_rate GLOB '[0-9]*'
                                   AND fx_rate NOT GLOB '*[^0-9.]*' AND fx_rate GLOB '*[1-9]*')),
    grant_amount_minor INTEGER NOT NULL CHECK (grant_amount_minor > 0),
    payee              TEXT NOT NULL CHECK (length(trim(payee)) > 0),
    voucher            TEXT NOT NULL CHECK (length(trim(voucher)) > 0),
    country            TEXT NOT NULL REFERENCES country (code),
    description        TEXT NOT NULL DEFAULT '',
    recorded_at        TEXT NOT NULL,
    voided_at          TEXT,
    void_reason        TEXT,
    UNIQUE (grant_id, voucher),
    FOREIGN KEY (line_id, grant_id) REFERENCES budget_line (id, grant_id),
    CHECK ((fx_base IS NULL) = (fx_rate IS NULL) AND (fx_quote IS NULL) = (fx_rate IS NULL)),
    CHECK ((voided_at IS NULL) = (void_reason IS NULL))
) STRICT;

-- Closed periods refuse expenses even if a caller forgets to ask (grantbook itself checks first
-- to name the period in its message).
CREATE TRIGGER expense_not_in_closed_period BEFORE INSERT ON expense
WHEN EXISTS (SELECT 1 FROM period p WHERE p.grant_id = NEW.grant_id AND p.status = 'closed'
             AND NEW.date BETWEEN p.start_date AND p.end_date)
BEGIN
    SELECT RAISE(ABORT, 'expense dated inside a closed period');
END;

CREATE TRIGGER expense_never_deleted BEFORE DELETE ON expense
BEGIN
    SELECT RAISE(ABORT, 'expenses are never deleted: void them with a reason');
END;

-- The only change an expense accepts is being voided, once.
CREATE TRIGGER expense_only_voided BEFORE UPDATE ON expense
WHEN OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.grant_id IS NOT OLD.grant_id OR NEW.line_id IS NOT OLD.line_id
  OR NEW.kind IS NOT OLD.kind OR NEW.date IS NOT OLD.date OR NEW.currency IS NOT OLD.currency
  OR NEW.amount_minor IS NOT OLD.amount_minor OR NEW.fx_rate IS NOT OLD.fx_rate
  OR NEW.fx_base IS NOT OLD.fx_base OR NEW.fx_quote IS NOT OLD.fx_quote
  OR NEW.grant_amount_minor IS NOT OLD.grant_amount_minor OR NEW.payee IS NOT OLD.payee
  OR NEW.voucher IS NOT OLD.voucher OR NEW.country IS NOT OLD.country
  OR NEW.description IS NOT OLD.description OR NEW.recorded_at IS NOT OLD.recorded_at
BEGIN
    SELECT RAISE(ABORT, 'an expense can only be voided, once; record a new expense instead');
END;

-- Every change: when (UTC), who (the OS user), what, and the values before and after as JSON.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before     TEXT,
    after      TEXT
) STRICT;

-- migration 2: indexes for listings and reports, and an append-only audit log

CREATE INDEX expense_by_grant_date ON expense (grant_id, date);
CREATE INDEX expense_by_line ON expense (line_id);
CREATE INDEX receipt_by_grant ON receipt (grant_id, date);
CREATE INDEX budget_amount_by_line ON budget_amount (line_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- migration 3: spend by grant, line and date read from one index

-- Every report sums non-void spend of one grant by line and date range. This partial index holds
-- exactly those rows with the columns the sums read, so a report never touches the expense table
-- itself: on a million expenses `report burn` over 50 grants reads the index alone.
CREATE INDEX expense_spend ON expense (grant_id, line_id, date, grant_amount_minor)
    WHERE voided_at IS NULL;

-- migration 4: two expense indexes fewer, for bulk imports

-- Every index costs each imported row a B-tree descent: on 1,000,000 expenses the four indexes
-- made SQLite alone take 14 s. Nothing needs these two any more: reports read expense_spend,
-- listings by grant the (grant_id, voucher) key, and budget lines are never deleted, so no
-- foreign-key check looks up expenses by line.
DROP INDEX expense_by_grant_date;
DROP INDEX expense_by_line;

-- migration 5: a hash chain over the audit log

-- Every entry carries a seal: the SHA-256 of the previous entry's seal and of its own content
-- (src/domain/seal.rs). An entry changed, removed or reordered behind grantbook's back (with
-- the sqlite3 shell, say) breaks the chain there, and `grantbook audit verify` and
-- `grantbook check` name it. Opening an older database seals its existing entries in order.
ALTER TABLE audit_log ADD COLUMN seal TEXT
    CHECK (seal IS NULL OR (length(seal) = 64 AND seal NOT GLOB '*[^0-9a-f]*'));

-- The one change an entry accepts is being sealed, once, by this migration.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.seal IS NOT NULL OR NEW.seal IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
  OR NEW.action IS NOT OLD.action OR NEW.entity IS NOT OLD.entity
  OR NEW.entity_key IS NOT OLD.entity_key OR NEW.before IS NOT OLD.before
  OR NEW.after IS NOT OLD.after
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_sealed BEFORE INSERT ON audit_log
WHEN NEW.seal IS NULL
BEGIN
    SELECT RAISE(ABORT, 'an audit entry must be sealed when it is written');
END;

-- migration 6: refunds, corrections, receipt voids and dated amendments

-- A refund or credit note is an entry of its own, kind 'refund', with a positive amount: money
-- that came back on the day it came back, so the period it is dated in nets it and a closed
-- period stays as it was filed. `spend_minor` is the one signed figure every sum of spend reads
-- (a refund counts negative), so no query can forget the sign. `refund_of` links a refund to the
-- expense it reverses; `corrects` links a corrected entry to the voided one it replaces, which
-- keeps its voucher: a voucher is unique among a grant's live entries only (`live_key` is 0 for
-- a live entry and the entry's own id once voided). `fx_source` says whether the stored quote
-- came from the rate table ('stored'), was typed ('given'), or is the quote of the expense a
-- refund reverses ('reversed'); NULL when nothing was converted or the entry predates this
-- migration.
--
-- SQLite cannot change a CHECK or a UNIQUE constraint in place, so the table is rebuilt with the
-- same rows and ids; its triggers and index are dropped first and made again after.

DROP TRIGGER expense_not_in_closed_period;
DROP TRIGGER expense_never_deleted;
DROP TRIGGER expense_only_voided;
DROP INDEX expense_spend;

CREATE TABLE expense_v6 (
    id                 INTEGER PRIMARY KEY,
    grant_id           INTEGER NOT NULL REFERENCES grant_agreement (id),
    line_id            INTEGER NOT NULL,
    -- Written as ORs, not IN: SQLite builds a temporary table per row for an IN list of three
    -- or more, which made a million-row import take 1.85 times as long.
    kind               TEXT NOT NULL CHECK (kind = 'expenditure' OR kind = 'disbursement'
                                            OR kind = 'refund'),
    date               TEXT NOT NULL CHECK (date(date) IS date),
    currency           TEXT NOT NULL REFERENCES currency (code),
    amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
    fx_base            TEXT REFERENCES currency (code),
    fx_quote           TEXT REFERENCES currency (code),
    fx_rate            TEXT CHECK (fx_rate IS NULL OR (fx_rate GLOB '[0-9]*'
                                   AND fx_rate NOT GLOB '*[^0-9.]*' AND fx_rate GLOB '*[1-9]*')),
    grant_amount_minor INTEGER NOT NULL CHECK (grant_amount_minor > 0),
    payee              TEXT NOT NULL CHECK (length(trim(payee)) > 0),
    voucher            TEXT NOT NULL CHECK (length(trim(voucher)) > 0),
    country            TEXT NOT NULL REFERENCES country (code),
    description        TEXT NOT NULL DEFAULT '',
    recorded_at        TEXT NOT NULL,
    voided_at          TEXT,
    void_reason        TEXT,
    refund_of          INTEGER REFERENCES expense (id),
    corrects           INTEGER REFERENCES expense (id),
    fx_source          TEXT CHECK (fx_source = 'stored' OR fx_source = 'given'
                                   OR fx_source = 'reversed'),
    live_key           INTEGER GENERATED ALWAYS AS (CASE WHEN voided_at IS NULL THEN 0 ELSE id END)
                       VIRTUAL,
    spend_minor        INTEGER GENERATED ALWAYS AS (CASE kind WHEN 'refund' THEN -grant_amount_minor
                                                    ELSE grant_amount_minor END) VIRTUAL,
    UNIQUE (grant_id, voucher, live_key),
    FOREIGN KEY (line_id, grant_id) REFERENCES budget_line (id, grant_id),
    CHECK ((fx_base IS NULL) = (fx_rate IS NULL) AND (fx_quote IS NULL) = (fx_rate IS NULL)),
    CHECK ((voided_at IS NULL) = (void_reason IS NULL)),
    CHECK (refund_of IS NULL OR kind = 'refund'),
    CHECK (fx_source IS NULL OR fx_rate IS NOT NULL)
) STRICT;

INSERT INTO expense_v6 (id, grant_id, line_id, kind, date, currency, amount_minor, fx_base,
                        fx_quote, fx_rate, grant_amount_minor, payee, voucher, country,
                        description, recorded_at, voided_at, void_reason)
SELECT id, grant_id, line_id, kind, date, currency, amount_minor, fx_base, fx_quote, fx_rate,
       grant_amount_minor, payee, voucher, country, description, recorded_at, voided_at,
       void_reason
FROM expense ORDER BY id;

DROP TABLE expense;
ALTER TABLE expense_v6 RENAME TO expense;

CREATE INDEX expense_spend ON expense (grant_id, line_id, date, spend_minor)
    WHERE voided_at IS NULL;

-- What has come back of an expense, and what corrected it: partial, so the rows without a link
-- (nearly all) cost an import nothing.
CREATE INDEX expense_refunds ON expense (refund_of) WHERE refund_of IS NOT NULL;
CREATE INDEX expense_corrections ON expense (corrects) WHERE corrects IS NOT NULL;

CREATE TRIGGER expense_not_in_closed_period BEFORE INSERT ON expense
WHEN EXISTS (SELECT 1 FROM period p WHERE p.grant_id = NEW.grant_id AND p.status = 'closed'
             AND NEW.date BETWEEN p.start_date AND p.end_date)
BEGIN
    SELECT RAISE(ABORT, 'expense dated inside a closed period');
END;

CREATE TRIGGER expense_never_deleted BEFORE DELETE ON expense
BEGIN
    SELECT RAISE(ABORT, 'expenses are never deleted: void them with a reason');
END;

CREATE TRIGGER expense_only_voided BEFORE UPDATE ON expense
WHEN OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.grant_id IS NOT OLD.grant_id OR NEW.line_id IS NOT OLD.line_id
  OR NEW.kind IS NOT OLD.kind OR NEW.date IS NOT OLD.date OR NEW.currency IS NOT OLD.currency
  OR NEW.amount_minor IS NOT OLD.amount_minor OR NEW.fx_rate IS NOT OLD.fx_rate
  OR NEW.fx_base IS NOT OLD.fx_base OR NEW.fx_quote IS NOT OLD.fx_quote
  OR NEW.grant_amount_minor IS NOT OLD.grant_amount_minor OR NEW.payee IS NOT OLD.payee
  OR NEW.voucher IS NOT OLD.voucher OR NEW.country IS NOT OLD.country
  OR NEW.description IS NOT OLD.description OR NEW.recorded_at IS NOT OLD.recorded_at
  OR NEW.refund_of IS NOT OLD.refund_of OR NEW.corrects IS NOT OLD.corrects
  OR NEW.fx_source IS NOT OLD.fx_source
BEGIN
    SELECT RAISE(ABORT, 'an expense can only be voided, once; record a new expense instead');
END;

-- A refund reverses an expense of its own grant, never another refund.
CREATE TRIGGER expense_refund_of_own_grant BEFORE INSERT ON expense
WHEN NEW.refund_of IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM expense o WHERE o.id = NEW.refund_of AND o.grant_id = NEW.grant_id
    AND o.kind <> 'refund')
BEGIN
    SELECT RAISE(ABORT, 'a refund must reverse an expense of the same grant');
END;

-- A receipt recorded by mistake is voided with a reason, like an expense, and never deleted.
ALTER TABLE receipt ADD COLUMN voided_at TEXT;
ALTER TABLE receipt ADD COLUMN void_reason TEXT;

CREATE TRIGGER receipt_never_deleted BEFORE DELETE ON receipt
BEGIN
    SELECT RAISE(ABORT, 'receipts are never deleted: void them with a reason');
END;

CREATE TRIGGER receipt_only_voided BEFORE UPDATE ON receipt
WHEN OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL OR NEW.void_reason IS NULL
  OR length(trim(NEW.void_reason)) = 0
  OR NEW.id IS NOT OLD.id OR NEW.grant_id IS NOT OLD.grant_id OR NEW.date IS NOT OLD.date
  OR NEW.amount_minor IS NOT OLD.amount_minor OR NEW.reference IS NOT OLD.reference
  OR NEW.description IS NOT OLD.description
BEGIN
    SELECT RAISE(ABORT, 'a receipt can only be voided, once, with a reason');
END;

-- The donor's own reference for the agreement (their contract or grant number).
ALTER TABLE grant_agreement ADD COLUMN donor_reference TEXT NOT NULL DEFAULT '';

-- When a no-cost extension was decided. A report as of an earlier day uses the end before it,
-- so a closed period's report printed again later is the report that was filed. NULL for
-- extensions recorded before this migration: those count from the grant's start, as they did.
ALTER TABLE grant_extension ADD COLUMN decided_on TEXT
    CHECK (decided_on IS NULL OR date(decided_on) IS decided_on);

-- A dated change to a donor, project or grant. The entity's own row holds the value in force
-- now; each amendment keeps the value before and after, so the entity as it stood on any day
-- is its row with the later amendments undone, newest first.
CREATE TABLE amendment (
    id             INTEGER PRIMARY KEY,
    entity         TEXT NOT NULL CHECK (entity IN ('donor', 'project', 'grant')),
    entity_id      INTEGER NOT NULL,
    field          TEXT NOT NULL CHECK (length(field) > 0),
    effective_date TEXT NOT NULL CHECK (date(effective_date) IS effective_date),
    before         TEXT NOT NULL,
    after          TEXT NOT NULL,
    reason         TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    recorded_at    TEXT NOT NULL,
    CHECK (before IS NOT after)
) STRICT;

CREATE INDEX amendment_by_entity ON amendment (entity, entity_id, effective_date);

CREATE TRIGGER amendment_no_update BEFORE UPDATE ON amendment
BEGIN
    SELECT RAISE(ABORT, 'amendments are never changed: record another one');
END;

CREATE TRIGGER amendment_no_delete BEFORE DELETE ON amendment
BEGIN
    SELECT RAISE(ABORT, 'amendments are never deleted: record another one');
END;

-- migration 7: a receipt's reference is its key within its grant

-- A tranche is known by the bank's or donor's reference: among a grant's live receipts (not
-- voided) a reference is held once, so a receipts file imported twice cannot record the money
-- twice. An empty reference is no key. A receipt voided gives its reference up.
--
-- A UNIQUE index would make this migration fail on a ledger that already holds such a pair
-- (before this section nothing refused one), leaving it unopenable. So the rule is a trigger on
-- new receipts, which every ledger takes; pairs recorded before it stay as they are, and
-- `grantbook check` names them (receipt_references) until one of each is voided. A receipt is
-- only ever changed by voiding it, which frees a reference and cannot make a pair. The index
-- serves the trigger and grantbook's own lookup of who holds a reference.
CREATE INDEX receipt_reference ON receipt (grant_id, reference)
    WHERE voided_at IS NULL AND reference <> '';

CREATE TRIGGER receipt_reference_held_once BEFORE INSERT ON receipt
WHEN NEW.voided_at IS NULL AND NEW.reference <> '' AND EXISTS (
    SELECT 1 FROM receipt r WHERE r.grant_id = NEW.grant_id AND r.reference = NEW.reference
    AND r.voided_at IS NULL AND r.reference <> '')
BEGIN
    SELECT RAISE(ABORT, 'a live receipt of this grant already holds that reference');
END;

-- migration 8: offices, and the office that recorded each entry

-- The offices a project works from (a country office, a sub-office). Once a project has any,
-- every expense and receipt recorded on its grants carries the office of the officer who
-- recorded it (grantbook checks it is one of the project's); entries from before, and those of
-- a ledger without offices, have none. The code is what officers set (GRANTBOOK_OFFICE) and
-- what listings and reports filter and group by.
CREATE TABLE office (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES project (id),
    code       TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 40
                                    AND code NOT GLOB '*[^A-Z0-9-]*'),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    country    TEXT NOT NULL REFERENCES country (code),
    UNIQUE (project_id, code)
);

ALTER TABLE expense ADD COLUMN office TEXT;
ALTER TABLE receipt ADD COLUMN office TEXT;

CREATE INDEX expense_by_office ON expense (grant_id, office) WHERE office IS NOT NULL;

-- migration 9: partner advances, commitments and shared costs

-- Cash advanced to an implementing partner (the UN FACE cycle). It is not spend: the expenses
-- the partner reports liquidate it (expense.advance_id, in the advance's currency, converted at
-- the advance's rate), and what it did not spend comes back (advance_return). Outstanding =
-- advanced - liquidated - returned, in the advance's currency, never below zero. A reference is
-- an advance's key among its grant's live advances.
CREATE TABLE advance (
    id                 INTEGER PRIMARY KEY,
    grant_id           INTEGER NOT NULL REFERENCES grant_agreement (id),
    partner            TEXT NOT NULL CHECK (length(trim(partner)) > 0),
    reference          TEXT NOT NULL CHECK (length(trim(reference)) > 0),
    date               TEXT NOT NULL CHECK (date(date) IS date),
    currency           TEXT NOT NULL REFERENCES currency (code),
    amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
    fx_base            TEXT REFERENCES currency (code),
    fx_quote           TEXT REFERENCES currency (code),
    fx_rate            TEXT CHECK (fx_rate IS NULL OR (fx_rate GLOB '[0-9]*'
                                   AND fx_rate NOT GLOB '*[^0-9.]*' AND fx_rate GLOB '*[1-9]*')),
    grant_amount_minor INTEGER NOT NULL CHECK (grant_amount_minor > 0),
    description        TEXT NOT NULL DEFAULT '',
    office             TEXT,
    recorded_at        TEXT NOT NULL,
    voided_at          TEXT,
    void_reason        TEXT,
    CHECK ((fx_base IS NULL) = (fx_rate IS NULL) AND (fx_quote IS NULL) = (fx_rate IS NULL)),
    CHECK ((voided_at IS NULL) = (void_reason IS NULL))
) STRICT;

CREATE UNIQUE INDEX advance_reference ON advance (grant_id, reference) WHERE voided_at IS NULL;

-- What a partner gave back of an advance, in the advance's currency.
CREATE TABLE advance_return (
    id           INTEGER PRIMARY KEY,
    advance_id   INTEGER NOT NULL REFERENCES advance (id),
    date         TEXT NOT NULL CHECK (date(date) IS date),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    reference    TEXT NOT NULL DEFAULT '',
    office       TEXT,
    recorded_at  TEXT NOT NULL
) STRICT;

CREATE INDEX advance_return_by_advance ON advance_return (advance_id);

-- A signed contract or purchase order on a budget line: money the line can no longer spend.
-- The expenses that pay it name it (expense.commitment_id, in its currency); open = committed -
-- paid until it is closed, and nothing once closed. `over_commit_reason` is why it was accepted
-- beyond what its line had available.
CREATE TABLE commitment (
    id                 INTEGER PRIMARY KEY,
    grant_id           INTEGER NOT NULL REFERENCES grant_agreement (id),
    line_id            INTEGER NOT NULL,
    vendor             TEXT NOT NULL CHECK (length(trim(vendor)) > 0),
    reference          TEXT NOT NULL CHECK (length(trim(reference)) > 0),
    date               TEXT NOT NULL CHECK (date(date) IS date),
    currency           TEXT NOT NULL REFERENCES currency (code),
    amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
    fx_base            TEXT REFERENCES currency (code),
    fx_quote           TEXT REFERENCES currency (code),
    fx_rate            TEXT CHECK (fx_rate IS NULL OR (fx_rate GLOB '[0-9]*'
                                   AND fx_rate NOT GLOB '*[^0-9.]*' AND fx_rate GLOB '*[1-9]*')),
    grant_amount_minor INTEGER NOT NULL CHECK (grant_amount_minor > 0),
    description        TEXT NOT NULL DEFAULT '',
    over_commit_reason TEXT,
    office             TEXT,
    recorded_at        TEXT NOT NULL,
    closed_on          TEXT CHECK (closed_on IS NULL OR date(closed_on) IS closed_on),
    close_reason       TEXT,
    FOREIGN KEY (line_id, grant_id) REFERENCES budget_line (id, grant_id),
    CHECK ((fx_base IS NULL) = (fx_rate IS NULL) AND (fx_quote IS NULL) = (fx_rate IS NULL)),
    CHECK (closed_on IS NULL OR closed_on >= date)
) STRICT;

CREATE UNIQUE INDEX commitment_reference ON commitment (grant_id, reference);

-- A shared cost's key: which grants and lines carry what share of it, from a date. A version is
-- every share with the same valid_from; its percentages add up to exactly 100 (grantbook checks
-- before it writes one).
CREATE TABLE allocation_key (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40
                                     AND code NOT GLOB '*[^A-Z0-9_-]*'),
    name TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE allocation_share (
    id         INTEGER PRIMARY KEY,
    key_id     INTEGER NOT NULL REFERENCES allocation_key (id),
    valid_from TEXT NOT NULL CHECK (date(valid_from) IS valid_from),
    grant_id   INTEGER NOT NULL REFERENCES grant_agreement (id),
    line_id    INTEGER NOT NULL,
    percent    TEXT NOT NULL CHECK (percent GLOB '[0-9]*' AND percent NOT GLOB '*[^0-9.]*'),
    FOREIGN KEY (line_id, grant_id) REFERENCES budget_line (id, grant_id),
    UNIQUE (key_id, valid_from, grant_id, line_id)
) STRICT;

-- One voucher paid for several grants: its parts are expenses naming it (expense.allocation_id),
-- split by the key in force on its date, in the currency paid, adding up to it to the last cent.
CREATE TABLE allocated_payment (
    id           INTEGER PRIMARY KEY,
    key_id       INTEGER NOT NULL REFERENCES allocation_key (id),
    key_from     TEXT NOT NULL,
    voucher      TEXT NOT NULL CHECK (length(trim(voucher)) > 0),
    date         TEXT NOT NULL CHECK (date(date) IS date),
    currency     TEXT NOT NULL REFERENCES currency (code),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    recorded_at  TEXT NOT NULL
) STRICT;

ALTER TABLE expense ADD COLUMN advance_id INTEGER REFERENCES advance (id);
ALTER TABLE expense ADD COLUMN commitment_id INTEGER REFERENCES commitment (id);
ALTER TABLE expense ADD COLUMN allocation_id INTEGER REFERENCES allocated_payment (id);

CREATE INDEX expense_by_advance ON expense (advance_id) WHERE advance_id IS NOT NULL;
CREATE INDEX expense_by_commitment ON expense (commitment_id) WHERE commitment_id IS NOT NULL;
CREATE INDEX expense_by_allocation ON expense (allocation_id) WHERE allocation_id IS NOT NULL;

-- An expense still only changes by being voided: the office and the new links are frozen too.
DROP TRIGGER expense_only_voided;

CREATE TRIGGER expense_only_voided BEFORE UPDATE ON expense
WHEN OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.grant_id IS NOT OLD.grant_id OR NEW.line_id IS NOT OLD.line_id
  OR NEW.kind IS NOT OLD.kind OR NEW.date IS NOT OLD.date OR NEW.currency IS NOT OLD.currency
  OR NEW.amount_minor IS NOT OLD.amount_minor OR NEW.fx_rate IS NOT OLD.fx_rate
  OR NEW.fx_base IS NOT OLD.fx_base OR NEW.fx_quote IS NOT OLD.fx_quote
  OR NEW.grant_amount_minor IS NOT OLD.grant_amount_minor OR NEW.payee IS NOT OLD.payee
  OR NEW.voucher IS NOT OLD.voucher OR NEW.country IS NOT OLD.country
  OR NEW.description IS NOT OLD.description OR NEW.recorded_at IS NOT OLD.recorded_at
  OR NEW.refund_of IS NOT OLD.refund_of OR NEW.corrects IS NOT OLD.corrects
  OR NEW.fx_source IS NOT OLD.fx_source OR NEW.office IS NOT OLD.office
  OR NEW.advance_id IS NOT OLD.advance_id OR NEW.commitment_id IS NOT OLD.commitment_id
  OR NEW.allocation_id IS NOT OLD.allocation_id
BEGIN
    SELECT RAISE(ABORT, 'an expense can only be voided, once; record a new expense instead');
END;

-- migration 10: publishing to IATI: registered organisations, sectors, donors' defaults

-- An organisation as projects and payees name it, and what IATI publishes of it: its
-- registered identifier (iati_id, e.g. XM-DAC-47066: a registration agency's code, then the
-- number it gave), its OrganisationType and where to reach it. A project's organisation must be
-- here with an iati_id before its grants can be published: it reports them. A payee of exactly
-- this name is an organisation (a partner, a supplier), which `export iati --name-organisations`
-- may name as a transaction's receiver; a payee not here (staff, consultants, beneficiaries) is
-- never named. Codes are checked against the IATI codelists when set.
CREATE TABLE organisation (
    name      TEXT PRIMARY KEY CHECK (length(trim(name)) > 0),
    iati_id   TEXT CHECK (iati_id IS NULL OR (length(iati_id) BETWEEN 4 AND 100
                                             AND iati_id NOT GLOB '*[/&|? ]*')),
    org_type  TEXT NOT NULL CHECK (length(org_type) = 2 AND org_type NOT GLOB '*[^0-9]*'),
    email     TEXT NOT NULL DEFAULT '',
    telephone TEXT NOT NULL DEFAULT '',
    website   TEXT NOT NULL DEFAULT '',
    address   TEXT NOT NULL DEFAULT ''
) STRICT;

-- A donor's registered identifier and the defaults its activities are published with
-- (AidType, FinanceType, FlowType, CollaborationType codes). Settings as they stand now: a
-- file is published as of today, so they are not dated like amendments.
CREATE TABLE donor_publishing (
    donor_id           INTEGER PRIMARY KEY REFERENCES donor (id),
    iati_id            TEXT CHECK (iati_id IS NULL OR (length(iati_id) BETWEEN 4 AND 100
                                                      AND iati_id NOT GLOB '*[/&|? ]*')),
    aid_type           TEXT,
    finance_type       TEXT,
    flow_type          TEXT,
    collaboration_type TEXT
) STRICT;

-- A project's ActivityScope code and humanitarian flag, when known.
CREATE TABLE project_publishing (
    project_id   INTEGER PRIMARY KEY REFERENCES project (id),
    scope        TEXT,
    humanitarian INTEGER CHECK (humanitarian IN (0, 1))
) STRICT;

-- A project's DAC 5-digit sectors, each with its share in hundredths of a percent; a project's
-- shares add up to 100 % (grantbook writes a project's sectors together, in one transaction).
CREATE TABLE project_sector (
    project_id INTEGER NOT NULL REFERENCES project (id),
    code       TEXT NOT NULL CHECK (length(code) = 5 AND code NOT GLOB '*[^0-9]*'),
    share      INTEGER NOT NULL CHECK (share BETWEEN 1 AND 10000),
    PRIMARY KEY (project_id, code)
) STRICT;

-- The donor's own IATI activity identifier for a grant, when the donor publishes one: incoming
-- funds name it as their provider-activity-id.
CREATE TABLE grant_publishing (
    grant_id          INTEGER PRIMARY KEY REFERENCES grant_agreement (id),
    donor_activity_id TEXT NOT NULL CHECK (length(trim(donor_activity_id)) > 0)
) STRICT;

-- migration 11: donor rules and the reporting calendar

-- A donor's rules for its grants, and a grant's own where its agreement says otherwise: a field
-- a grant's row leaves NULL is its donor's. reallocation_limit is the percentage a budget
-- revision may move without the donor's approval, cumulative since the last approved revision:
-- of the grant's amount (basis 'total') or of each line's budget (basis 'line'). indirect_cap is
-- the most indirect costs may be, in percent of direct costs. revision_approval 1: every
-- revision needs the donor's approval, whatever it moves.
CREATE TABLE donor_rule (
    id                 INTEGER PRIMARY KEY,
    donor_id           INTEGER UNIQUE REFERENCES donor (id),
    grant_id           INTEGER UNIQUE REFERENCES grant_agreement (id),
    reallocation_limit TEXT CHECK (reallocation_limit GLOB '[0-9]*'
                                   AND reallocation_limit NOT GLOB '*[^0-9.]*'),
    basis              TEXT CHECK (basis IN ('total', 'line')),
    indirect_cap       TEXT CHECK (indirect_cap GLOB '[0-9]*'
                                   AND indirect_cap NOT GLOB '*[^0-9.]*'),
    revision_approval  INTEGER CHECK (revision_approval IN (0, 1)),
    CHECK ((donor_id IS NULL) <> (grant_id IS NULL))
) STRICT;

-- The donor's approval a revision was made under (a letter's reference), when it needed one or
-- was given one; the revision after the last approved one is where reallocations add up from.
ALTER TABLE budget_revision ADD COLUMN approved_by TEXT;

-- The reports a grant owes its donor: a quarterly financial report `days` after each calendar
-- quarter it runs in, a final report `days` after its end (the end in force), and interim
-- reports on the dates the agreement names (due_on). `grant calendar` replaces a grant's rows
-- as a whole.
CREATE TABLE report_schedule (
    id       INTEGER PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES grant_agreement (id),
    kind     TEXT NOT NULL CHECK (kind IN ('quarterly', 'final', 'interim')),
    days     INTEGER CHECK (days BETWEEN 0 AND 366),
    due_on   TEXT CHECK (due_on IS NULL OR date(due_on) IS due_on),
    CHECK ((kind = 'interim') = (due_on IS NOT NULL) AND (kind = 'interim') = (days IS NULL))
) STRICT;

CREATE INDEX report_schedule_by_grant ON report_schedule (grant_id);

-- A report sent to the donor: which one (its key in the calendar, e.g. 2023-Q1, final,
-- interim 2023-06-30), when, and the reference the donor or the sender gave it.
CREATE TABLE report_submission (
    id           INTEGER PRIMARY KEY,
    grant_id     INTEGER NOT NULL REFERENCES grant_agreement (id),
    report       TEXT NOT NULL CHECK (length(trim(report)) > 0),
    submitted_on TEXT NOT NULL CHECK (date(submitted_on) IS submitted_on),
    reference    TEXT NOT NULL CHECK (length(trim(reference)) > 0),
    recorded_at  TEXT NOT NULL,
    UNIQUE (grant_id, report)
) STRICT;

-- migration 12: donors' reporting categories

-- The headings a donor wants its financial reports in (SF-424A's object classes a. Personnel
-- to j. Indirect charges, an EU contract's budget headings), in the donor's order (position),
-- not the codes' (EU heading 10 comes after 9).
CREATE TABLE donor_category (
    id       INTEGER PRIMARY KEY,
    donor_id INTEGER NOT NULL REFERENCES donor (id),
    code     TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 60),
    name     TEXT NOT NULL CHECK (length(trim(name)) > 0),
    position INTEGER NOT NULL CHECK (position >= 1),
    UNIQUE (donor_id, code),
    UNIQUE (id, donor_id)
) STRICT;

-- A grant's donor is never amended, so a category's donor must be its grant's: the mapping
-- carries both and the keys below hold them equal.
CREATE UNIQUE INDEX grant_agreement_donor ON grant_agreement (id, donor_id);

-- Each budget line of a grant in exactly one of its donor's categories (the line is the key).
CREATE TABLE line_category (
    line_id     INTEGER PRIMARY KEY,
    grant_id    INTEGER NOT NULL,
    donor_id    INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    FOREIGN KEY (line_id, grant_id) REFERENCES budget_line (id, grant_id),
    FOREIGN KEY (grant_id, donor_id) REFERENCES grant_agreement (id, donor_id),
    FOREIGN KEY (category_id, donor_id) REFERENCES donor_category (id, donor_id)
) STRICT;

CREATE INDEX line_category_by_category ON line_category (category_id);

-- migration 13: cost share and match

-- What a grant's agreement requires others to put into the project besides the donor's money
-- (cost share, match): `percent` of the grant's amount (basis 'grant': match = grant x percent
-- / 100), or of the project's total cost, the grant and the match together (basis 'total', as
-- US federal awards put it: match = grant x percent / (100 - percent)). One row per grant at
-- most; `grant match` replaces or removes it.
CREATE TABLE grant_match (
    grant_id INTEGER PRIMARY KEY REFERENCES grant_agreement (id),
    percent  TEXT NOT NULL CHECK (percent GLOB '[0-9]*' AND percent NOT GLOB '*[^0-9.]*'
                                  AND percent GLOB '*[1-9]*'),
    basis    TEXT NOT NULL CHECK (basis IN ('grant', 'total'))
) STRICT;

-- A contribution from others counted towards a grant's match: cash, or goods, services or
-- premises in kind, valued at `amount` in its currency and converted into the grant's as an
-- expense is (the quote used is kept with it). `basis` says how it was valued, and an in-kind
-- one must say. Optionally against a budget line. Not money of the grant: it is never spent
-- from its lines. Never deleted: a wrong one is voided with a reason, which frees its reference.
CREATE TABLE contribution (
    id                 INTEGER PRIMARY KEY,
    grant_id           INTEGER NOT NULL REFERENCES grant_agreement (id),
    line_id            INTEGER,
    contributor        TEXT NOT NULL CHECK (length(trim(contributor)) > 0),
    kind               TEXT NOT NULL CHECK (kind IN ('cash', 'in-kind')),
    reference          TEXT NOT NULL CHECK (length(trim(reference)) > 0),
    date               TEXT NOT NULL CHECK (date(date) IS date),
    currency           TEXT NOT NULL REFERENCES currency (code),
    amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
    fx_base            TEXT REFERENCES currency (code),
    fx_quote           TEXT REFERENCES currency (code),
    fx_rate            TEXT CHECK (fx_rate IS NULL OR (fx_rate GLOB '[0-9]*'
                                   AND fx_rate NOT GLOB '*[^0-9.]*' AND fx_rate GLOB '*[1-9]*')),
    grant_amount_minor INTEGER NOT NULL CHECK (grant_amount_minor > 0),
    basis              TEXT NOT NULL DEFAULT '',
    office             TEXT,
    recorded_at        TEXT NOT NULL,
    voided_at          TEXT,
    void_reason        TEXT,
    FOREIGN KEY (line_id, grant_id) REFERENCES budget_line (id, grant_id),
    CHECK (kind = 'cash' OR length(trim(basis)) > 0),
    CHECK ((fx_base IS NULL) = (fx_rate IS NULL) AND (fx_quote IS NULL) = (fx_rate IS NULL)),
    CHECK ((voided_at IS NULL) = (void_reason IS NULL))
) STRICT;

CREATE UNIQUE INDEX contribution_reference ON contribution (grant_id, reference)
    WHERE voided_at IS NULL;

CREATE TRIGGER contribution_never_deleted BEFORE DELETE ON contribution
BEGIN
    SELECT RAISE(ABORT, 'contributions are never deleted: void them with a reason');
END;

CREATE TRIGGER contribution_only_voided BEFORE UPDATE ON contribution
WHEN OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL OR NEW.void_reason IS NULL
  OR length(trim(NEW.void_reason)) = 0
  OR NEW.id IS NOT OLD.id OR NEW.grant_id IS NOT OLD.grant_id OR NEW.line_id IS NOT OLD.line_id
  OR NEW.kind IS NOT OLD.kind OR NEW.date IS NOT OLD.date
  OR NEW.amount_minor IS NOT OLD.amount_minor OR NEW.currency IS NOT OLD.currency
  OR NEW.fx_rate IS NOT OLD.fx_rate OR NEW.grant_amount_minor IS NOT OLD.grant_amount_minor
  OR NEW.reference IS NOT OLD.reference OR NEW.basis IS NOT OLD.basis
BEGIN
    SELECT RAISE(ABORT, 'a contribution can only be voided, once, with a reason');
END;

-- migration 14: other income, variance notes kept with a period

-- What a receipt is: a tranche of the grant from its donor, interest the donor's money earned
-- in the bank, or other income on the grant (a supplier's rebate, the sale of an asset). Only
-- tranches count against the grant's amount; the donor report shows the others apart.
ALTER TABLE receipt ADD COLUMN kind TEXT NOT NULL DEFAULT 'tranche'
    CHECK (kind IN ('tranche', 'interest', 'other'));

-- Why a line's spend differs from plan, as the report for a period explains it to the donor
-- (`period note`): one note per line and period, replaced as a whole, audited.
CREATE TABLE period_note (
    id          INTEGER PRIMARY KEY,
    period_id   INTEGER NOT NULL REFERENCES period (id),
    line_id     INTEGER NOT NULL REFERENCES budget_line (id),
    note        TEXT NOT NULL CHECK (length(trim(note)) > 0),
    recorded_at TEXT NOT NULL,
    UNIQUE (period_id, line_id)
) STRICT;
