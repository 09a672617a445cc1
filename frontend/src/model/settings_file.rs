//! The settings file: the accounts (never their passwords), the person's folders, the
//! rules and the sender lists as one JSON document, to take them to another browser or
//! device. Importing one adds what this device lacks and changes nothing it has: an account
//! for a mailbox already here, a folder of the same name in the same place, or a rule
//! that is already here stays as it is, and the imported rules point at those.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Account;
use super::rules::{Action, Field, Rule};
use super::user_folders::{self, UserFolder};

/// What the file says it is, in its `format` field.
pub const FORMAT: &str = "cartero-settings";
/// The newest version of the file this build reads and writes.
pub const VERSION: u32 = 1;

/// The settings file's document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// The file's version ([`VERSION`] when written here).
    pub version: u32,
    /// The accounts, without passwords, and without those removed.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// The folders the person made.
    #[serde(default)]
    pub folders: Vec<UserFolder>,
    /// The rules, in the order they apply.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Senders whose remote images are always shown.
    #[serde(default)]
    pub remote_images: Vec<String>,
    /// Senders whose mail opens as plain text.
    #[serde(default)]
    pub plain_text: Vec<String>,
}

/// What the device has now, or what it will have once an import is stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Every account, the removed ones whose mail was kept among them.
    pub accounts: Vec<Account>,
    /// The person's folders.
    pub folders: Vec<UserFolder>,
    /// The rules, in order.
    pub rules: Vec<Rule>,
    /// Senders whose remote images are always shown.
    pub remote_images: Vec<String>,
    /// Senders whose mail opens as plain text.
    pub plain_text: Vec<String>,
}

/// Why a file cannot be imported (nothing of it is then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportProblem {
    /// Not JSON, or not a Cartero settings file.
    NotSettings,
    /// Written by a newer Cartero.
    Newer,
    /// An account lacks its server or user name, or has characters no server takes.
    BadAccount(String),
    /// A folder's name or place is one no folder may have.
    BadFolder(String),
}

/// What an import adds: the accounts to store (they sync only once the person gives their
/// password), and every folder, rule and sender list as it is to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The accounts new to this device.
    pub new_accounts: Vec<Account>,
    /// Every folder after the import.
    pub folders: Vec<UserFolder>,
    /// Every rule after the import, the device's first.
    pub rules: Vec<Rule>,
    /// Every sender on the remote-images list after the import.
    pub remote_images: Vec<String>,
    /// Every sender on the plain-text list after the import.
    pub plain_text: Vec<String>,
    /// How many senders are new on the two lists.
    pub new_senders: usize,
    /// How many folders are new.
    pub new_folders: usize,
    /// How many rules are new.
    pub new_rules: usize,
}

impl Imported {
    /// Whether the file held nothing this device lacked.
    pub fn is_empty(&self) -> bool {
        self.new_accounts.is_empty()
            && self.new_folders == 0
            && self.new_rules == 0
            && self.new_senders == 0
    }

    /// The answer once this import is stored.
    pub fn answer(&self) -> ImportAnswer {
        ImportAnswer::Done {
            accounts: self.new_accounts.len() as u32,
            folders: self.new_folders as u32,
            rules: self.new_rules as u32,
            senders: self.new_senders as u32,
        }
    }
}

/// The worker's answer to an import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportAnswer {
    /// Stored, in one transaction: how many accounts, folders, rules and senders were new.
    Done {
        /// New accounts.
        accounts: u32,
        /// New folders.
        folders: u32,
        /// New rules.
        rules: u32,
        /// New senders on the two lists.
        senders: u32,
    },
    /// The file was refused; nothing changed.
    Refused(ImportProblem),
    /// Storing failed; nothing changed.
    Failed {
        /// The browser's storage is full.
        full: bool,
    },
}

/// The file for `settings`: removed accounts stay out, and no password goes in, in the
/// clear or sealed.
pub fn export(settings: &Settings) -> SettingsFile {
    let accounts = settings
        .accounts
        .iter()
        .filter(|a| a.removed_ms.is_none())
        .map(|a| Account {
            password: None,
            sealed_password: None,
            ..a.clone()
        })
        .collect();
    SettingsFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        accounts,
        folders: settings.folders.clone(),
        rules: settings.rules.clone(),
        remote_images: settings.remote_images.clone(),
        plain_text: settings.plain_text.clone(),
    }
}

/// Checks that `file` is a settings file this build reads.
pub fn check_format(file: &SettingsFile) -> Result<(), ImportProblem> {
    if file.format != FORMAT {
        return Err(ImportProblem::NotSettings);
    }
    if file.version > VERSION {
        return Err(ImportProblem::Newer);
    }
    Ok(())
}

