//! The add-account form's data and its validation (pure).

use cartero_shared::wire::Security;

use crate::i18n::T;
use crate::state::Account;

/// What the user typed in the add-account form.
#[derive(Debug, Clone, Default)]
pub struct AccountDraft {
    /// Email address.
    pub email: String,
    /// POP3 host.
    pub host: String,
    /// Port as typed.
    pub port: String,
    /// `tls`, `starttls` or `none`.
    pub security: String,
    /// User name (the email address when left empty).
    pub username: String,
    /// Password.
    pub password: String,
    /// Keep the password on this device.
    pub remember: bool,
}

/// The default port for a security choice.
pub fn default_port(security: &str) -> &'static str {
    if security == "tls" { "995" } else { "110" }
}

/// Parses the select's value.
pub fn parse_security(value: &str) -> Option<Security> {
    match value {
        "tls" => Some(Security::Tls),
        "starttls" => Some(Security::Starttls),
        "none" => Some(Security::None),
        _ => None,
    }
}

impl AccountDraft {
    /// Validates the draft into an account (with `id`) and the password to use now.
    pub fn into_account(self, id: String) -> Result<(Account, String), T> {
        let host = self.host.trim().trim_end_matches('.').to_ascii_lowercase();
        let port: u16 = self.port.trim().parse().map_err(|_| T::FormIncomplete)?;
        let security = parse_security(&self.security).ok_or(T::FormIncomplete)?;
        let email = self.email.trim().to_owned();
        let username = match self.username.trim() {
            "" => email.clone(),
            name => name.to_owned(),
        };
        if host.is_empty() || port == 0 || username.is_empty() || self.password.is_empty() {
            return Err(T::FormIncomplete);
        }
        let account = Account {
            id,
            email: if email.is_empty() {
                username.clone()
            } else {
                email
            },
            host,
            port,
            security,
            username,
            password: self.remember.then(|| self.password.clone()),
            demo: false,
        };
        Ok((account, self.password))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> AccountDraft {
        AccountDraft {
            email: " Ana@Example.org ".into(),
            host: "POP.Example.org.".into(),
            port: "995".into(),
            security: "tls".into(),
            username: String::new(),
            password: "pw".into(),
            remember: false,
        }
    }

    #[test]
    fn a_complete_draft_becomes_an_account() {
        let (account, password) = draft().into_account("a1".into()).unwrap();
        assert_eq!(account.host, "pop.example.org");
        assert_eq!(
            account.username, "Ana@Example.org",
            "user name defaults to the email"
        );
        assert_eq!(account.security, Security::Tls);
        assert_eq!(account.password, None, "not remembered unless asked");
        assert_eq!(password, "pw");
        let remembered = AccountDraft {
            remember: true,
            ..draft()
        };
        assert_eq!(
            remembered
                .into_account("a2".into())
                .unwrap()
                .0
                .password
                .as_deref(),
            Some("pw")
        );
    }

    #[test]
    fn incomplete_drafts_are_refused() {
        for broken in [
            AccountDraft {
                host: " ".into(),
                ..draft()
            },
            AccountDraft {
                port: "99999".into(),
                ..draft()
            },
            AccountDraft {
                port: "0".into(),
                ..draft()
            },
            AccountDraft {
                password: String::new(),
                ..draft()
            },
            AccountDraft {
                security: "ssl".into(),
                ..draft()
            },
        ] {
            assert_eq!(
                broken.into_account("x".into()).unwrap_err(),
                T::FormIncomplete
            );
        }
    }
}
