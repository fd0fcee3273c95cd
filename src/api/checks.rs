//! Typed checks of single fields in bodies that runs.rs still reads as `serde_json::Value` (until typed request
//! structs replace it): each reads a value as pydantic's lax mode reads the field's type in Prefect's schema, or
//! refuses it with the `loc`, `msg` and `type` Prefect's server answers (checked against Prefect 3.9.1).

use serde_json::{Value, json};

use super::{ApiError, ApiResult};
use crate::db::types::Timestamp;
use crate::store::filter::parse_time;
use crate::store::flow_runs::normalise_policy;

/// The longest retry delay accepted, either way: 100 years. Prefect accepts any integer and then fails with a
/// 500 when the run fails and the retry's time cannot be computed; we refuse it when the client sends it.
pub const MAX_DELAY_SECONDS: i64 = 3_155_760_000;

/// Prefect refuses more retry delays than this for one task (`list_length_50_or_less`).
const MAX_DELAYS: usize = 50;

/// `loc` with one more step.
fn at(loc: &Value, step: impl Into<Value>) -> Value {
    let mut loc = loc.clone();
    if let Some(steps) = loc.as_array_mut() {
        steps.push(step.into());
    }
    loc
}

/// A pydantic `int`: integers, floats without a fraction, `true`/`false`, and strings holding an integer.
pub fn lax_int(value: &Value, loc: &Value) -> ApiResult<i64> {
    let too_big = || {
        ApiError::validation(
            loc,
            "Unable to parse input string as an integer, exceeded maximum size",
            "int_parsing_size",
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
                return Err(ApiError::validation(
                    loc,
                    "Input should be a valid integer, got a number with a fractional part",
                    "int_from_float",
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
                Err(_) => Err(ApiError::validation(
                    loc,
                    "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing",
                    value,
                )),
            }
        }
        _ => Err(ApiError::validation(
            loc,
            "Input should be a valid integer",
            "int_type",
            value,
        )),
    }
}

/// A pydantic `bool`: `true`/`false`, 0 and 1, and the strings yes/no, on/off, true/false, t/f, y/n, 1/0.
pub fn lax_bool(value: &Value, loc: &Value) -> ApiResult<bool> {
    let unreadable = || {
        ApiError::validation(
            loc,
            "Input should be a valid boolean, unable to interpret input",
            "bool_parsing",
            value,
        )
    };
    let not_a_bool =
        || ApiError::validation(loc, "Input should be a valid boolean", "bool_type", value);
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

/// A `list[str]` such as `tags` (`value` is the body's `field`); absent or null is left to the caller's default.
pub fn string_list(value: Option<&Value>, field: &str) -> ApiResult<()> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(());
    };
    let loc = json!(["body", field]);
    let items = value.as_array().ok_or_else(|| {
        ApiError::validation(&loc, "Input should be a valid list", "list_type", value)
    })?;
    match items.iter().position(|item| !item.is_string()) {
        None => Ok(()),
        Some(i) => Err(ApiError::validation(
            &at(&loc, i),
            "Input should be a valid string",
            "string_type",
            &items[i],
        )),
    }
}

/// A datetime field that may be absent or null; out of the years 1 to 9999 it is refused as Prefect refuses
/// what it cannot parse.
pub fn optional_datetime(value: Option<&Value>, loc: &Value) -> ApiResult<Option<Timestamp>> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let text = value.as_str().unwrap_or_default();
    parse_time(text).map(Some).ok_or_else(|| {
        let shown = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        ApiError::validation(
            loc,
            &format!("Value error, Unable to parse string [{shown}]"),
            "value_error",
            value,
        )
    })
}

/// A delay in seconds within `MAX_DELAY_SECONDS` either way (it is added to the time a run fails).
fn delay_in_range(seconds: f64, value: &Value, loc: &Value) -> ApiResult<()> {
    let max = MAX_DELAY_SECONDS;
    if seconds > max as f64 {
        return Err(ApiError::validation(
            loc,
            &format!("Input should be less than or equal to {max} (seconds: 100 years)"),
            "less_than_equal",
            value,
        ));
    }
    if seconds < -max as f64 {
        return Err(ApiError::validation(
            loc,
            &format!("Input should be greater than or equal to -{max} (seconds: 100 years)"),
            "greater_than_equal",
            value,
        ));
    }
    Ok(())
}

/// A run's `empirical_policy` (absent or null is the default): an object, or 422 as pydantic refuses a model
/// given something else (Prefect's server answers 500 here).
fn policy_object(given: Option<&Value>, model: &str) -> ApiResult<Value> {
    match given {
        None | Some(Value::Null) => Ok(json!({})),
        Some(policy @ Value::Object(_)) => Ok(policy.clone()),
        Some(other) => Err(ApiError::validation(
            &json!(["body", "empirical_policy"]),
            &format!("Input should be a valid dictionary or instance of {model}"),
            "model_type",
            other,
        )),
    }
}

/// The `FlowRunPolicy` a client sent, normalised (`store::flow_runs::normalise_policy`): `retries` and
/// `retry_delay` are integers (written back as such when sent in a lax form), and the delay is in range.
pub fn flow_run_policy(given: Option<&Value>) -> ApiResult<Value> {
    let loc = json!(["body", "empirical_policy"]);
    let mut policy = normalise_policy(&policy_object(given, "FlowRunPolicy")?);
    for field in ["retries", "retry_delay"] {
        let Some(value) = policy.get(field).filter(|v| !v.is_null()) else {
            continue;
        };
        let field_loc = at(&loc, field);
        let number = lax_int(value, &field_loc)?;
        if field == "retry_delay" {
            delay_in_range(number as f64, value, &field_loc)?;
        }
        policy[field] = json!(number);
    }
    Ok(policy)
}

