//! `admin`: what the administrator of a shared (PostgreSQL) ledger runs.

use clap::Subcommand;

use super::{Context, note};
use crate::error::Result;
use crate::render::{Cell, Document, Table, col, prose};

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create the ledger's database roles (officer, manager, auditor, one per office), their
    /// rights and row-level security by office; run again after adding offices
    #[command(
        after_help = "Example:\n  grantbook --db postgres://grantbook@db.example.org/grantbook \
                      admin roles\n  psql -c 'GRANT grantbook_officer, grantbook_office_rabat \
                      TO amina'"
    )]
    Roles,
}

pub fn run(command: AdminCommand, ctx: &mut Context) -> Result<()> {
    match command {
        AdminCommand::Roles => {
            let roles = ctx.ledger.create_roles()?;
            let mut t = Table::new(&[col("role", "Role"), prose("may", "Its members may")]);
            for role in &roles {
                t.push(vec![Cell::text(&role.name), Cell::text(&role.may)]);
            }
            let named = |part: &str| {
                roles
                    .iter()
                    .find(|r| r.name.contains(part))
                    .map_or(String::new(), |r| r.name.clone())
            };
            let example = match named("_office_") {
                office if office.is_empty() => named("_officer"),
                office => format!("{}, {office}", named("_officer")),
            };
            note(&format!(
                "make each person's login role a member of theirs, e.g. for an officer: GRANT \
                 {example} TO amina; the audit log names the login role"
            ));
            ctx.show(&Document::table("roles", "Roles of this ledger", t))
        }
    }
}
