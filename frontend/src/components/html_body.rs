//! An HTML message body: sanitized (`html::prepare`), shown in a sandboxed frame, with
//! its remote loads counted and one click away.

use leptos::prelude::*;

use crate::html::{self, Policy};
use crate::i18n::{T, counted};
use crate::model::SenderList;
use crate::model::reading::InlineImage;
use crate::state::AppStore;

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
    let trusted = RwSignal::new(store.sender_on(SenderList::RemoteImages, &sender));
    let first = prepare(trusted.get_untracked());
    let remote = first.remote;
    let srcdoc = RwSignal::new(first.srcdoc);
    let blocked = RwSignal::new(if trusted.get_untracked() { 0 } else { remote });
    let show = std::rc::Rc::new(move |shown: bool| {
        srcdoc.set(prepare(shown).srcdoc);
        blocked.set(if shown { 0 } else { remote });
    });
    let (show_once, show_stop) = (show.clone(), show.clone());
    let choose = std::rc::Rc::new(move |chosen: bool| {
        store.choose_for_sender(SenderList::RemoteImages, &sender, chosen);
        trusted.set(chosen);
    });
    let unchoose = choose.clone();
    view! {
        <div class="remote-bar" data-testid="blocked-count" data-count=blocked hidden=move || blocked.get() == 0>
            <span>
                {move || counted(store.lang.get(), blocked.get().into(), T::RemoteBlockedOne, T::RemoteBlocked)}
            </span>
            <button class="secondary" data-testid="show-remote-content" on:click=move |_| show_once(true)>
                {move || store.t(T::ShowRemote)}
            </button>
            <button
                class="secondary"
                data-testid="show-remote-always"
                hidden=!known
                on:click=move |_| {
                    choose(true);
                    show(true);
                }
            >
                {move || store.t(T::ShowRemoteAlways)}
            </button>
        </div>
        // The choice is undone where it shows: this sender's images are shown, and need not be.
        <div class="remote-bar" hidden=move || !trusted.get() || remote == 0>
            <span>{move || store.t(T::RemoteAlwaysOn)}</span>
            <button
                class="secondary"
                data-testid="show-remote-stop"
                on:click=move |_| {
                    unchoose(false);
                    show_stop(false);
                }
            >
                {move || store.t(T::RemoteStop)}
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
