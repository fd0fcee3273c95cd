//! Field types whose rules serde cannot say: each reads a value as pydantic's lax mode reads the field's type in
//! Prefect's schema, or refuses it with the `loc`, `msg` and `type` Prefect's server answers (checked against
//! Prefect 3.9.1). Each is a newtype whose `Deserialize` runs its check, so a model that uses it gets the check
//! from the deserializer, with the error at the field's path.

use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use super::FieldError;
use crate::db::types::{Id, Timestamp, parse_time};
use crate::store::flow_runs::normalise_policy;

/// The longest retry delay accepted, either way: 100 years. Prefect accepts any integer and then fails with a
/// 500 when the run fails and the retry's time cannot be computed; we refuse it when the client sends it.
pub const MAX_DELAY_SECONDS: i64 = 3_155_760_000;

/// Prefect refuses more retry delays than this for one task (`list_length_50_or_less`).
const MAX_DELAYS: usize = 50;

type Checked<T> = Result<T, FieldError>;

/// A newtype whose `Deserialize` reads any JSON value and passes it through `$check`.
macro_rules! checked_field {
    ($name:ident($inner:ty) = $check:path) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(deserializer)?;
                $check(&value).map($name).map_err(FieldError::into_serde)
            }
        }
    };
}

/// A pydantic `int`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LaxInt(pub i64);
checked_field!(LaxInt(i64) = lax_int);

/// A pydantic `bool`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LaxBool(pub bool);
checked_field!(LaxBool(bool) = lax_bool);

/// A datetime in the years 1 to 9999.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DateTime(pub Timestamp);
checked_field!(DateTime(Timestamp) = datetime);

/// A pydantic `float`: a number, `true`/`false`, or a string holding a number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LaxFloat(pub f64);
checked_field!(LaxFloat(f64) = lax_float);

/// A UUID as pydantic reads one: a string in any of the forms `uuid` parses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Uuid(pub Id);
checked_field!(Uuid(Id) = uuid);

/// A log level: a pydantic `int` that fits the `level` column (a 32-bit integer on PostgreSQL).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogLevel(pub i32);
checked_field!(LogLevel(i32) = log_level);

/// A `FlowRunPolicy`, normalised (`store::flow_runs::normalise_policy`), its integers written as integers.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowRunPolicy(pub Value);
checked_field!(FlowRunPolicy(Value) = flow_run_policy);

/// A `TaskRunPolicy`, its numbers written as numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRunPolicy(pub Value);
checked_field!(TaskRunPolicy(Value) = task_run_policy);

/// A pydantic `int`: integers, floats without a fraction, `true`/`false`, and strings holding an integer.
pub fn lax_int(value: &Value) -> Checked<i64> {
    let too_big = || {
        FieldError::new(
            "int_parsing_size",
            "Unable to parse input string as an integer, exceeded maximum size",
            value,
        )
    };
    match value {
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Ok(i);
            }
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() != 0.0 {
                return Err(FieldError::new(
                    "int_from_float",
                    "Input should be a valid integer, got a number with a fractional part",
                    value,
                ));
            }
            // Every f64 strictly inside ±2^63 converts exactly; 2^63 itself is out of range.
            if f.abs() < 2f64.powi(63) {
                Ok(f as i64)
            } else {
                Err(too_big())
            }
        }
        Value::String(s) => {
            let digits: String = s.trim().chars().filter(|c| *c != '_').collect();
            match digits.parse::<i64>() {
                Ok(i) => Ok(i),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
                    ) =>
                {
                    Err(too_big())
                }
                Err(_) => Err(FieldError::new(
                    "int_parsing",
                    "Input should be a valid integer, unable to parse string as an integer",
                    value,
                )),
            }
        }
        _ => Err(FieldError::new(
            "int_type",
            "Input should be a valid integer",
            value,
        )),
    }
}

pub fn uuid(value: &Value) -> Checked<Id> {
    let Some(text) = value.as_str() else {
        let msg = "UUID input should be a string, bytes or UUID object";
        return Err(FieldError::new("uuid_type", msg, value));
    };
    uuid::Uuid::parse_str(text).map(Id).map_err(|e| {
        FieldError::new(
            "uuid_parsing",
            format!("Input should be a valid UUID, {e}"),
            value,
        )
    })
}

