//! The primary passphrase on the page: asking for it once per browser session (a tab that
//! has the key hands it to a new tab over a `BroadcastChannel`), opening the remembered
//! passwords with it, and setting, changing or clearing it. The crypto is [`crate::vault`];
//! the worker stores the result.

use std::cell::RefCell;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, CryptoKey, MessageEvent};

use crate::i18n::T;
use crate::model::{Account, Intent, Vault};
use crate::state::AppStore;
use crate::sync;
use crate::vault::{self, VaultError};

/// The channel tabs hand the key over on.
const KEY_CHANNEL: &str = "cartero-vault";
/// What a tab without the key asks.
const KEY_WANTED: &str = "key?";
/// How long a new tab waits for another tab's key before asking the person.
const HANDOVER_MS: u32 = 400;
/// The shortest passphrase accepted.
pub const MIN_LENGTH: usize = 8;

thread_local! {
    static CHANNEL: RefCell<Option<BroadcastChannel>> = const { RefCell::new(None) };
}

fn post(message: &JsValue) {
    CHANNEL.with(|c| {
        if let Some(channel) = c.borrow().as_ref() {
            let _ = channel.post_message(message);
        }
    });
}

/// Listens for other tabs asking for the key (and answering); call once at the root.
pub fn connect(store: AppStore) {
    let Ok(channel) = BroadcastChannel::new(KEY_CHANNEL) else {
        return;
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        if data.as_string().as_deref() == Some(KEY_WANTED) {
            if let Some(key) = store.vault_key.get_value() {
                post(&vault::key_message(&key));
            }
        } else if let Some(key) = vault::key_from_message(&data)
            && store.vault_key.with_value(Option::is_none)
        {
            spawn_local(async move { _ = use_key(store, key).await });
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    CHANNEL.with(|c| *c.borrow_mut() = Some(channel));
}

fn sealed_accounts(store: AppStore) -> Vec<Account> {
    store.accounts.with_untracked(|list| {
        list.iter()
            .filter(|a| a.sealed_password.is_some())
            .cloned()
            .collect()
    })
}

/// After loading: when remembered passwords are sealed, get the key from another tab, or
/// else ask the person.
pub fn after_load(store: AppStore) {
    if store.vault.with_untracked(Option::is_some) && !sealed_accounts(store).is_empty() {
        want_key(store);
    }
}

/// Asks the other tabs for the key; when none answers soon, the person is asked.
pub fn want_key(store: AppStore) {
    post(&JsValue::from_str(KEY_WANTED));
    Timeout::new(HANDOVER_MS, move || {
        if store.vault_key.with_value(Option::is_none) {
            store.unlock_asked.set(true);
        }
    })
    .forget();
}

/// Opens every sealed password with `key` for this page's syncs, then syncs the accounts
/// that were waiting for it. A key that does not open the vault's check is refused (a tab
/// may hand over a key the vault has since replaced). A password the key cannot open
/// (sealed by a change that raced another tab's) is left out: that account asks for its
/// password, and the others still open.
async fn use_key(store: AppStore, key: CryptoKey) -> Result<(), VaultError> {
    let Some(stored) = store.vault.get_untracked() else {
        return Err(VaultError::WrongPassphrase);
    };
    vault::check(&stored, &key).await?;
    let mut opened = Vec::new();
    for account in sealed_accounts(store) {
        if let Some(sealed) = &account.sealed_password
            && let Ok(password) = vault::open(&key, sealed).await
        {
            opened.push((account.id.clone(), password));
        }
    }
    store.vault_key.set_value(Some(key));
    store.unlock_asked.set(false);
    for (id, password) in opened {
        store.live(&id).password.set(Some(password));
        sync::start(store, &id);
    }
    Ok(())
}

fn error_word(error: &VaultError) -> T {
    match error {
        VaultError::WrongPassphrase => T::PassphraseWrong,
        VaultError::Unavailable(_) => T::PassphraseUnavailable,
    }
}

/// Unlocks with the passphrase typed.
pub fn unlock(store: AppStore, passphrase: String) {
    let Some(stored) = store.vault.get_untracked() else {
        return;
    };
    store.vault_error.set(None);
    spawn_local(async move {
        let result = match vault::unlock(&stored, &passphrase).await {
            Ok(key) => use_key(store, key).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            store.vault_error.set(Some(error_word(&e)));
        }
    });
}

/// The account as it is to be stored: with a primary passphrase set, its remembered
/// password sealed. `Err` when the passphrase is set but this tab is locked (the unlock
/// prompt is then shown).
pub async fn seal_for_storage(store: AppStore, mut account: Account) -> Result<Account, T> {
    if store.vault.with_untracked(Option::is_none) {
        return Ok(account);
    }
    let Some(password) = account.password.take() else {
        return Ok(account);
    };
    let Some(key) = store.vault_key.get_value() else {
        store.unlock_asked.set(true);
        return Err(T::PassphraseLocked);
    };
    account.sealed_password = Some(
        vault::seal(&key, &password)
            .await
            .map_err(|e| error_word(&e))?,
    );
    Ok(account)
}

/// Every account's remembered password in the clear, opened with this tab's key.
async fn opened_accounts(store: AppStore) -> Result<Vec<Account>, T> {
    let key = store.vault_key.get_value();
    let mut out = Vec::new();
    for mut account in store.accounts.get_untracked() {
        if let Some(sealed) = account.sealed_password.take() {
            let key = key.as_ref().ok_or(T::PassphraseLocked)?;
            account.password = Some(
                vault::open(key, &sealed)
                    .await
                    .map_err(|e| error_word(&e))?,
            );
        }
        out.push(account);
    }
    Ok(out)
}

/// Checks a new passphrase typed twice.
pub fn check_new(passphrase: &str, again: &str) -> Result<(), T> {
    if passphrase.chars().count() < MIN_LENGTH {
        Err(T::PassphraseTooShort)
    } else if passphrase != again {
        Err(T::PassphraseMismatch)
    } else {
        Ok(())
    }
}

async fn change(store: AppStore, new: Option<String>) -> Result<(), T> {
    if store.vault.with_untracked(Option::is_some) && store.vault_key.with_value(Option::is_none) {
        store.unlock_asked.set(true);
        return Err(T::PassphraseLocked);
    }
    let mut accounts = opened_accounts(store).await?;
    let vault: Option<Vault> = match new {
        Some(passphrase) => {
            let (vault, key) = vault::create(&passphrase)
                .await
                .map_err(|e| error_word(&e))?;
            for account in &mut accounts {
                if let Some(password) = account.password.take() {
                    let sealed = vault::seal(&key, &password).await;
                    account.sealed_password = Some(sealed.map_err(|e| error_word(&e))?);
                }
            }
            store.new_vault_key.set_value(Some(key));
            Some(vault)
        }
        None => None,
    };
    if !sync::send(&Intent::SaveVault { vault, accounts }) {
        return Err(T::ErrStorage);
    }
    Ok(())
}

/// Sets or changes the primary passphrase (`Some`), or clears it (`None`): every
/// remembered password is sealed again, or opened.
pub fn save(store: AppStore, new: Option<String>) {
    store.vault_error.set(None);
    spawn_local(async move {
        if let Err(t) = change(store, new).await {
            store.new_vault_key.set_value(None);
            store.vault_error.set(Some(t));
        }
    });
}

/// Forgets a forgotten passphrase, and with it every password it sealed: those accounts
/// ask for their password again.
pub fn forget(store: AppStore) {
    let accounts: Vec<Account> = sealed_accounts(store)
        .into_iter()
        .map(|account| Account {
            sealed_password: None,
            ..account
        })
        .collect();
    store.vault_error.set(None);
    store.new_vault_key.set_value(None);
    if sync::send(&Intent::SaveVault {
        vault: None,
        accounts,
    }) {
        store.unlock_asked.set(false);
    } else {
        store.vault_error.set(Some(T::ErrStorage));
    }
}

/// The worker stored a new vault (this tab's change, or another's).
pub fn saved(store: AppStore, vault: Option<Vault>, accounts: Vec<Account>) {
    // Another tab's change leaves this tab's key stale: it asks again when it needs one.
    let key = store.new_vault_key.get_value();
    store.new_vault_key.set_value(None);
    store.vault_key.set_value(key.filter(|_| vault.is_some()));
    store.vault.set(vault);
    for account in accounts {
        store.put_account(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_passphrase_is_long_enough_and_typed_the_same_twice() {
        assert_eq!(check_new("corto", "corto"), Err(T::PassphraseTooShort));
        assert_eq!(
            check_new("bastante larga", "bastante larg"),
            Err(T::PassphraseMismatch)
        );
        assert_eq!(check_new("ñandú ñandú", "ñandú ñandú"), Ok(()));
    }
}
