//! The folders a person makes: stored in the settings by the worker; deleting one moves
//! its messages (and those of the folders inside it) to Trash, and takes it out of the
//! rules that filed into it.

use super::rules::put_setting;
use crate::model::folder::{FolderView, TRASH};
use crate::model::rules::{Action, Rule};
use crate::model::user_folders::{UserFolder, with_inside};
use crate::store::db::StoreError;
use crate::store::settings::{FOLDERS_KEY, FoldersRecord, load_folders, load_rules};

/// Stores `folders` as the person's folders.
pub async fn save(folders: &[UserFolder]) -> Result<(), StoreError> {
    put_setting(&FoldersRecord {
        key: FOLDERS_KEY.into(),
        folders: folders.to_vec(),
    })
    .await
}

/// What deleting a folder changed.
pub struct Deleted {
    /// The messages moved to Trash.
    pub moved: Vec<String>,
    /// The folders left.
    pub folders: Vec<UserFolder>,
    /// The rules, when one of them filed into a deleted folder.
    pub rules: Option<Vec<Rule>>,
}

/// Deletes folder `id` and the folders inside it. The rules stop filing into them first,
/// then their messages go to Trash, and only then do the folders go: a failure leaves the
/// folder, with whatever did not move yet. (A sync that started before keeps the rules it
/// read; see the note.)
pub async fn delete(id: &str) -> Result<Deleted, StoreError> {
    let folders = load_folders().await?;
    let gone = with_inside(&folders, id);
    let mut rules = load_rules().await?;
    let files_into_gone = |a: &Action| matches!(a, Action::Move(to) if gone.contains(to));
    let changed = rules.iter().any(|r| r.actions.iter().any(files_into_gone));
    if changed {
        for rule in &mut rules {
            rule.actions.retain(|a| !files_into_gone(a));
        }
        super::rules::save(&rules).await?;
    }
    let mut moved = Vec::new();
    for folder in &gone {
        let view = FolderView {
            folder: folder.clone(),
            account: None,
        };
        let ids = super::folders::ids_in(&view).await?;
        if !ids.is_empty() {
            moved.extend(super::folders::move_to(&ids, TRASH).await?);
        }
    }
    let folders: Vec<UserFolder> = folders
        .into_iter()
        .filter(|f| !gone.contains(&f.id))
        .collect();
    save(&folders).await?;
    Ok(Deleted {
        moved,
        folders,
        rules: changed.then_some(rules),
    })
}