/// What importing `file` into a device that has `now` adds. `fresh_id` makes an id not in
/// use, starting `acct` or `u`: accounts and folders are filed by their ids, so an
/// imported one that would take an id in use here (or one no id may be) gets another.
pub fn import(
    file: SettingsFile,
    now: &Settings,
    mut fresh_id: impl FnMut(&str) -> String,
) -> Result<Imported, ImportProblem> {
    check_format(&file)?;
    // The file's ids, mapped to the ones they have here.
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut new_accounts: Vec<Account> = Vec::new();
    for account in file.accounts {
        check_account(&account)?;
        let here = now
            .accounts
            .iter()
            .chain(&new_accounts)
            .find(|a| a.removed_ms.is_none() && a.same_mailbox(&account));
        if let Some(here) = here {
            ids.insert(account.id.clone(), here.id.clone());
            continue;
        }
        // A message's id is `account/uidl`: an account id holds no slash.
        let taken = |id: &str| {
            id.is_empty()
                || id.contains('/')
                || now.accounts.iter().chain(&new_accounts).any(|a| a.id == id)
        };
        let id = match taken(&account.id) {
            true => fresh_id("acct"),
            false => account.id.clone(),
        };
        ids.insert(account.id.clone(), id.clone());
        // The demo mark skips the clear-text warning, and the colour goes into a style:
        // neither is taken from a file as it is.
        let colour = match is_colour(&account.colour) {
            true => account.colour.clone(),
            false => String::new(),
        };
        new_accounts.push(Account {
            id,
            password: None,
            sealed_password: None,
            removed_ms: None,
            demo: false,
            colour,
            ..account
        });
    }
    let (folders, new_folders) = import_folders(file.folders, &now.folders, &mut ids, fresh_id)?;
    let (rules, new_rules) = import_rules(file.rules, &now.rules, &ids);
    let (remote_images, new_remote) = with_addresses(&now.remote_images, file.remote_images);
    let (plain_text, new_plain) = with_addresses(&now.plain_text, file.plain_text);
    Ok(Imported {
        new_accounts,
        folders,
        rules,
        remote_images,
        plain_text,
        new_senders: new_remote + new_plain,
        new_folders,
        new_rules,
    })
}

