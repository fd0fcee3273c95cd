//! The type of a setting's value, and the check every value passes before we write it or use it.
//! Error texts follow pydantic's (what Prefect prints), with the stricter checks Prefect lacks (URLs).

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Text,
    /// An http:// or https:// URL with a host (Prefect accepts any string here and fails later).
    HttpUrl,
    /// A database URL in one of the forms Prefect accepts.
    DatabaseUrl,
    Port,
    /// A whole number within its bounds.
    Int(Bounds),
    /// A finite number within its bounds (never nan or inf: they parse, and then overflow what uses them).
    Float(Bounds),
    /// A duration as pydantic reads a `timedelta`: seconds, `[D day[s], ]H:MM:SS[.f]`, or ISO 8601 `P…T…`.
    Duration,
    Bool,
    LogLevel,
    Path,
    /// A host name or IP address to bind to; never a URL (Prefect #16950).
    Host,
    IpAddr,
    Choice(&'static [&'static str]),
}

const LOG_LEVELS: [&str; 5] = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

impl Kind {
    /// Checks `raw` and explains what is wrong with it, in a sentence that can follow " - ".
    pub fn check(self, raw: &str) -> Result<(), String> {
        match self {
            Kind::Text => Ok(()),
            Kind::Path if raw.trim().is_empty() => Err("Input should be a non-empty path".into()),
            Kind::Path => Ok(()),
            Kind::HttpUrl => check_http_url(raw),
            Kind::DatabaseUrl => crate::db::DatabaseUrl::parse(raw).map(drop),
            Kind::Port => match raw.trim().parse::<u16>() {
                Ok(_) => Ok(()),
                Err(_) => Err(format!(
                    "Input should be a port number from 0 to 65535, got {raw:?}"
                )),
            },
            Kind::Int(bounds) => match raw.trim().parse::<i64>() {
                Ok(n) if bounds.contains(n as f64) => Ok(()),
                Ok(_) => Err(format!(
                    "Input should be a whole number {}, got {raw:?}",
                    bounds.describe()
                )),
                Err(_) => Err(format!(
                    "Input should be a valid integer {}, unable to parse {raw:?} as an integer",
                    bounds.describe()
                )),
            },
            Kind::Float(bounds) => match raw.trim().parse::<f64>() {
                Ok(x) if bounds.contains(x) => Ok(()),
                Ok(_) => Err(format!(
                    "Input should be a finite number {}, got {raw:?}",
                    bounds.describe()
                )),
                Err(_) => Err(format!(
                    "Input should be a valid number {}, unable to parse {raw:?} as a number",
                    bounds.describe()
                )),
            },
            Kind::Duration => parse_duration(raw).map(drop).ok_or_else(|| {
                format!("Input should be a duration: seconds (3600), H:MM:SS (1:00:00) or ISO 8601 (PT1H), got {raw:?}")
            }),
            Kind::Bool => parse_bool(raw)
                .map(drop)
                .ok_or_else(|| "Input should be a valid boolean, unable to interpret input".into()),
            Kind::LogLevel => {
                if LOG_LEVELS.contains(&raw.trim().to_ascii_uppercase().as_str()) {
                    Ok(())
                } else {
                    Err("Input should be 'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'".into())
                }
            }
            Kind::Host => {
                if raw.is_empty()
                    || raw.contains("://")
                    || raw.contains('/')
                    || raw.chars().any(char::is_whitespace)
                {
                    Err(format!(
                        "Input should be a host name or IP address such as 127.0.0.1 (not a URL), got {raw:?}"
                    ))
                } else {
                    Ok(())
                }
            }
            Kind::IpAddr => raw
                .trim()
                .parse::<std::net::IpAddr>()
                .map(drop)
                .map_err(|_| {
                    format!(
                        "Input should be an IP address such as 127.0.0.1 or 0.0.0.0, got {raw:?}"
                    )
                }),
            Kind::Choice(choices) => {
                if choices.contains(&raw) {
                    Ok(())
                } else {
                    let quoted: Vec<String> = choices.iter().map(|c| format!("'{c}'")).collect();
                    Err(format!("Input should be one of {}", quoted.join(", ")))
                }
            }
        }
    }

