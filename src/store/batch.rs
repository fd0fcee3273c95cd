//! Statements that run back to back in one transaction when nothing in between needs their results (a state
//! row and the run that now points at it). On SQLite every statement is a round trip to the connection's own
//! thread, and at a few thousand writes a second those round trips cost more than the statements themselves:
//! there a batch goes as one multi-statement query. PostgreSQL cannot prepare several statements as one, so
//! there they run one by one.

use sqlx::{
    Arguments, AssertSqlSafe, Database, Encode, Executor, IntoArguments, PgConnection, Postgres,
    Sqlite, SqliteConnection, Type,
};

/// Each statement is written with its own `$1…$k` and gets its own values, in order.
pub struct Batch<C: Connection> {
    statements: Vec<&'static str>,
    /// How many values were bound before each statement.
    offsets: Vec<usize>,
    /// One list of values per statement, or one for the whole batch where it runs as one query.
    arguments: Vec<<C::Db as Database>::Arguments>,
    bound: usize,
    failed: Option<sqlx::error::BoxDynError>,
}

impl<C: Connection> Batch<C> {
    /// A batch for connections like `conn` (which it does not hold, so `conn` stays usable until `run`).
    pub fn for_connection(_conn: &C) -> Self {
        Batch {
            statements: Vec::new(),
            offsets: Vec::new(),
            arguments: Vec::new(),
            bound: 0,
            failed: None,
        }
    }

    pub fn statement(mut self, sql: &'static str) -> Self {
        self.statements.push(sql);
        self.offsets.push(self.bound);
        if !C::ONE_QUERY || self.arguments.is_empty() {
            self.arguments.push(Default::default());
        }
        self
    }

    /// Binds the next value of the last statement.
    pub fn bind<T>(mut self, value: T) -> Self
    where
        T: for<'t> Encode<'t, C::Db> + Type<C::Db>,
    {
        let arguments = self
            .arguments
            .last_mut()
            .expect("a statement before its values");
        if let Err(e) = arguments.add(value) {
            self.failed.get_or_insert(e);
        }
        self.bound += 1;
        self
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs the statements in order; returns the rows they changed, summed. Every statement must be an INSERT,
    /// UPDATE or DELETE: SQLite reports any other statement's count as that of the last one before it.
    pub async fn run(self, conn: &mut C) -> Result<u64, sqlx::Error>
    where
        for<'e> &'e mut C: Executor<'e, Database = C::Db>,
        <C::Db as Database>::Arguments: IntoArguments<C::Db>,
    {
        if let Some(e) = self.failed {
            return Err(sqlx::Error::Encode(e));
        }
        let queries: Vec<String> = if C::ONE_QUERY {
            let joined = self.statements.iter().zip(&self.offsets);
            vec![
                joined
                    .map(|(sql, offset)| shift_placeholders(sql, *offset) + ";\n")
                    .collect(),
            ]
        } else {
            self.statements.iter().map(|sql| sql.to_string()).collect()
        };
        let mut changed = 0;
        for (sql, arguments) in queries.into_iter().zip(self.arguments) {
            let done = sqlx::query_with(AssertSqlSafe(sql), arguments)
                .execute(&mut *conn)
                .await?;
            changed += C::rows_affected(&done);
        }
        Ok(changed)
    }
}

/// A connection a batch runs on: SQLite's, as one query in one round trip; PostgreSQL's, a statement at a time.
pub trait Connection: Send {
    type Db: Database;
    const ONE_QUERY: bool;
    fn rows_affected(done: &<Self::Db as Database>::QueryResult) -> u64;
}

impl Connection for SqliteConnection {
    type Db = Sqlite;
    const ONE_QUERY: bool = true;
    fn rows_affected(done: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        done.rows_affected()
    }
}

impl Connection for PgConnection {
    type Db = Postgres;
    const ONE_QUERY: bool = false;
    fn rows_affected(done: &sqlx::postgres::PgQueryResult) -> u64 {
        done.rows_affected()
    }
}

/// `$N` becomes `$N+by`: statements joined into one query share one list of values (SQLite binds `$N` to the
/// N-th value of the whole query). Placeholders inside quoted literals are left alone.
fn shift_placeholders(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '\'' => quoted = !quoted,
            '$' if !quoted => {
                let mut digits = String::new();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    digits.push(d);
                }
                match digits.parse::<usize>() {
                    Ok(n) => out.push_str(&(n + by).to_string()),
                    Err(_) => out.push_str(&digits),
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::shift_placeholders;

    #[test]
    fn placeholders_shift_outside_literals_only() {
        assert_eq!(
            shift_placeholders("UPDATE t SET a = $1, b = '$2' WHERE id = $10", 3),
            "UPDATE t SET a = $4, b = '$2' WHERE id = $13"
        );
        assert_eq!(shift_placeholders("SELECT $1", 0), "SELECT $1");
    }
}
