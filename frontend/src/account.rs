//! The add-account form's data and its validation (pure).

use cartero_shared::sync::{Policy, Retention};
use cartero_shared::wire::Security;

use crate::i18n::T;
use crate::model::Account;

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
    /// The server policy chosen in the form.
    pub policy: Policy,
    /// Minutes between automatic checks (0: only on demand).
    pub check_minutes: u32,
    /// The name to show (empty: the address).
    pub name: String,
    /// The colour chosen, `#rrggbb` (empty: the next free one).
    pub colour: String,
}

/// The server-policy fields as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDraft {
    /// `leave`, `delete-after-download` or `leave-for-days`.
    pub mode: String,
    /// Days, for `leave-for-days`.
    pub days: String,
    /// Delete on the server when deleted here.
    pub delete_when_deleted_here: bool,
    /// Headers only above this many KB (empty: off).
    pub headers_only_kb: String,
    /// Minutes between automatic checks, as typed (0 or empty: only on demand).
    pub check_minutes: String,
}

impl Default for PolicyDraft {
    fn default() -> Self {
        PolicyDraft {
            mode: "leave".into(),
            days: "14".into(),
            delete_when_deleted_here: false,
            headers_only_kb: String::new(),
            check_minutes: "10".into(),
        }
    }
}

impl PolicyDraft {
    /// The fields showing an account's policy and check interval, for its edit form.
    pub fn of(account: &Account) -> PolicyDraft {
        let policy = &account.policy;
        let (mode, days) = match policy.retention {
            Retention::Leave => ("leave", None),
            Retention::DeleteAfterDownload => ("delete-after-download", None),
            Retention::LeaveForDays { days } => ("leave-for-days", Some(days)),
        };
        PolicyDraft {
            mode: mode.into(),
            days: days.map_or_else(|| PolicyDraft::default().days, |d| d.to_string()),
            delete_when_deleted_here: policy.delete_when_deleted_here,
            headers_only_kb: policy
                .headers_only_over
                .map(|octets| octets.div_ceil(1024).to_string())
                .unwrap_or_default(),
            check_minutes: account.check_minutes.to_string(),
        }
    }

    /// The check interval in minutes.
    pub fn check_minutes(&self) -> Result<u32, T> {
        match self.check_minutes.trim() {
            "" => Ok(0),
            typed => typed.parse().map_err(|_| T::PolicyInvalid),
        }
    }

    /// Validates the fields into a policy.
    pub fn into_policy(self) -> Result<Policy, T> {
        let retention = match self.mode.as_str() {
            "leave" => Retention::Leave,
            "delete-after-download" => Retention::DeleteAfterDownload,
            "leave-for-days" => Retention::LeaveForDays {
                days: self.days.trim().parse().map_err(|_| T::PolicyInvalid)?,
            },
            _ => return Err(T::PolicyInvalid),
        };
        let headers_only_over = match self.headers_only_kb.trim() {
            "" => None,
            kb => match kb.parse::<u64>() {
                Ok(kb) if kb > 0 => Some(kb * 1024),
                _ => return Err(T::PolicyInvalid),
            },
        };
        Ok(Policy {
            retention,
            delete_when_deleted_here: self.delete_when_deleted_here,
            headers_only_over,
        })
    }
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
    /// Validates the draft into a new account (with `id`) and the password to use now.
    pub fn into_account(self, id: String) -> Result<(Account, String), T> {
        if self.password.is_empty() {
            return Err(T::FormIncomplete);
        }
        self.build(id)
    }

    /// Validates the edit form of `old` into the account to store, and the password typed,
    /// if one was. An empty password field keeps the remembered one (when "remember" stays
    /// ticked) or forgets it (when not).
    pub fn into_edited(self, old: &Account) -> Result<(Account, Option<String>), T> {
        let remember = self.remember;
        let (mut account, typed) = self.build(old.id.clone())?;
        account.demo = old.demo && old.same_mailbox(&account);
        if typed.is_empty() {
            account.password = old.password.clone().filter(|_| remember);
            account.sealed_password = old.sealed_password.clone().filter(|_| remember);
            return Ok((account, None));
        }
        Ok((account, Some(typed)))
    }

    fn build(self, id: String) -> Result<(Account, String), T> {
        let host = self.host.trim().trim_end_matches('.').to_ascii_lowercase();
        let port: u16 = self.port.trim().parse().map_err(|_| T::FormIncomplete)?;
        let security = parse_security(&self.security).ok_or(T::FormIncomplete)?;
        let email = self.email.trim().to_owned();
        let username = match self.username.trim() {
            "" => email.clone(),
            name => name.to_owned(),
        };
        if host.is_empty() || port == 0 || username.is_empty() {
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
            sealed_password: None,
            demo: false,
            policy: self.policy,
            check_minutes: self.check_minutes,
            name: self.name.trim().to_owned(),
            colour: self.colour,
            removed_ms: None,
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
            policy: Policy::default(),
            check_minutes: 10,
            name: String::new(),
            colour: String::new(),
        }
    }

    #[test]
    fn an_edit_keeps_or_forgets_the_remembered_password() {
        let remembered = AccountDraft {
            remember: true,
            ..draft()
        };
        let (old, _) = remembered.clone().into_account("a1".into()).unwrap();
        let untouched = AccountDraft {
            password: String::new(),
            name: "Casa".into(),
            ..remembered.clone()
        };
        let (kept, typed) = untouched.clone().into_edited(&old).unwrap();
        assert_eq!((kept.password.as_deref(), typed), (Some("pw"), None));
        assert_eq!((kept.id.as_str(), kept.label()), ("a1", "Casa"));
        let forgotten = AccountDraft {
            remember: false,
            ..untouched
        };
        assert_eq!(forgotten.into_edited(&old).unwrap().0.password, None);
        let new_password = AccountDraft {
            password: "new".into(),
            ..remembered
        };
        let (changed, typed) = new_password.into_edited(&old).unwrap();
        assert_eq!(changed.password.as_deref(), Some("new"));
        assert_eq!(typed.as_deref(), Some("new"));
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
    fn an_accounts_policy_shows_in_its_edit_form_as_it_was_typed() {
        let typed = PolicyDraft {
            mode: "leave-for-days".into(),
            days: "7".into(),
            delete_when_deleted_here: true,
            headers_only_kb: "50".into(),
            check_minutes: "5".into(),
        };
        let (mut account, _) = draft().into_account("a".into()).unwrap();
        account.policy = typed.clone().into_policy().unwrap();
        account.check_minutes = 5;
        assert_eq!(PolicyDraft::of(&account), typed);
    }

    #[test]
    fn the_policy_fields_become_a_policy() {
        assert_eq!(PolicyDraft::default().into_policy(), Ok(Policy::default()));
        let typed = PolicyDraft {
            mode: "leave-for-days".into(),
            days: " 7 ".into(),
            delete_when_deleted_here: true,
            headers_only_kb: "50".into(),
            check_minutes: " 5".into(),
        };
        assert_eq!(typed.check_minutes(), Ok(5));
        assert_eq!(
            typed.into_policy(),
            Ok(Policy {
                retention: Retention::LeaveForDays { days: 7 },
                delete_when_deleted_here: true,
                headers_only_over: Some(51_200),
            })
        );
        for broken in [
            PolicyDraft {
                mode: "leave-for-days".into(),
                days: "-1".into(),
                ..PolicyDraft::default()
            },
            PolicyDraft {
                headers_only_kb: "0".into(),
                ..PolicyDraft::default()
            },
        ] {
            assert_eq!(broken.into_policy(), Err(T::PolicyInvalid));
        }
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