    /// An example value for error hints.
    pub fn example(self) -> Option<&'static str> {
        match self {
            Kind::HttpUrl => Some("http://127.0.0.1:4200/api"),
            Kind::DatabaseUrl => {
                Some("postgresql+asyncpg://prefect:PASSWORD@127.0.0.1:5432/prefect")
            }
            Kind::Port => Some("4200"),
            Kind::Bool => Some("true"),
            Kind::LogLevel => Some("INFO"),
            Kind::IpAddr | Kind::Host => Some("127.0.0.1"),
            Kind::Int(bounds) | Kind::Float(bounds) => Some(bounds.example),
            Kind::Duration => Some("3600"),
            _ => None,
        }
    }
}

/// The values a number setting may take. Prefect checks few of its numbers (it crashes later on `1e300`), so each
/// setting's bounds are what its use can hold: durations that fit a timer, and more than zero where zero spins.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    min: f64,
    /// "greater than `min`" rather than "at least `min`".
    min_exclusive: bool,
    max: f64,
    /// A value within the bounds, for hints.
    example: &'static str,
}

impl Bounds {
    /// `min <= value <= max`.
    pub const fn between(min: f64, max: f64, example: &'static str) -> Self {
        Self {
            min,
            min_exclusive: false,
            max,
            example,
        }
    }

    /// `min < value <= max`.
    pub const fn above(min: f64, max: f64, example: &'static str) -> Self {
        Self {
            min,
            min_exclusive: true,
            max,
            example,
        }
    }

    /// False for nan and the infinities, whatever the bounds.
    pub fn contains(self, value: f64) -> bool {
        let above_min = if self.min_exclusive {
            value > self.min
        } else {
            value >= self.min
        };
        value.is_finite() && above_min && value <= self.max
    }

    /// "from 0 to 86400", or "greater than 0 and at most 86400".
    fn describe(self) -> String {
        if self.min_exclusive {
            format!("greater than {} and at most {}", self.min, self.max)
        } else {
            format!("from {} to {}", self.min, self.max)
        }
    }
}

/// pydantic's lenient boolean parsing, which Prefect users rely on (`true`, `1`, `yes`, `on`, ...).
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
        "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// The longest duration we take (100 years): anything longer is a typo, and would overflow time arithmetic.
const MAX_DURATION_SECONDS: f64 = 100.0 * 365.25 * 86_400.0;

/// A non-negative `timedelta` in one of the forms pydantic accepts (see `Kind::Duration`).
pub fn parse_duration(raw: &str) -> Option<std::time::Duration> {
    let raw = raw.trim();
    let seconds = if let Some(iso) = raw.strip_prefix(['P', 'p']) {
        iso_8601_seconds(iso)?
    } else if raw.contains(':') {
        clock_seconds(raw)?
    } else {
        raw.parse::<f64>().ok()?
    };
    (seconds.is_finite() && (0.0..=MAX_DURATION_SECONDS).contains(&seconds))
        .then(|| std::time::Duration::from_secs_f64(seconds))
}

/// `[D day[s], ]H:MM[:SS[.f]]`.
fn clock_seconds(raw: &str) -> Option<f64> {
    let (days, clock) = match raw.split_once(',') {
        Some((days, clock)) => {
            let days = days.trim().trim_end_matches("days").trim_end_matches("day");
            (days.trim().parse::<f64>().ok()?, clock.trim())
        }
        None => (0.0, raw),
    };
    let parts: Vec<f64> = clock
        .split(':')
        .map(|p| p.parse::<f64>().ok().filter(|v| *v >= 0.0))
        .collect::<Option<_>>()?;
    let clock = match parts.as_slice() {
        [h, m] => h * 3600.0 + m * 60.0,
        [h, m, s] => h * 3600.0 + m * 60.0 + s,
        _ => return None,
    };
    Some(days * 86_400.0 + clock)
}

