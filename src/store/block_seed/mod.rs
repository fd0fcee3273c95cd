//! Prefect's own block types and schemas, installed at every start as Prefect's server installs them
//! (`run_block_auto_registration`): its protected system blocks (Secret, Webhook, LocalFileSystem, which cannot
//! be deleted), the blocks of its client and those of its collections, so `prefect block type ls` and the UI's
//! catalog list the same types on both servers. `prefect_blocks.json` is what Prefect's server holds after a fresh
//! start (`dump_prefect_blocks.py` writes it). A start writes only what is missing or differs, so it costs two
//! reads when nothing changed.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::{Map, Value};

use super::Writer;
use super::block_schemas::{self, NewSchema, nested_references};
use super::block_types::{self, BlockType, BlockTypeFilter, Details};
use super::filter::Where;
use crate::db::Db;

const SEED: &str = include_str!("prefect_blocks.json");

#[derive(Deserialize)]
struct Seed {
    block_types: Vec<SeedType>,
    block_schemas: Vec<SeedSchema>,
}

#[derive(Deserialize)]
struct SeedType {
    name: String,
    slug: String,
    logo_url: Option<String>,
    documentation_url: Option<String>,
    description: Option<String>,
    code_example: Option<String>,
    is_protected: bool,
}

#[derive(Deserialize)]
struct SeedSchema {
    block_type_slug: String,
    checksum: String,
    fields: Map<String, Value>,
    capabilities: Vec<String>,
    version: String,
}

impl SeedType {
    fn details(&self) -> Details {
        Details {
            logo_url: self.logo_url.clone(),
            documentation_url: self.documentation_url.clone(),
            description: self.description.clone(),
            code_example: self.code_example.clone(),
        }
    }

    fn matches(&self, stored: &BlockType) -> bool {
        let stored_details = Details {
            logo_url: stored.logo_url.clone(),
            documentation_url: stored.documentation_url.clone(),
            description: stored.description.clone(),
            code_example: stored.code_example.clone(),
        };
        stored.name == self.name
            && stored.is_protected == self.is_protected
            && stored_details == self.details()
    }
}

fn seed() -> Result<Seed, sqlx::Error> {
    serde_json::from_str(SEED)
        .map_err(|e| sqlx::Error::Protocol(format!("the built-in block seed: {e}")))
}

/// Installs Prefect's block types and schemas that are missing or differ.
pub async fn install(db: &Db, writer: &Writer) -> Result<(), sqlx::Error> {
    let seed = seed()?;
    let everything = BlockTypeFilter::default();
    let stored =
        block_types::filter(db, Where::new(db.dialect()), &everything, None, i64::MAX, 0).await?;
    let mut by_slug: HashMap<String, BlockType> =
        stored.into_iter().map(|t| (t.slug.clone(), t)).collect();
    for wanted in &seed.block_types {
        match by_slug.get(&wanted.slug) {
            Some(current) if wanted.matches(current) => continue,
            Some(current) if !wanted.is_protected => {
                // Prefect's `register_block_type`: an existing type takes the registry's description.
                let d = wanted.details();
                let changes = [
                    ("logo_url", d.logo_url),
                    ("documentation_url", d.documentation_url),
                    ("description", d.description),
                    ("code_example", d.code_example),
                ];
                block_types::update(writer, current.id, &changes).await?;
            }
            _ => {
                let made = block_types::create(
                    writer,
                    &wanted.name,
                    &wanted.slug,
                    &wanted.details(),
                    wanted.is_protected,
                )
                .await?;
                if let Some(made) = made {
                    by_slug.insert(made.slug.clone(), made);
                }
            }
        }
    }
    let have_versioned: HashSet<(String, String)> =
        block_schemas::checksums(db).await?.into_iter().collect();
    let mut have: HashSet<String> = have_versioned.iter().map(|(c, _)| c.clone()).collect();
    // A schema is stored after the schemas of the blocks nested in it.
    let mut pending: Vec<&SeedSchema> = seed
        .block_schemas
        .iter()
        .filter(|s| !have_versioned.contains(&(s.checksum.clone(), s.version.clone())))
        .collect();
    while !pending.is_empty() {
        let (ready, waiting): (Vec<&SeedSchema>, Vec<&SeedSchema>) =
            pending.into_iter().partition(|s| {
                nested_references(&s.fields)
                    .iter()
                    .all(|r| have.contains(&r.checksum))
            });
        if ready.is_empty() {
            break;
        }
        for schema in ready {
            let Some(block_type) = by_slug.get(&schema.block_type_slug) else {
                continue;
            };
            let children: Vec<_> = nested_references(&schema.fields)
                .into_iter()
                .map(|r| (r, None))
                .collect();
            let new = NewSchema {
                checksum: schema.checksum.clone(),
                fields: schema.fields.clone(),
                block_type_id: block_type.id,
                capabilities: schema.capabilities.clone(),
                version: schema.version.clone(),
            };
            block_schemas::create(writer, &new, &children, block_type.is_protected).await?;
            have.insert(schema.checksum.clone());
        }
        pending = waiting;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::block_checksum::checksum;

    /// Collection blocks whose checksum in Prefect's data is not what Prefect's own code computes from their
    /// fields today (Python's `Block._calculate_schema_checksum` disagrees with the stored value just as ours
    /// does); they are stored under Prefect's checksum.
    const PREFECTS_OWN_MISMATCHES: &[&str] = &[
        "s3-bucket",
        "dbt-cli-postgres-target-configs",
        "database-credentials",
        "dbt-cli-profile",
        "dbt-cli-snowflake-target-configs",
        "snowflake-connector",
        "snowflake-credentials",
        "dbt-cli-target-configs",
    ];

    #[test]
    fn every_seed_schema_has_the_checksum_prefect_computes_for_it() {
        let seed = seed().unwrap();
        assert_eq!(
            seed.block_types.iter().filter(|t| t.is_protected).count(),
            3
        );
        for schema in &seed.block_schemas {
            if !PREFECTS_OWN_MISMATCHES.contains(&schema.block_type_slug.as_str()) {
                assert_eq!(
                    checksum(&schema.fields),
                    schema.checksum,
                    "{}",
                    schema.block_type_slug
                );
            }
        }
    }
}
