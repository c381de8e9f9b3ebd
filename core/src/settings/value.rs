//! A setting's value as people write it — in a TOML file a string, a boolean or an array; in
//! the registry a `REG_SZ`, a `REG_DWORD` or a `REG_MULTI_SZ`; in a configuration profile a
//! string, a boolean or an array — turned into the one form the checks read. The string
//! forms are accepted everywhere.

use super::key::{Key, Kind};

/// A value as its source wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    Text(String),
    Flag(bool),
    Number(i64),
    List(Vec<String>),
    /// Anything else, named as its source names it (`a table`, `REG_BINARY`…).
    Other(String),
}

impl Kind {
    /// What a value of this kind must be, for a message that names the setting.
    pub fn expects(self) -> String {
        match self {
            Kind::Address => "an address such as \"https://moncampus.fr\"".into(),
            Kind::Text => "text".into(),
            Kind::Flag => "true or false".into(),
            Kind::Duration => "a duration such as \"15m\" or \"1h\", or \"off\"".into(),
            Kind::Hosts => "a list of host names, such as [\"sso.example\"]".into(),
            Kind::Choice(words) => {
                let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
                format!("one of {}", quoted.join(", "))
            }
        }
    }
}

/// The value `key` is given as `written`, in the form the checks read (`true`, `15m`,
/// `a.example,b.example`); otherwise what it must be, naming the setting.
pub fn read(key: Key, written: Written) -> Result<String, String> {
    let kind = key.kind();
    match (kind, written) {
        (_, Written::Text(text)) => Ok(text),
        (Kind::Flag, Written::Flag(flag)) => Ok(flag.to_string()),
        (Kind::Flag, Written::Number(n @ (0 | 1))) => Ok((n == 1).to_string()),
        (Kind::Hosts, Written::List(hosts)) => Ok(hosts.join(",")),
        _ => Err(format!("`{}` must be {}", key.name(), kind.expects())),
    }
}

impl From<&toml::Value> for Written {
    fn from(value: &toml::Value) -> Self {
        match value {
            toml::Value::String(s) => Written::Text(s.clone()),
            toml::Value::Boolean(b) => Written::Flag(*b),
            toml::Value::Integer(n) => Written::Number(*n),
            toml::Value::Array(items) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map_or_else(
                    || Written::Other("a list of other things than text".into()),
                    Written::List,
                ),
            other => Written::Other(other.type_str().into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_people_write_them() {
        let text = |s: &str| Written::Text(s.into());
        assert_eq!(
            read(Key::RememberSession, Written::Flag(false)),
            Ok("false".into())
        );
        assert_eq!(
            read(Key::RememberSession, text("false")),
            Ok("false".into())
        );
        assert_eq!(
            read(Key::RememberSession, Written::Number(1)),
            Ok("true".into())
        );
        assert_eq!(
            read(
                Key::AllowedHosts,
                Written::List(vec!["a.example".into(), "b.example:8443".into()])
            ),
            Ok("a.example,b.example:8443".into())
        );
        assert_eq!(
            read(Key::AllowedHosts, text("a.example")),
            Ok("a.example".into())
        );
        assert_eq!(read(Key::SignOutWhenIdle, text("15m")), Ok("15m".into()));
        // A wrong type names the setting and what it must be.
        assert_eq!(
            read(Key::RememberSession, Written::Number(2)),
            Err("`remember_session` must be true or false".into())
        );
        assert_eq!(
            read(Key::Updates, Written::Flag(false)),
            Err("`updates` must be one of \"notify\", \"auto\", \"off\"".into())
        );
        assert_eq!(
            read(Key::AuthUrl, Written::List(vec![])),
            Err("`auth_url` must be an address such as \"https://moncampus.fr\"".into())
        );
        assert_eq!(
            read(Key::SignOutWhenIdle, Written::Number(900)),
            Err(
                "`sign_out_when_idle` must be a duration such as \"15m\" or \"1h\", or \"off\""
                    .into()
            )
        );
    }

    #[test]
    fn toml_values() {
        let parsed: toml::Table =
            toml::from_str("a = true\nb = [\"x\", \"y\"]\nc = [1]\nd = 3\ne = {}\n").unwrap();
        assert_eq!(Written::from(&parsed["a"]), Written::Flag(true));
        assert_eq!(
            Written::from(&parsed["b"]),
            Written::List(vec!["x".into(), "y".into()])
        );
        assert!(matches!(Written::from(&parsed["c"]), Written::Other(_)));
        assert_eq!(Written::from(&parsed["d"]), Written::Number(3));
        assert_eq!(Written::from(&parsed["e"]), Written::Other("table".into()));
    }
}