/// The part after `P` of `PnW`, `PnDTnHnMnS` and their subsets.
fn iso_8601_seconds(iso: &str) -> Option<f64> {
    let (date, time) = match iso.split_once(['T', 't']) {
        Some((date, time)) if !time.is_empty() => (date, time),
        Some(_) => return None,
        None => (iso, ""),
    };
    let sum = |text: &str, units: &[(char, f64)]| -> Option<f64> {
        let mut total = 0.0;
        let mut number = String::new();
        for c in text.chars() {
            match units.iter().find(|(u, _)| c.eq_ignore_ascii_case(u)) {
                Some((_, scale)) if !number.is_empty() => {
                    total += number.parse::<f64>().ok()? * scale;
                    number.clear();
                }
                Some(_) => return None,
                None => number.push(c),
            }
        }
        number.is_empty().then_some(total)
    };
    let days = sum(date, &[('W', 604_800.0), ('D', 86_400.0)])?;
    let clock = sum(time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
    (!(date.is_empty() && time.is_empty())).then_some(days + clock)
}

fn check_http_url(raw: &str) -> Result<(), String> {
    let bad = || {
        Err(format!(
            "Input should be an http:// or https:// URL with a host, got {raw:?}"
        ))
    };
    let Some((scheme, rest)) = raw.split_once("://") else {
        return bad();
    };
    if !matches!(scheme, "http" | "https") || raw.chars().any(char::is_whitespace) {
        return bad();
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        match bracketed.split_once(']') {
            Some((host, after)) => (host, after.strip_prefix(':')),
            None => return bad(),
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() || port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return bad();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_urls() {
        for good in [
            "http://127.0.0.1:4200/api",
            "https://h",
            "http://[::1]:4200/api",
            "http://u:p@host/x",
        ] {
            assert_eq!(Kind::HttpUrl.check(good), Ok(()), "{good}");
        }
        for bad in [
            "notaurl",
            "ftp://h",
            "http://",
            "http://:4200/api",
            "http://h:99999/",
            "http://h /api",
            "http://[::1/",
        ] {
            assert!(Kind::HttpUrl.check(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_in_pydantics_forms() {
        let seconds = |raw: &str| parse_duration(raw).map(|d| d.as_secs_f64());
        assert_eq!(seconds("3600"), Some(3600.0));
        assert_eq!(seconds("0.5"), Some(0.5));
        assert_eq!(seconds("1:00:00"), Some(3600.0));
        assert_eq!(seconds("01:30"), Some(5400.0));
        assert_eq!(seconds("2 days, 0:00:01"), Some(172_801.0));
        assert_eq!(seconds("PT1H"), Some(3600.0));
        assert_eq!(seconds("P1DT2M"), Some(86_520.0));
        assert_eq!(seconds("P1W"), Some(604_800.0));
        for bad in [
            "", "-5", "nan", "inf", "1e300", "P", "PT", "PTH", "1:2:3:4", "an hour",
        ] {
            assert_eq!(seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn scalars() {
        assert!(Kind::Port.check("4200").is_ok());
        assert!(Kind::Port.check("70000").is_err());
        assert!(Kind::Bool.check("Yes").is_ok());
        assert!(Kind::Bool.check("maybe").is_err());
        assert!(Kind::LogLevel.check("debug").is_ok());
        assert!(Kind::LogLevel.check("LOUD").is_err());
        let seconds = Kind::Float(Bounds::above(0.0, 86400.0, "5"));
        assert!(seconds.check("10").is_ok());
        assert!(seconds.check("86400").is_ok());
        for bad in [
            "0", "-5", "86400.5", "1e300", "nan", "NaN", "inf", "-inf", "five",
        ] {
            assert!(seconds.check(bad).is_err(), "{bad}");
        }
        let whole = Kind::Int(Bounds::between(1.0, 60.0, "5"));
        assert!(whole.check("1").is_ok());
        for bad in ["0", "61", "1.5", "1e3", "-9223372036854775808"] {
            assert!(whole.check(bad).is_err(), "{bad}");
        }
        assert_eq!(
            whole.check("0"),
            Err("Input should be a whole number from 1 to 60, got \"0\"".into())
        );
        assert!(
            Kind::DatabaseUrl
                .check("sqlite+aiosqlite:///:memory:")
                .is_ok()
        );
        assert!(Kind::DatabaseUrl.check("mysql://x").is_err());
        assert!(Kind::IpAddr.check("0.0.0.0").is_ok());
        assert!(Kind::Host.check("localhost").is_ok());
        assert!(Kind::Host.check("http://127.0.0.1").is_err());
        assert!(Kind::IpAddr.check("localhost").is_err());
        assert!(
            Kind::Choice(&["docker", "process"])
                .check("podman")
                .is_err()
        );
    }
}
