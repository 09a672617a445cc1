//! An HTML message body: sanitized (`html::prepare`), shown in a sandboxed frame, with
//! its remote loads counted and one click away.

use leptos::prelude::*;

use crate::html::{self, Policy};
use crate::i18n::T;
use crate::model::Intent;
use crate::model::reading::InlineImage;
use crate::state::AppStore;
use crate::sync;

/// The frame's sandbox: links may open a new tab (outside the sandbox, so the page that
/// opens works), and nothing else: no scripts, no same origin, no forms, no top
/// navigation, no dialogs.
const SANDBOX: &str = "allow-popups allow-popups-to-escape-sandbox";

/// The HTML body `html` (untrusted), with the images it shows by `cid:`, from `sender`
/// (its address: remote images may always be shown for a sender).
#[component]
pub fn HtmlBody(html: String, inline: Vec<InlineImage>, sender: String) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let inline: Vec<(String, String)> = inline
        .into_iter()
        .map(|image| (image.content_id, image.data_url))
        .collect();
    let prepare = move |remote_images: bool| {
        let policy = Policy {
            remote_images,
            inline: inline.clone(),
            goes_to: store.t(T::LinkGoesTo),
        };
        html::prepare(&html, &policy)
    };
    // Prepared once as the message arrives, and once more if the reader shows images (a
    // signal of text and one of a count: no memo of its own to carry). Once shown, the bar
    // goes: nothing the reader can still choose is blocked.
    let sender = sender.to_ascii_lowercase();
    let known = !sender.is_empty();
    let trusted = known
        && store
            .remote_senders
            .with_untracked(|list| list.contains(&sender));
    let first = prepare(trusted);
    let srcdoc = RwSignal::new(first.srcdoc);
    let blocked = RwSignal::new(if trusted { 0 } else { first.blocked });
    let show_remote = std::rc::Rc::new(move || {
        srcdoc.set(prepare(true).srcdoc);
        blocked.set(0);
    });
    let show_once = show_remote.clone();
    let always = move |_| {
        sync::send(&Intent::ShowRemoteFrom {
            address: sender.clone(),
        });
        show_remote();
    };
    view! {
        <div class="remote-bar" data-testid="blocked-count" data-count=blocked hidden=move || blocked.get() == 0>
            <span>{blocked} " " {move || store.t(T::RemoteBlocked)}</span>
            <button class="secondary" data-testid="show-remote-content" on:click=move |_| show_once()>
                {move || store.t(T::ShowRemote)}
            </button>
            <button class="secondary" data-testid="show-remote-always" hidden=!known on:click=always>
                {move || store.t(T::ShowRemoteAlways)}
            </button>
        </div>
        <iframe
            data-testid="message-html-frame"
            class="html-frame"
            sandbox=SANDBOX
            referrerpolicy="no-referrer"
            title=store.t(T::MessageContent)
            srcdoc=srcdoc
        ></iframe>
    }
}
