//! An HTML message body: sanitized (`html::prepare`), shown in a sandboxed frame, with
//! its remote loads counted and one click away.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::html::{self, Policy};
use crate::i18n::T;
use crate::model::reading::InlineImage;
use crate::state::AppStore;

/// The frame's sandbox: links may open a new tab (outside the sandbox, so the page that
/// opens works), and nothing else: no scripts, no same origin, no forms, no top
/// navigation, no dialogs.
const SANDBOX: &str = "allow-popups allow-popups-to-escape-sandbox";

/// The HTML body `html` (untrusted), with the images it shows by `cid:`.
#[component]
pub fn HtmlBody(html: String, inline: Vec<InlineImage>) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let remote = RwSignal::new(false);
    let inline: HashMap<String, String> = inline
        .into_iter()
        .map(|image| (image.content_id, image.data_url))
        .collect();
    let prepared = Memo::new(move |_| {
        let policy = Policy {
            remote_images: remote.get(),
            inline: inline.clone(),
            goes_to: store.t(T::LinkGoesTo),
        };
        html::prepare(&html, &policy)
    });
    let blocked = move || prepared.with(|p| p.blocked);
    view! {
        <div class="remote-bar" data-testid="blocked-count" data-count=blocked hidden=move || blocked() == 0 && !remote.get()>
            <Show
                when=move || !remote.get()
                fallback=move || view! { <span>{move || store.t(T::RemoteShown)}</span> }
            >
                <span>{blocked} " " {move || store.t(T::RemoteBlocked)}</span>
                <button class="secondary" data-testid="show-remote-content" on:click=move |_| remote.set(true)>
                    {move || store.t(T::ShowRemote)}
                </button>
            </Show>
        </div>
        <iframe
            data-testid="message-html-frame"
            class="html-frame"
            sandbox=SANDBOX
            referrerpolicy="no-referrer"
            title=move || store.t(T::MessageContent)
            srcdoc=move || prepared.with(|p| p.srcdoc.clone())
        ></iframe>
    }
}