fn log_level(value: &Value) -> Checked<i32> {
    let level = lax_int(value)?;
    i32::try_from(level).map_err(|_| {
        let (kind, msg) = if level > 0 {
            (
                "less_than_equal",
                format!("Input should be less than or equal to {}", i32::MAX),
            )
        } else {
            (
                "greater_than_equal",
                format!("Input should be greater than or equal to {}", i32::MIN),
            )
        };
        FieldError::new(kind, msg, value)
    })
}

/// A pydantic `bool`: `true`/`false`, 0 and 1, and the strings yes/no, on/off, true/false, t/f, y/n, 1/0.
pub fn lax_bool(value: &Value) -> Checked<bool> {
    let unreadable = || {
        FieldError::new(
            "bool_parsing",
            "Input should be a valid boolean, unable to interpret input",
            value,
        )
    };
    let not_a_bool = || FieldError::new("bool_type", "Input should be a valid boolean", value);
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(0), _) => Ok(false),
            (Some(1), _) => Ok(true),
            (Some(_), _) => Err(unreadable()),
            (None, Some(0.0)) => Ok(false),
            (None, Some(1.0)) => Ok(true),
            _ => Err(not_a_bool()),
        },
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "0" | "off" | "f" | "false" | "n" | "no" => Ok(false),
            "1" | "on" | "t" | "true" | "y" | "yes" => Ok(true),
            _ => Err(unreadable()),
        },
        _ => Err(not_a_bool()),
    }
}

/// A datetime; out of the years 1 to 9999 it is refused as Prefect refuses what it cannot parse.
pub fn datetime(value: &Value) -> Checked<Timestamp> {
    value.as_str().and_then(parse_time).ok_or_else(|| {
        let shown = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        FieldError::new(
            "value_error",
            format!("Value error, Unable to parse string [{shown}]"),
            value,
        )
    })
}

/// A delay in seconds within `MAX_DELAY_SECONDS` either way (it is added to the time a run fails).
fn delay_in_range(seconds: f64, value: &Value) -> Checked<()> {
    let max = MAX_DELAY_SECONDS;
    if seconds > max as f64 {
        return Err(FieldError::new(
            "less_than_equal",
            format!("Input should be less than or equal to {max} (seconds: 100 years)"),
            value,
        ));
    }
    if seconds < -max as f64 {
        return Err(FieldError::new(
            "greater_than_equal",
            format!("Input should be greater than or equal to -{max} (seconds: 100 years)"),
            value,
        ));
    }
    Ok(())
}

/// A run's `empirical_policy`: an object, or refused as pydantic refuses a model given something else
/// (Prefect's server answers 500 here).
fn policy_object(given: &Value, model: &str) -> Checked<Value> {
    match given {
        Value::Null => Ok(json!({})),
        policy @ Value::Object(_) => Ok(policy.clone()),
        other => Err(FieldError::new(
            "model_type",
            format!("Input should be a valid dictionary or instance of {model}"),
            other,
        )),
    }
}

/// The `FlowRunPolicy` a client sent, normalised: `retries` and `retry_delay` are integers (written back as
/// such when sent in a lax form), and the delay is in range. The deprecated `retry_delay_seconds` is folded
/// into `retry_delay` first, so it is checked (and reported) as that.
pub fn flow_run_policy(given: &Value) -> Checked<Value> {
    let mut policy = normalise_policy(&policy_object(given, "FlowRunPolicy")?);
    for field in ["retries", "retry_delay"] {
        let Some(value) = policy.get(field).filter(|v| !v.is_null()) else {
            continue;
        };
        let number = lax_int(value).map_err(|e| e.under(field))?;
        if field == "retry_delay" {
            delay_in_range(number as f64, value).map_err(|e| e.under(field))?;
        }
        policy[field] = json!(number);
    }
    Ok(policy)
}

fn lax_float(value: &Value) -> Checked<f64> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| FieldError::new("float_type", "Input should be a valid number", value)),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => s.trim().parse::<f64>().map_err(|_| {
            FieldError::new(
                "float_parsing",
                "Input should be a valid number, unable to parse string as a number",
                value,
            )
        }),
        _ => Err(FieldError::new(
            "float_type",
            "Input should be a valid number",
            value,
        )),
    }
}

/// Seconds as pydantic reads `int | float`: a number, or a string holding one (written back as a number).
fn lax_seconds(value: &Value) -> Checked<Value> {
    let seconds = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    };
    let seconds = seconds
        .ok_or_else(|| FieldError::new("float_type", "Input should be a valid number", value))?;
    delay_in_range(seconds, value)?;
    Ok(match value {
        Value::String(_) => json!(seconds),
        _ => value.clone(),
    })
}