/// Whether `colour` is `#rrggbb`.
fn is_colour(colour: &str) -> bool {
    colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// An account's server, port and user name must be there, and hold no control
/// characters (nothing a POP3 command could be split on).
fn check_account(account: &Account) -> Result<(), ImportProblem> {
    let clean = |s: &str| !s.trim().is_empty() && !s.chars().any(char::is_control);
    let host_ok = clean(&account.host) && !account.host.contains(char::is_whitespace);
    match host_ok && clean(&account.username) && clean(&account.email) && account.port != 0 {
        true => Ok(()),
        false => Err(ImportProblem::BadAccount(account.email.clone())),
    }
}

/// Every folder after adding the file's: top-level ones first, so a folder's parent is
/// placed before it. A folder of the same name in the same place is the one here.
fn import_folders(
    file: Vec<UserFolder>,
    now: &[UserFolder],
    ids: &mut HashMap<String, String>,
    mut fresh_id: impl FnMut(&str) -> String,
) -> Result<(Vec<UserFolder>, usize), ImportProblem> {
    let mut folders = now.to_vec();
    let mut added = 0;
    let (top, inside): (Vec<_>, Vec<_>) = file.into_iter().partition(|f| f.parent.is_none());
    for folder in top.into_iter().chain(inside) {
        let parent = match &folder.parent {
            None => None,
            Some(p) => Some(
                ids.get(p)
                    .cloned()
                    .ok_or_else(|| ImportProblem::BadFolder(folder.name.clone()))?,
            ),
        };
        let here = folders
            .iter()
            .find(|f| f.parent == parent && user_folders::same(&f.name, &folder.name));
        if let Some(here) = here {
            ids.insert(folder.id.clone(), here.id.clone());
            continue;
        }
        user_folders::check(&folders, &folder.name, parent.as_deref(), None)
            .map_err(|_| ImportProblem::BadFolder(folder.name.clone()))?;
        // Built-in folders' ids do not start `u-`.
        let taken = |id: &str| !id.starts_with("u-") || folders.iter().any(|f| f.id == id);
        let id = match taken(&folder.id) {
            true => fresh_id("u"),
            false => folder.id.clone(),
        };
        ids.insert(folder.id.clone(), id.clone());
        folders.push(UserFolder {
            id,
            name: folder.name.trim().to_owned(),
            parent,
        });
        added += 1;
    }
    Ok((folders, added))
}

/// Every rule after adding the file's, which now point at the accounts and folders as they
/// are here; a rule that is already here (the same once pointed so, id aside) is not added
/// again.
fn import_rules(
    file: Vec<Rule>,
    now: &[Rule],
    ids: &HashMap<String, String>,
) -> (Vec<Rule>, usize) {
    let mut rules = now.to_vec();
    let mut added = 0;
    for mut rule in file {
        for condition in &mut rule.conditions {
            if condition.field == Field::Account
                && let Some(id) = ids.get(&condition.value)
            {
                condition.value = id.clone();
            }
        }
        for action in &mut rule.actions {
            if let Action::Move(folder) = action
                && let Some(id) = ids.get(folder.as_str())
            {
                *folder = id.clone();
            }
        }
        let same = |r: &Rule| {
            Rule {
                id: rule.id.clone(),
                ..r.clone()
            } == rule
        };
        if rules.iter().any(same) {
            continue;
        }
        let base = rule.id.clone();
        let mut n = rules.len();
        while rule.id.is_empty() || rules.iter().any(|r| r.id == rule.id) {
            n += 1;
            rule.id = format!("{base}-{n}");
        }
        rules.push(rule);
        added += 1;
    }
    (rules, added)
}

/// The list `now` with the addresses of `file` it lacks (lower-cased, once each), and how
/// many those are.
fn with_addresses(now: &[String], file: Vec<String>) -> (Vec<String>, usize) {
    let mut list = now.to_vec();
    for address in file {
        let address = super::account::lower_case(address.trim());
        if !address.is_empty() && !list.contains(&address) {
            list.push(address);
        }
    }
    let added = list.len() - now.len();
    (list, added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rules::{Condition, Test};
    use cartero_shared::wire::Security;

    fn account(id: &str, host: &str, user: &str) -> Account {
        Account {
            id: id.into(),
            email: format!("{user}@{host}"),
            host: host.into(),
            port: 995,
            security: Security::Tls,
            username: user.into(),
            password: Some("secreto".into()),
            sealed_password: None,
            demo: false,
            policy: Default::default(),
            check_minutes: 10,
            name: "Casa".into(),
            colour: "#2f7dd1".into(),
            removed_ms: None,
        }
    }

    fn folder(id: &str, name: &str, parent: Option<&str>) -> UserFolder {
        UserFolder {
            id: id.into(),
            name: name.into(),
            parent: parent.map(Into::into),
        }
    }

    fn rule(id: &str, account: &str, folder: &str) -> Rule {
        Rule {
            id: id.into(),
            name: "Facturas".into(),
            enabled: true,
            all: true,
            conditions: vec![Condition {
                field: Field::Account,
                header: String::new(),
                test: Test::Is,
                value: account.into(),
            }],
            actions: vec![Action::Move(folder.into()), Action::MarkRead],
        }
    }

    fn device() -> Settings {
        Settings {
            accounts: vec![account("acct-1", "pop.example.org", "ana")],
            folders: vec![
                folder("u-1", "Trabajo", None),
                folder("u-2", "Facturas", Some("u-1")),
            ],
            rules: vec![rule("r-1", "acct-1", "u-2")],
            remote_images: vec!["boletin@example.org".into()],
            plain_text: Vec::new(),
        }
    }

    fn numbered() -> impl FnMut(&str) -> String {
        let mut n = 0;
        move |prefix| {
            n += 1;
            format!("{prefix}-n{n}")
        }
    }

    #[test]
    fn an_export_carries_no_password_and_no_removed_account() {
        let mut settings = device();
        settings.accounts[0].sealed_password = Some(crate::model::Sealed {
            iv: vec![1],
            data: vec![2],
        });
        let mut removed = account("acct-0", "old.example.org", "ana");
        removed.removed_ms = Some(1.0);
        settings.accounts.push(removed);
        let file = export(&settings);
        assert_eq!(file.accounts.len(), 1);
        assert_eq!(file.accounts[0].password, None);
        assert_eq!(file.accounts[0].sealed_password, None);
        assert_eq!((file.format.as_str(), file.version), (FORMAT, VERSION));
        assert_eq!(file.rules, settings.rules);
    }

    #[test]
    fn into_an_empty_device_everything_comes_as_it_was() {
        let file = export(&device());
        let imported = import(file, &Settings::default(), numbered()).unwrap();
        assert_eq!(imported.new_accounts.len(), 1);
        assert_eq!(imported.new_accounts[0].id, "acct-1");
        assert_eq!(imported.new_accounts[0].password, None);
        assert_eq!(imported.folders, device().folders);
        assert_eq!(imported.rules, device().rules);
        assert_eq!(imported.remote_images, vec!["boletin@example.org"]);
        assert_eq!(imported.new_senders, 1);
        assert_eq!((imported.new_folders, imported.new_rules), (2, 1));
    }

    #[test]
    fn importing_the_same_file_twice_adds_nothing() {
        let imported = import(export(&device()), &device(), numbered()).unwrap();
        assert!(imported.is_empty(), "{imported:?}");
        assert_eq!(imported.folders, device().folders);
        assert_eq!(imported.rules, device().rules);
    }

    #[test]
    fn rules_point_at_the_accounts_and_folders_as_they_are_here() {
        // Another device made the same mailbox and folders under other ids.
        let other = Settings {
            accounts: vec![account("acct-9", "pop.example.org", "ana")],
            folders: vec![
                folder("u-7", "trabajo ", None),
                folder("u-8", "Facturas", Some("u-7")),
                folder("u-1", "Viajes", None),
            ],
            rules: vec![rule("r-1", "acct-9", "u-8"), rule("r-2", "acct-9", "u-1")],
            ..Settings::default()
        };
        let imported = import(export(&other), &device(), numbered()).unwrap();
        assert!(imported.new_accounts.is_empty());
        // Viajes is new, and its id was taken here.
        assert_eq!(imported.new_folders, 1);
        let viajes = imported.folders.last().unwrap();
        assert_eq!(
            (viajes.id.as_str(), viajes.name.as_str()),
            ("u-n1", "Viajes")
        );
        // r-1 is the device's own once pointed; r-2 files into Viajes.
        assert_eq!(imported.new_rules, 1);
        assert_eq!(imported.rules[1].actions[0], Action::Move("u-n1".into()));
        assert_eq!(imported.rules[1].conditions[0].value, "acct-1");
        assert_eq!(imported.rules[1].id, "r-2");
    }

    #[test]
    fn a_new_mailbox_whose_id_is_taken_gets_another() {
        let other = Settings {
            accounts: vec![account("acct-1", "pop.other.org", "luis")],
            rules: vec![rule("r-1", "acct-1", "archive")],
            ..Settings::default()
        };
        let imported = import(export(&other), &device(), numbered()).unwrap();
        assert_eq!(imported.new_accounts[0].id, "acct-n1");
        let added = imported.rules.last().unwrap();
        assert_eq!(added.conditions[0].value, "acct-n1");
        assert_eq!(added.actions[0], Action::Move("archive".into()));
        assert_ne!(added.id, "r-1");
    }

    #[test]
    fn an_imported_account_is_no_demo_and_takes_only_a_real_colour() {
        let mut odd = account("acct-5", "pop.other.org", "luis");
        odd.demo = true;
        odd.colour = "red; background: url(https://t.example/x)".into();
        let file = export(&Settings {
            accounts: vec![odd, account("acct-6", "pop.third.org", "eva")],
            ..Settings::default()
        });
        let imported = import(file, &device(), numbered()).unwrap();
        let [odd, plain] = &imported.new_accounts[..] else {
            panic!("{imported:?}")
        };
        assert!(!odd.demo);
        assert_eq!(odd.colour, "");
        assert_eq!(plain.colour, "#2f7dd1");
    }

    #[test]
    fn a_file_that_is_not_settings_or_is_newer_is_refused() {
        let mut file = export(&device());
        file.version = VERSION + 1;
        assert_eq!(
            import(file.clone(), &device(), numbered()),
            Err(ImportProblem::Newer)
        );
        file.format = "mbox".into();
        assert_eq!(
            import(file, &device(), numbered()),
            Err(ImportProblem::NotSettings)
        );
    }

    #[test]
    fn a_bad_account_or_folder_refuses_the_whole_file() {
        let mut file = export(&Settings::default());
        file.accounts = vec![account("a", "pop.example.org", "ana\r\nDELE 1")];
        assert!(matches!(
            import(file.clone(), &device(), numbered()),
            Err(ImportProblem::BadAccount(_))
        ));
        file.accounts.clear();
        file.folders = vec![folder("u-5", "Inbox", None)];
        assert!(matches!(
            import(file.clone(), &device(), numbered()),
            Err(ImportProblem::BadFolder(_))
        ));
        file.folders = vec![folder("u-5", "Dentro", Some("u-404"))];
        assert!(matches!(
            import(file, &device(), numbered()),
            Err(ImportProblem::BadFolder(_))
        ));
    }
}
