//! The publishing settings' tables (schema section 9) as `export` writes them, in the columns
//! `import DIR` and the demo's fixtures read back (src/cli/publishing.rs).

use super::TableSpec;

pub(super) const PUBLISHING_TABLES: &[TableSpec] = &[
    TableSpec {
        name: "organisations",
        columns: &[
            "name",
            "iati_id",
            "type",
            "email",
            "telephone",
            "website",
            "address",
        ],
        money: &[],
        sql: "SELECT name, coalesce(iati_id, ''), org_type, email, telephone, website, address
              FROM organisation ORDER BY name",
    },
    TableSpec {
        name: "donor_iati",
        columns: &[
            "donor",
            "iati_id",
            "aid_type",
            "finance_type",
            "flow_type",
            "collaboration_type",
        ],
        money: &[],
        sql: "SELECT d.code, coalesce(x.iati_id, ''), coalesce(x.aid_type, ''),
                  coalesce(x.finance_type, ''), coalesce(x.flow_type, ''),
                  coalesce(x.collaboration_type, '')
              FROM donor_publishing x JOIN donor d ON d.id = x.donor_id ORDER BY d.id",
    },
    TableSpec {
        name: "project_iati",
        columns: &["project", "sectors", "scope", "humanitarian"],
        money: &[],
        // A share is hundredths of a percent: written as the percentage (7000 is 70, 3333 is
        // 33.33, 1005 is 10.05), as `project iati --sector` takes it.
        sql: "SELECT p.code,
                  coalesce((SELECT group_concat(s.code || ':' || (s.share / 100) ||
                                CASE WHEN s.share % 100 = 0 THEN ''
                                     WHEN s.share % 100 < 10 THEN '.0' || (s.share % 100)
                                     ELSE '.' || (s.share % 100) END, ';')
                            FROM project_sector s WHERE s.project_id = p.id), ''),
                  coalesce(x.scope, ''),
                  CASE x.humanitarian WHEN 1 THEN 'yes' WHEN 0 THEN 'no' ELSE '' END
              FROM project_publishing x JOIN project p ON p.id = x.project_id ORDER BY p.id",
    },
    TableSpec {
        name: "grant_iati",
        columns: &["grant", "donor_activity_id"],
        money: &[],
        sql: "SELECT g.reference, x.donor_activity_id
              FROM grant_publishing x JOIN grant_agreement g ON g.id = x.grant_id ORDER BY g.id",
    },
];
