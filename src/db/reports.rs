//! What reports read: spend summed by SQL per line, per range and per month, the budget in
//! force on a date, voids and rate changes. Every sum is over integer minor units, so it is exact
//! whatever the number of rows.

use chrono::NaiveDate;

use super::Ledger;
use super::expenses::{EXPENSE_SELECT, expense_from_row};
use super::grants::{GRANT_FILTER, GrantFilter};
use super::lookup::{self, GRANT_COLUMNS, GRANT_JOINS, grant_from_row, vocabulary};
use crate::db::sql::{Value, params, params_from_iter};
use crate::domain::{Budget, DateRange, Expense, Grant, LineCategory, LineSpend, MonthSpend};
use crate::error::{Error, Result};

impl Ledger {
    /// A currency the database knows, with its minor units.
    pub fn currency(&self, code: &str) -> Result<crate::domain::Currency> {
        lookup::currency(&self.conn, code)
    }

    /// Grants matching `filter`, by reference; a donor, project or country that does not exist
    /// is an error rather than an empty report.
    pub fn grants(&self, filter: &GrantFilter) -> Result<Vec<Grant>> {
        if let Some(code) = &filter.donor {
            lookup::donor_id(&self.conn, code)?;
        }
        if let Some(code) = &filter.project {
            lookup::project_id(&self.conn, code)?;
        }
        if let Some(code) = &filter.country {
            lookup::country(&self.conn, code)?;
        }
        if let Some(reference) = &filter.reference {
            lookup::grant(&self.conn, reference)?;
        }
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM {GRANT_JOINS} WHERE {GRANT_FILTER} ORDER BY g.reference"
        );
        let sql = &sql;
        let rows = self
            .conn
            .query_map(sql, params_from_iter(filter.bind()), grant_from_row)?;
        Ok(rows)
    }

    /// Each budget line of `grant` (every line it ever had, in the order they were added) with
    /// its non-void spend inside each of `ranges`.
    pub fn line_spend(&self, grant: &Grant, ranges: &[DateRange]) -> Result<Vec<LineSpend>> {
        let sums: String = (0..ranges.len())
            .map(|i| {
                let (from, to) = (2 * i + 3, 2 * i + 4);
                format!(
                    ", sum(CASE WHEN date BETWEEN ?{from} AND ?{to} THEN spend_minor END) \
                     AS s{i}"
                )
            })
            .collect();
        let totals: String = (0..ranges.len())
            .map(|i| format!(", coalesce(s.s{i}, 0)"))
            .collect();
        // Summed per line inside the grant first (the `expense_spend` index alone), then joined
        // to every line so that a line without spend shows zero.
        let sql = format!(
            "SELECT l.code, l.name, l.category{totals}
             FROM budget_line l
             LEFT JOIN (SELECT line_id{sums} FROM expense
                        WHERE grant_id = ?1 AND voided_at IS NULL
                          AND (?2 IS NULL OR office = ?2) GROUP BY line_id) s
                    ON s.line_id = l.id
             WHERE l.grant_id = ?1
             ORDER BY l.id"
        );
        let office = match &self.spend_office {
            Some(code) => Value::Text(code.as_str().into()),
            None => Value::Null,
        };
        let mut bound = vec![Value::Int(grant.id), office];
        for r in ranges {
            bound.push(Value::Text(r.start.to_string().into()));
            bound.push(Value::Text(r.end.to_string().into()));
        }
        let sql = &sql;
        let currency = &grant.currency;
        let rows = self.conn.query_map(sql, params_from_iter(bound), |r| {
            Ok(LineSpend {
                code: r.get(0)?,
                name: r.get(1)?,
                category: vocabulary(r, 2, LineCategory::parse)?,
                amounts: (0..ranges.len())
                    .map(|i| Ok(currency.from_minor(r.get(3 + i)?)))
                    .collect::<Result<_>>()?,
            })
        })?;
        Ok(rows)
    }

    /// Non-void spend of `grant` per calendar month and line, up to `through`.
    pub fn monthly_spend(&self, grant: &Grant, through: NaiveDate) -> Result<Vec<MonthSpend>> {
        let sql = "SELECT substr(e.date, 1, 7), l.code, sum(e.spend_minor)
             FROM expense e JOIN budget_line l ON l.id = e.line_id
             WHERE e.grant_id = ?1 AND e.voided_at IS NULL AND e.date <= ?2
               AND (?3 IS NULL OR e.office = ?3)
             GROUP BY 1, l.id ORDER BY 1, l.id";
        let office = &self.spend_office;
        let rows = self
            .conn
            .query_map(sql, params![grant.id, through, office], |r| {
                Ok(MonthSpend {
                    month: r.get(0)?,
                    line: r.get(1)?,
                    amount: grant.currency.from_minor(r.get(2)?),
                })
            })?;
        Ok(rows)
    }

    /// Non-void spend of `grant` up to `through`, per country it was spent in.
    pub fn spend_by_country(
        &self,
        grant: &Grant,
        through: NaiveDate,
    ) -> Result<Vec<(String, rust_decimal::Decimal)>> {
        let sql = "SELECT country, sum(spend_minor) FROM expense
             WHERE grant_id = ?1 AND voided_at IS NULL AND date <= ?2
               AND (?3 IS NULL OR office = ?3)
             GROUP BY country ORDER BY country";
        let office = &self.spend_office;
        let rows = self
            .conn
            .query_map(sql, params![grant.id, through, office], |r| {
                Ok((r.get(0)?, grant.currency.from_minor(r.get(1)?)))
            })?;
        Ok(rows)
    }

    /// What the donor had paid into `grant` by the end of `through` (its tranches; interest
    /// and other income are not the donor's payments).
    pub fn received_by(&self, grant: &Grant, through: NaiveDate) -> Result<rust_decimal::Decimal> {
        let minor: i64 = self.conn.query_row(
            "SELECT coalesce(sum(amount_minor), 0) FROM receipt
             WHERE grant_id = ?1 AND date <= ?2 AND voided_at IS NULL AND kind = 'tranche'",
            params![grant.id, through],
            |r| r.get(0),
        )?;
        Ok(grant.currency.from_minor(minor))
    }

    /// The budget revision in force on `date`: the latest effective by then, or the original
    /// budget for a date before it.
    pub fn budget_on(&self, grant: &Grant, date: NaiveDate) -> Result<Budget> {
        let number: Option<i64> = self
            .conn
            .query_opt(
                "SELECT coalesce(
                    (SELECT max(number) FROM budget_revision WHERE grant_id = ?1
                       AND effective_date <= ?2),
                    (SELECT min(number) FROM budget_revision WHERE grant_id = ?1))",
                params![grant.id, date],
                |r| r.get(0),
            )?
            .flatten();
        let number = number.ok_or_else(|| {
            Error::invalid(format!(
                "grant {} has no budget yet; set it with `grantbook budget set`",
                grant.reference
            ))
        })?;
        self.budget(&grant.reference, Some(number))
    }

    /// The final budget of `grant` as it stood at the end of `day`: its latest revision, a
    /// close-out revision dated after its end included, but not one taking effect on or after
    /// the decision of a no-cost extension decided after `day` (that revision budgets the
    /// extension, which the grant did not have then).
    pub fn final_budget(&self, grant: &Grant, day: NaiveDate) -> Result<Budget> {
        let number: Option<i64> = self.conn.query_row(
            "SELECT coalesce(
                (SELECT max(number) FROM budget_revision WHERE grant_id = ?1
                   AND effective_date < coalesce(
                       (SELECT min(decided_on) FROM grant_extension
                         WHERE grant_id = ?1 AND decided_on > ?2), '9999-12-31')),
                (SELECT min(number) FROM budget_revision WHERE grant_id = ?1))",
            params![grant.id, day],
            |r| r.get(0),
        )?;
        match number {
            Some(n) => self.budget(&grant.reference, Some(n)),
            None => self.budget(&grant.reference, None),
        }
    }

    /// Expenses of `grant` that were voided, dated inside `window` or voided during it.
    pub fn voids(&self, grant: &Grant, window: DateRange) -> Result<Vec<Expense>> {
        let sql = format!(
            "{EXPENSE_SELECT}
             WHERE e.grant_id = ?1 AND e.voided_at IS NOT NULL
               AND (e.date BETWEEN ?2 AND ?3 OR substr(e.voided_at, 1, 10) BETWEEN ?2 AND ?3)
             ORDER BY e.date, e.id"
        );
        let sql = &sql;
        let rows = self.conn.query_map(
            sql,
            params![grant.id, window.start, window.end],
            expense_from_row,
        )?;
        Ok(rows)
    }

    /// Live refunds of `grant` dated inside `window`, each with the voucher of the expense it
    /// reverses when it names one.
    pub fn refunds(
        &self,
        grant: &Grant,
        window: DateRange,
    ) -> Result<Vec<(Expense, Option<String>)>> {
        let sql = format!(
            "{EXPENSE_SELECT}
             WHERE e.grant_id = ?1 AND e.kind = 'refund' AND e.voided_at IS NULL
               AND e.date BETWEEN ?2 AND ?3
             ORDER BY e.date, e.id"
        );
        let sql = &sql;
        let refunds = self.conn.query_map(
            sql,
            params![grant.id, window.start, window.end],
            expense_from_row,
        )?;
        let of_voucher = "SELECT voucher FROM expense WHERE id = ?1";
        refunds
            .into_iter()
            .map(|e| {
                let of = e
                    .refund_of
                    .map(|id| self.conn.one(of_voucher, [id]))
                    .transpose()?;
                Ok((e, of))
            })
            .collect()
    }

    /// Currencies other than the grant's own that its expenses (void or not) were paid in.
    pub fn expense_currencies(&self, grant: &Grant) -> Result<Vec<String>> {
        let sql = "SELECT DISTINCT currency FROM expense WHERE grant_id = ?1 AND currency <> ?2
             ORDER BY currency";
        let rows = self
            .conn
            .query_map(sql, params![grant.id, grant.currency.code], |r| r.get(0))?;
        Ok(rows)
    }
}