/// Seconds as pydantic reads `int | float`: a number, or a string holding one (written back as a number).
fn lax_seconds(value: &Value, loc: &Value) -> ApiResult<Value> {
    let seconds = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    };
    let seconds = seconds.ok_or_else(|| {
        ApiError::validation(loc, "Input should be a valid number", "float_type", value)
    })?;
    delay_in_range(seconds, value, loc)?;
    Ok(match value {
        Value::String(_) => json!(seconds),
        _ => value.clone(),
    })
}

/// The `TaskRunPolicy` a client sent: `retries` an integer, `retry_delay` a number or a list of at most 50
/// numbers, each in range.
pub fn task_run_policy(given: Option<&Value>) -> ApiResult<Value> {
    let loc = json!(["body", "empirical_policy"]);
    let mut policy = policy_object(given, "TaskRunPolicy")?;
    if let Some(retries) = policy.get("retries").filter(|v| !v.is_null()) {
        let number = lax_int(retries, &at(&loc, "retries"))?;
        policy["retries"] = json!(number);
    }
    let Some(delay) = policy.get("retry_delay").filter(|v| !v.is_null()) else {
        return Ok(policy);
    };
    let loc = at(&loc, "retry_delay");
    let checked = match delay {
        Value::Array(delays) if delays.len() > MAX_DELAYS => {
            return Err(ApiError::validation(
                &loc,
                "Value error, Can not configure more than 50 retry delays per task.",
                "value_error",
                delay,
            ));
        }
        Value::Array(delays) => Value::Array(
            delays
                .iter()
                .enumerate()
                .map(|(i, d)| lax_seconds(d, &at(&loc, i)))
                .collect::<ApiResult<_>>()?,
        ),
        single => lax_seconds(single, &loc)?,
    };
    policy["retry_delay"] = checked;
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_type(result: ApiResult<impl std::fmt::Debug>) -> String {
        let error = result.unwrap_err();
        error.body["exception_detail"][0]["type"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn integers_are_read_as_pydantic_reads_them() {
        let loc = json!(["body", "offset"]);
        for (value, expected) in [
            (json!(3), 3),
            (json!(2.0), 2),
            (json!(" 1_0 "), 10),
            (json!(true), 1),
            (json!(1e18), 1_000_000_000_000_000_000),
        ] {
            assert_eq!(lax_int(&value, &loc).unwrap(), expected, "{value}");
        }
        assert_eq!(error_type(lax_int(&json!("abc"), &loc)), "int_parsing");
        assert_eq!(error_type(lax_int(&json!(1.5), &loc)), "int_from_float");
        assert_eq!(error_type(lax_int(&json!(1e19), &loc)), "int_parsing_size");
        assert_eq!(
            error_type(lax_int(&json!(u64::MAX), &loc)),
            "int_parsing_size"
        );
        assert_eq!(
            error_type(lax_int(&json!("99999999999999999999"), &loc)),
            "int_parsing_size"
        );
        assert_eq!(error_type(lax_int(&json!([]), &loc)), "int_type");
    }

    #[test]
    fn booleans_are_read_as_pydantic_reads_them() {
        let loc = json!(["body", "force"]);
        for (value, expected) in [
            (json!("yes"), true),
            (json!("NO"), false),
            (json!(1), true),
            (json!(0.0), false),
        ] {
            assert_eq!(lax_bool(&value, &loc).unwrap(), expected, "{value}");
        }
        assert_eq!(error_type(lax_bool(&json!("maybe"), &loc)), "bool_parsing");
        assert_eq!(error_type(lax_bool(&json!(2), &loc)), "bool_parsing");
        assert_eq!(error_type(lax_bool(&json!(1.5), &loc)), "bool_type");
        assert_eq!(error_type(lax_bool(&json!({}), &loc)), "bool_type");
    }

    #[test]
    fn delays_out_of_range_are_refused_and_lax_ones_written_back() {
        let policy = flow_run_policy(Some(&json!({"retries": "2", "retry_delay": 5.0}))).unwrap();
        assert_eq!(
            (&policy["retries"], &policy["retry_delay"]),
            (&json!(2), &json!(5))
        );
        let huge = flow_run_policy(Some(&json!({"retry_delay": 1e15})));
        assert_eq!(error_type(huge), "less_than_equal");
        assert_eq!(
            error_type(flow_run_policy(Some(&json!("abc")))),
            "model_type"
        );
        let policy = task_run_policy(Some(&json!({"retry_delay": [1, " 2.5 "]}))).unwrap();
        assert_eq!(policy["retry_delay"], json!([1, 2.5]));
        let list = task_run_policy(Some(&json!({"retry_delay": [1, "x"]})));
        assert_eq!(error_type(list), "float_type");
        let negative = task_run_policy(Some(&json!({"retry_delay": [-1e300]})));
        assert_eq!(error_type(negative), "greater_than_equal");
        assert_eq!(task_run_policy(None).unwrap(), json!({}));
    }
}
