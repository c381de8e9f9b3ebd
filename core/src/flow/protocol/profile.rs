//! The learner, from the platform's `current_user` or an OpenID Connect userinfo answer.

use super::{Fields, ProtocolError, MAX_FIELD_LEN};

/// The learner, as shown and as kept with the session for when the platform is out of reach.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Full name when the server gives one (OIDC `name`), else first and last names joined.
    pub display_name: String,
    /// When the account was created, as the server wrote it (ISO 8601 on the platform).
    pub member_since: Option<String>,
}

pub fn parse_profile(body: &[u8]) -> Result<Profile, ProtocolError> {
    let f = Fields::parse(body)?;
    let nonempty = |s: &String| !s.trim().is_empty();
    let id = f
        .opt_id("id")?
        .filter(nonempty)
        .or(f.opt_id("sub")?.filter(nonempty))
        .ok_or(ProtocolError::Missing("id"))?;
    let first_name = f
        .opt_string("firstname", MAX_FIELD_LEN)?
        .or(f.opt_string("given_name", MAX_FIELD_LEN)?);
    let last_name = f
        .opt_string("lastname", MAX_FIELD_LEN)?
        .or(f.opt_string("family_name", MAX_FIELD_LEN)?);
    let email = f.opt_string("email", MAX_FIELD_LEN)?;
    let joined = [first_name.as_deref(), last_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let display_name = f
        .opt_string("name", MAX_FIELD_LEN)?
        .filter(|s| !s.trim().is_empty())
        .or((!joined.is_empty()).then_some(joined))
        .or(email.clone().filter(nonempty))
        .unwrap_or_else(|| id.clone());
    let member_since = match f.opt_string("created_at", 64)? {
        Some(s) => Some(s),
        // OIDC has no creation date; the platform also sends `created_date` (dd/mm/yyyy).
        None => f.opt_string("created_date", 64)?,
    };
    Ok(Profile {
        id,
        email,
        first_name,
        last_name,
        display_name,
        member_since,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_profile() {
        let p = parse_profile(
            br#"{"id":5,"email":"john.doe@example.com","firstname":"John","lastname":"Doe","created_at":"2024-02-05T08:52:20.957Z","created_date":"05/02/2024"}"#,
        )
        .unwrap();
        assert_eq!(p.id, "5");
        assert_eq!(p.display_name, "John Doe");
        assert_eq!(p.email.as_deref(), Some("john.doe@example.com"));
        assert_eq!(p.member_since.as_deref(), Some("2024-02-05T08:52:20.957Z"));
    }

    #[test]
    fn oidc_profile() {
        let p = parse_profile(
            br#"{"sub":"abc","email":"a@b.c","given_name":"Ada","family_name":"Lovelace","name":"Ada L."}"#,
        )
        .unwrap();
        assert_eq!(p.id, "abc");
        assert_eq!(p.first_name.as_deref(), Some("Ada"));
        assert_eq!(p.display_name, "Ada L.");
        assert_eq!(p.member_since, None);
        let bare = parse_profile(br#"{"sub":"abc"}"#).unwrap();
        assert_eq!(bare.display_name, "abc");
        assert_eq!(
            parse_profile(br#"{"email":"a"}"#).unwrap_err(),
            ProtocolError::Missing("id")
        );
    }
}
