//! Conversations: which messages belong together, and which one stands for them in a
//! folder's list.
//!
//! A message's conversation is named by the first message id of its `References` (the
//! thread's root: RFC 5322 §3.6.4 has a reply keep its parent's references and add the
//! parent, so the root stays first, and clients that shorten a long list keep the first),
//! else by its `In-Reply-To`, else by its own `Message-ID`. This is strict threading, as
//! Thunderbird does by default: two messages that only share a subject ("Re: hello") are
//! not put together.
//!
//! In each folder the newest message of a conversation is its *head*: it carries the
//! conversation's size and unread count (`head_at`, `thread_count`, `thread_unread`), and
//! the sparse index of heads by folder and date lists one row per conversation
//! (`worker::threads` keeps them right in every transaction that files, marks or deletes).

/// A message id as headers give it, without the angle brackets and spaces around it.
fn bare(id: &str) -> Option<&str> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty()).then_some(id)
}

/// The root id of the conversation of a message with these `references` (in header
/// order), `in_reply_to` ids and `message_id`; `None` when it has none of them.
pub fn root<'a>(
    references: impl IntoIterator<Item = &'a str>,
    in_reply_to: impl IntoIterator<Item = &'a str>,
    message_id: Option<&str>,
) -> Option<String> {
    references
        .into_iter()
        .find_map(bare)
        .or_else(|| in_reply_to.into_iter().find_map(bare))
        .or_else(|| message_id.and_then(bare))
        .map(str::to_owned)
}

/// The conversation key of message `uidl` of `account` whose root id is `root`: one
/// account's conversation (an id of another account's mail never joins it), and a message
/// with no ids at all is a conversation of its own.
pub fn key(account: &str, uidl: &str, root: Option<&str>) -> String {
    match root {
        Some(root) => format!("{account}/{root}"),
        None => format!("{account}/uidl:{uidl}"),
    }
}

/// What [`heads`] reads of a message of one conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    /// The message id (`account/uidl`), which breaks a tie between equal dates.
    pub id: &'a str,
    /// Its folder.
    pub folder: &'a str,
    /// Its date (milliseconds).
    pub date_ms: f64,
    /// Not read yet.
    pub unread: bool,
}

/// What the head of a conversation in a folder carries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Head {
    /// Its own date: the conversation's newest in the folder (the key of the heads index).
    pub at: f64,
    /// The conversation's messages in the folder.
    pub count: u32,
    /// Those not read yet.
    pub unread: u32,
}

/// For each of `members` (every message of one conversation, in any folders), the head
/// fields it must carry: the newest of each folder is its head, the others carry none.
pub fn heads(members: &[Member]) -> Vec<Option<Head>> {
    let mut wanted = vec![None; members.len()];
    let mut folders: Vec<&str> = members.iter().map(|m| m.folder).collect();
    folders.sort_unstable();
    folders.dedup();
    for folder in folders {
        let mut head = None::<usize>;
        let (mut count, mut unread) = (0, 0);
        for (place, member) in members.iter().enumerate() {
            if member.folder != folder {
                continue;
            }
            count += 1;
            unread += u32::from(member.unread);
            let newer = head.is_none_or(|h| {
                let best = &members[h];
                (member.date_ms, member.id) > (best.date_ms, best.id)
            });
            if newer {
                head = Some(place);
            }
        }
        if let Some(place) = head {
            wanted[place] = Some(Head {
                at: members[place].date_ms,
                count,
                unread,
            });
        }
    }
    wanted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_first_reference_then_the_parent_then_the_message_itself() {
        let refs = ["<root@x>", "<parent@x>"];
        assert_eq!(
            root(refs, ["<parent@x>"], Some("<me@x>")).as_deref(),
            Some("root@x")
        );
        assert_eq!(
            root([], [" <parent@x> "], Some("<me@x>")).as_deref(),
            Some("parent@x")
        );
        assert_eq!(root([], [], Some("<me@x>")).as_deref(), Some("me@x"));
        assert_eq!(root(["<>", " "], [], Some("me@x")).as_deref(), Some("me@x"));
        assert_eq!(root([], [], None), None);
    }

    #[test]
    fn keys_keep_accounts_apart_and_a_message_without_ids_alone() {
        assert_eq!(key("a", "u1", Some("r@x")), "a/r@x");
        assert_ne!(key("a", "u1", Some("r@x")), key("b", "u1", Some("r@x")));
        assert_ne!(key("a", "u1", None), key("a", "u2", None));
    }

    fn member<'a>(id: &'a str, folder: &'a str, date_ms: f64, unread: bool) -> Member<'a> {
        Member {
            id,
            folder,
            date_ms,
            unread,
        }
    }

    #[test]
    fn the_newest_of_each_folder_heads_it_with_the_folders_counts() {
        let members = [
            member("a/1", "inbox", 10.0, true),
            member("a/2", "inbox", 30.0, false),
            member("a/3", "archive", 20.0, true),
            member("a/4", "inbox", 20.0, true),
        ];
        let wanted = heads(&members);
        let inbox = Head {
            at: 30.0,
            count: 3,
            unread: 2,
        };
        let archive = Head {
            at: 20.0,
            count: 1,
            unread: 1,
        };
        assert_eq!(wanted, [None, Some(inbox), Some(archive), None]);
    }

    #[test]
    fn equal_dates_pick_one_head_by_id() {
        let members = [
            member("a/2", "inbox", 5.0, false),
            member("a/1", "inbox", 5.0, false),
        ];
        let wanted = heads(&members);
        assert!(wanted[0].is_some() && wanted[1].is_none(), "{wanted:?}");
        assert_eq!(heads(&[]), Vec::<Option<Head>>::new());
    }
}
