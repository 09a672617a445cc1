//! The folders a person makes beside the five every device has: named, renamed, deleted,
//! nested one level (a folder inside a top-level folder). A message is filed by the
//! folder's id, so a rename moves nothing.

use serde::{Deserialize, Serialize};

use super::folder::BUILT_IN;

/// The longest name, in chars.
pub const LONGEST_NAME: usize = 60;

/// A folder the person made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFolder {
    /// Its id (`u-…`), what messages are filed by.
    pub id: String,
    /// Its name, as the person wrote it.
    pub name: String,
    /// The top-level folder it is in, if any.
    #[serde(default)]
    pub parent: Option<String>,
}

/// Why a folder cannot be named so (or put there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// No name.
    Empty,
    /// Longer than [`LONGEST_NAME`].
    TooLong,
    /// A folder beside it has that name (or a built-in one does).
    Taken,
    /// Its parent is itself in a folder, or is gone.
    TooDeep,
    /// It has folders inside it, so it cannot go inside another.
    HasInside,
}

/// Whether two names are the same to a person (case and surrounding spaces aside).
pub fn same(a: &str, b: &str) -> bool {
    crate::model::account::lower_case(a.trim()) == crate::model::account::lower_case(b.trim())
}

/// Checks `name` for a folder in `parent`; `renaming` is the folder being renamed.
pub fn check(
    folders: &[UserFolder],
    name: &str,
    parent: Option<&str>,
    renaming: Option<&str>,
) -> Result<(), Problem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Problem::Empty);
    }
    if name.chars().count() > LONGEST_NAME {
        return Err(Problem::TooLong);
    }
    if let Some(parent) = parent {
        let top = folders
            .iter()
            .any(|f| f.id == parent && f.parent.is_none() && Some(f.id.as_str()) != renaming);
        // A folder with folders inside it stays at the top.
        let has_children =
            renaming.is_some_and(|r| folders.iter().any(|f| f.parent.as_deref() == Some(r)));
        if !top {
            return Err(Problem::TooDeep);
        }
        if has_children {
            return Err(Problem::HasInside);
        }
    }
    let built_in = parent.is_none() && BUILT_IN.iter().any(|b| same(b, name));
    let beside = folders.iter().any(|f| {
        f.parent.as_deref() == parent && Some(f.id.as_str()) != renaming && same(&f.name, name)
    });
    match built_in || beside {
        true => Err(Problem::Taken),
        false => Ok(()),
    }
}

/// The folders in the order the list shows them: each top-level one by name, the folders
/// inside it right after it, by name; with their depth (0 or 1).
pub fn ordered(folders: &[UserFolder]) -> Vec<(UserFolder, usize)> {
    let by_name = |list: &mut Vec<&UserFolder>| {
        list.sort_by_key(|f| crate::model::account::lower_case(&f.name));
    };
    let mut top: Vec<&UserFolder> = folders.iter().filter(|f| f.parent.is_none()).collect();
    by_name(&mut top);
    let mut out = Vec::with_capacity(folders.len());
    for folder in top {
        out.push((folder.clone(), 0));
        let mut inside: Vec<&UserFolder> = folders
            .iter()
            .filter(|f| f.parent.as_deref() == Some(folder.id.as_str()))
            .collect();
        by_name(&mut inside);
        out.extend(inside.into_iter().map(|f| (f.clone(), 1)));
    }
    out
}

/// Folder `id` and the folders inside it: what deleting it deletes.
pub fn with_inside(folders: &[UserFolder], id: &str) -> Vec<String> {
    let mut ids = vec![id.to_owned()];
    ids.extend(
        folders
            .iter()
            .filter(|f| f.parent.as_deref() == Some(id))
            .map(|f| f.id.clone()),
    );
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(id: &str, name: &str, parent: Option<&str>) -> UserFolder {
        UserFolder {
            id: id.into(),
            name: name.into(),
            parent: parent.map(Into::into),
        }
    }

    #[test]
    fn names_are_checked_beside_their_siblings() {
        let all = [
            folder("u-1", "Facturas", None),
            folder("u-2", "2026", Some("u-1")),
        ];
        assert_eq!(check(&all, "  ", None, None), Err(Problem::Empty));
        assert_eq!(
            check(&all, &"x".repeat(61), None, None),
            Err(Problem::TooLong)
        );
        assert_eq!(check(&all, "facturas ", None, None), Err(Problem::Taken));
        assert_eq!(check(&all, "Inbox", None, None), Err(Problem::Taken));
        // The same name elsewhere is fine; so is a folder keeping its own name.
        assert_eq!(check(&all, "2026", None, None), Ok(()));
        assert_eq!(check(&all, "Inbox", Some("u-1"), None), Ok(()));
        assert_eq!(check(&all, "Facturas", None, Some("u-1")), Ok(()));
    }

    #[test]
    fn folders_nest_one_level() {
        let all = [
            folder("u-1", "Facturas", None),
            folder("u-2", "2026", Some("u-1")),
        ];
        assert_eq!(
            check(&all, "Enero", Some("u-2"), None),
            Err(Problem::TooDeep)
        );
        assert_eq!(
            check(&all, "Enero", Some("u-9"), None),
            Err(Problem::TooDeep)
        );
        // A folder with folders inside cannot go inside another.
        let more = [all[0].clone(), all[1].clone(), folder("u-3", "Casa", None)];
        assert_eq!(
            check(&more, "Facturas", Some("u-3"), Some("u-1")),
            Err(Problem::HasInside)
        );
        // A folder without folders inside moves into another, or out to the top.
        assert_eq!(check(&more, "2026", Some("u-3"), Some("u-2")), Ok(()));
        assert_eq!(check(&more, "2026", None, Some("u-2")), Ok(()));
        assert_eq!(
            check(&more, "Casa", Some("u-3"), Some("u-3")),
            Err(Problem::TooDeep),
            "not inside itself"
        );
    }

    #[test]
    fn the_list_order_and_what_a_delete_takes() {
        let all = [
            folder("u-1", "viajes", None),
            folder("u-2", "2026", Some("u-3")),
            folder("u-3", "Facturas", None),
            folder("u-4", "2025", Some("u-3")),
        ];
        let names: Vec<(String, usize)> = ordered(&all)
            .into_iter()
            .map(|(f, d)| (f.name, d))
            .collect();
        assert_eq!(
            names,
            [
                ("Facturas".into(), 0),
                ("2025".into(), 1),
                ("2026".into(), 1),
                ("viajes".into(), 0)
            ]
        );
        assert_eq!(with_inside(&all, "u-3"), ["u-3", "u-2", "u-4"]);
    }
}