/// The `TaskRunPolicy` a client sent: `retries` an integer, `retry_delay` a number or a list of at most 50
/// numbers, each in range.
pub fn task_run_policy(given: &Value) -> Checked<Value> {
    let mut policy = policy_object(given, "TaskRunPolicy")?;
    if let Some(retries) = policy.get("retries").filter(|v| !v.is_null()) {
        let number = lax_int(retries).map_err(|e| e.under("retries"))?;
        policy["retries"] = json!(number);
    }
    let Some(delay) = policy.get("retry_delay").filter(|v| !v.is_null()) else {
        return Ok(policy);
    };
    let checked = match delay {
        Value::Array(delays) if delays.len() > MAX_DELAYS => Err(FieldError::new(
            "value_error",
            "Value error, Can not configure more than 50 retry delays per task.",
            delay,
        )),
        Value::Array(delays) => delays
            .iter()
            .enumerate()
            .map(|(i, d)| lax_seconds(d).map_err(|e| e.under(i)))
            .collect::<Checked<Vec<_>>>()
            .map(Value::Array),
        single => lax_seconds(single),
    };
    policy["retry_delay"] = checked.map_err(|e| e.under("retry_delay"))?;
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_type<T: std::fmt::Debug>(result: Checked<T>) -> &'static str {
        result.unwrap_err().kind
    }

    #[test]
    fn integers_are_read_as_pydantic_reads_them() {
        for (value, expected) in [
            (json!(3), 3),
            (json!(2.0), 2),
            (json!(" 1_0 "), 10),
            (json!(true), 1),
            (json!(1e18), 1_000_000_000_000_000_000),
        ] {
            assert_eq!(lax_int(&value).unwrap(), expected, "{value}");
        }
        assert_eq!(error_type(lax_int(&json!("abc"))), "int_parsing");
        assert_eq!(error_type(lax_int(&json!(1.5))), "int_from_float");
        assert_eq!(error_type(lax_int(&json!(1e19))), "int_parsing_size");
        assert_eq!(error_type(lax_int(&json!(u64::MAX))), "int_parsing_size");
        assert_eq!(
            error_type(lax_int(&json!("99999999999999999999"))),
            "int_parsing_size"
        );
        assert_eq!(error_type(lax_int(&json!([]))), "int_type");
    }

    #[test]
    fn booleans_are_read_as_pydantic_reads_them() {
        for (value, expected) in [
            (json!("yes"), true),
            (json!("NO"), false),
            (json!(1), true),
            (json!(0.0), false),
        ] {
            assert_eq!(lax_bool(&value).unwrap(), expected, "{value}");
        }
        assert_eq!(error_type(lax_bool(&json!("maybe"))), "bool_parsing");
        assert_eq!(error_type(lax_bool(&json!(2))), "bool_parsing");
        assert_eq!(error_type(lax_bool(&json!(1.5))), "bool_type");
        assert_eq!(error_type(lax_bool(&json!({}))), "bool_type");
    }

    #[test]
    fn delays_out_of_range_are_refused_and_lax_ones_written_back() {
        let policy = flow_run_policy(&json!({"retries": "2", "retry_delay": 5.0})).unwrap();
        assert_eq!(
            (&policy["retries"], &policy["retry_delay"]),
            (&json!(2), &json!(5))
        );
        let huge = flow_run_policy(&json!({"retry_delay": 1e15})).unwrap_err();
        assert_eq!(
            (huge.kind, huge.loc),
            ("less_than_equal", vec![json!("retry_delay")])
        );
        assert_eq!(error_type(flow_run_policy(&json!("abc"))), "model_type");
        let policy = task_run_policy(&json!({"retry_delay": [1, " 2.5 "]})).unwrap();
        assert_eq!(policy["retry_delay"], json!([1, 2.5]));
        let list = task_run_policy(&json!({"retry_delay": [1, "x"]})).unwrap_err();
        assert_eq!(
            (list.kind, list.loc),
            ("float_type", vec![json!("retry_delay"), json!(1)])
        );
        let negative = task_run_policy(&json!({"retry_delay": [-1e300]}));
        assert_eq!(error_type(negative), "greater_than_equal");
        assert_eq!(task_run_policy(&Value::Null).unwrap(), json!({}));
    }
}
