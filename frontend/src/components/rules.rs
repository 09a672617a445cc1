//! The rules, in the settings: the list (on or off, edit, remove), a rule's editor
//! (conditions, met all or any, and actions), and "run on the Inbox now".

use leptos::prelude::*;

use crate::components::folder_list::folder_choices;
use crate::i18n::{Lang, T, counted, tr};
use crate::model::Intent;
use crate::model::folder::{FolderView, INBOX};
use crate::model::rules::{Action, Condition, Field, Rule, Test};
use crate::state::{AppStore, RulesStatus};
use crate::sync;

/// The fields a condition can look at, with their words and `data-value`s.
const FIELDS: [(Field, &str, T); 6] = [
    (Field::From, "from", T::RuleFieldFrom),
    (Field::ToCc, "to-cc", T::RuleFieldToCc),
    (Field::Subject, "subject", T::RuleFieldSubject),
    (Field::Header, "header", T::RuleFieldHeader),
    (Field::Size, "size", T::RuleFieldSize),
    (Field::Account, "account", T::RuleFieldAccount),
];

/// The tests, with their words and values.
const TESTS: [(Test, &str, T); 5] = [
    (Test::Contains, "contains", T::RuleTestContains),
    (Test::Lacks, "lacks", T::RuleTestLacks),
    (Test::Is, "is", T::RuleTestIs),
    (Test::Over, "over", T::RuleTestOver),
    (Test::Under, "under", T::RuleTestUnder),
];

/// Why `rule` cannot be saved, if it cannot.
pub fn problem(rule: &Rule) -> Option<T> {
    if rule.actions.is_empty() {
        return Some(T::RuleNeedsAction);
    }
    rule.conditions.iter().find_map(|c| match c.field {
        Field::Size if c.value.trim().parse::<u64>().is_err() => Some(T::RuleSizeNumber),
        Field::Header if c.header.trim().is_empty() => Some(T::RuleNeedsHeader),
        _ => None,
    })
}

/// A new rule's first draft, the `n`th rule, named in `lang`.
fn blank(n: usize, lang: Lang) -> Rule {
    Rule {
        id: format!("rule-{}", js_sys::Date::now() as u64),
        name: format!("{} {}", tr(lang, T::RuleOne), n + 1),
        enabled: true,
        all: true,
        conditions: vec![blank_condition()],
        actions: Vec::new(),
    }
}

fn blank_condition() -> Condition {
    Condition {
        field: Field::From,
        header: String::new(),
        test: Test::Contains,
        value: String::new(),
    }
}

/// Stores `rules` (every tab hears it).
fn save(store: AppStore, rules: Vec<Rule>) {
    store.rules_status.set(None);
    if !sync::send(&Intent::SaveRules { rules }) {
        store.rules_status.set(Some(RulesStatus::Failed));
    }
}

/// The rules' part of the settings.
#[component]
pub fn RulesSettings() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let editing = RwSignal::new(None::<Rule>);
    store.rules_status.set(None);
    let run = move |_| {
        store.rules_status.set(None);
        let view = FolderView {
            folder: INBOX.to_owned(),
            account: None,
        };
        if !sync::send(&Intent::RunRules { view }) {
            store.rules_status.set(Some(RulesStatus::Failed));
        }
    };
    let status = move || {
        let lang = store.lang.get();
        store.rules_status.get().map(|s| match s {
            RulesStatus::Saved => store.t(T::RulesSaved).to_owned(),
            RulesStatus::Ran(n) => counted(lang, u64::from(n), T::RulesRanOne, T::RulesRanMany),
            RulesStatus::Failed => store.t(T::ErrRules).to_owned(),
        })
    };
    view! {
        <fieldset class="policy rules" data-testid="rules">
            <legend>{move || store.t(T::Rules)}</legend>
            <p class="hint">{move || store.t(T::RulesExplain)}</p>
            <Show when=move || store.rules.with(Vec::is_empty)>
                <p class="hint">{move || store.t(T::NoRules)}</p>
            </Show>
            <ul class="rule-list">
                <For each=move || store.rules.get() key=|r| (r.id.clone(), r.enabled, r.name.clone()) let:rule>
                    <RuleRow rule editing />
                </For>
            </ul>
            {move || editing.get().map(|draft| view! { <RuleEditor draft editing /> })}
            <div class="actions">
                <button
                    type="button"
                    class="secondary"
                    data-testid="rule-add"
                    on:click=move |_| {
                        editing.set(Some(blank(store.rules.with(Vec::len), store.lang.get_untracked())))
                    }
                >
                    "+ " {move || store.t(T::RuleAdd)}
                </button>
                <button
                    type="button"
                    class="secondary"
                    data-testid="rule-run"
                    disabled=move || store.rules.with(Vec::is_empty)
                    on:click=run
                >
                    {move || store.t(T::RuleRun)}
                </button>
            </div>
            <p class="status" data-testid="rules-status" role="status">{status}</p>
        </fieldset>
    }
}

/// One stored rule: on or off, its name, edit and remove.
#[component]
fn RuleRow(rule: Rule, editing: RwSignal<Option<Rule>>) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let id = rule.id.clone();
    let change = move |f: &dyn Fn(&mut Vec<Rule>)| {
        let mut rules = store.rules.get_untracked();
        f(&mut rules);
        save(store, rules);
    };
    let (toggle_id, remove_id) = (id.clone(), id);
    let toggle = move |ev| {
        let on = event_target_checked(&ev);
        change(&|rules| {
            for r in rules.iter_mut().filter(|r| r.id == toggle_id) {
                r.enabled = on;
            }
        });
    };
    let edit = {
        let rule = rule.clone();
        move |_| editing.set(Some(rule.clone()))
    };
    view! {
        <li class="rule-row" data-testid="rule-row" data-rule=rule.name.clone()>
            <label class="check">
                <input type="checkbox" data-testid="rule-enabled" prop:checked=rule.enabled on:change=toggle />
                <span class="name">{rule.name.clone()}</span>
            </label>
            <button type="button" class="link" data-testid="rule-edit" on:click=edit>
                {move || store.t(T::RuleEdit)}
            </button>
            <button
                type="button"
                class="link"
                data-testid="rule-remove"
                on:click=move |_| change(&|rules| rules.retain(|r| r.id != remove_id))
            >
                {move || store.t(T::RuleRemove)}
            </button>
        </li>
    }
}

/// The editor of one rule (a new one, or a copy of a stored one until saved).
#[component]
fn RuleEditor(draft: Rule, editing: RwSignal<Option<Rule>>) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let draft = RwSignal::new(draft);
    let conditions = Memo::new(move |_| draft.with(|r| r.conditions.len()));
    let error = RwSignal::new(None::<T>);
    let has = move |a: &Action| draft.with(|r| r.actions.contains(a));
    let set_action = move |a: Action, on: bool| {
        draft.update(|r| {
            r.actions.retain(|x| *x != a);
            if on {
                r.actions.push(a);
            }
        })
    };
    let moved_to = move || {
        draft.with(|r| {
            r.actions.iter().find_map(|a| match a {
                Action::Move(f) => Some(f.clone()),
                _ => None,
            })
        })
    };
    let choose_folder = move |ev| {
        let to = event_target_value(&ev);
        draft.update(|r| {
            r.actions.retain(|a| !matches!(a, Action::Move(_)));
            if !to.is_empty() {
                r.actions.insert(0, Action::Move(to));
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let rule = draft.get_untracked();
        if let Some(t) = problem(&rule) {
            return error.set(Some(t));
        }
        let mut rules = store.rules.get_untracked();
        match rules.iter_mut().find(|r| r.id == rule.id) {
            Some(slot) => *slot = rule,
            None => rules.push(rule),
        }
        save(store, rules);
        editing.set(None);
    };
    let check = move |action: Action, testid: &'static str, words: T| {
        let shown = action.clone();
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    data-testid=testid
                    prop:checked=move || has(&shown)
                    on:change=move |ev| set_action(action.clone(), event_target_checked(&ev))
                />
                {move || store.t(words)}
            </label>
        }
    };
    view! {
        <form class="rule-editor" data-testid="rule-editor" on:submit=submit>
            <label>{move || store.t(T::RuleName)}
                <input
                    data-testid="rule-name"
                    prop:value=move || draft.with(|r| r.name.clone())
                    on:input=move |ev| draft.update(|r| r.name = event_target_value(&ev))
                />
            </label>
            <select
                data-testid="rule-match"
                aria-label=move || store.t(T::RuleMatchAll)
                on:change=move |ev| draft.update(|r| r.all = event_target_value(&ev) == "all")
                prop:value=move || if draft.with(|r| r.all) { "all" } else { "any" }
            >
                <option value="all">{move || store.t(T::RuleMatchAll)}</option>
                <option value="any">{move || store.t(T::RuleMatchAny)}</option>
            </select>
            // Drawn again only when a condition comes or goes: typing keeps its field.
            {move || (0..conditions.get()).map(|i| view! { <ConditionRow draft i /> }).collect_view()}
            <button
                type="button"
                class="link"
                data-testid="rule-condition-add"
                on:click=move |_| draft.update(|r| r.conditions.push(blank_condition()))
            >
                "+ " {move || store.t(T::RuleConditionAdd)}
            </button>
            <fieldset class="rule-actions">
                <legend>{move || store.t(T::RuleThen)}</legend>
                <label>{move || store.t(T::RuleMoveTo)}
                    <select data-testid="rule-move" on:change=choose_folder prop:value=move || moved_to().unwrap_or_default()>
                        <option value="">{move || store.t(T::RuleMoveNone)}</option>
                        {move || folder_choices(store).into_iter().map(|(id, label)| {
                            view! { <option value=id>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {check(Action::MarkRead, "rule-read", T::RuleMarkRead)}
                {check(Action::Flag, "rule-flag", T::RuleFlag)}
                {check(Action::Delete, "rule-trash", T::RuleToTrash)}
            </fieldset>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert" data-testid="rule-error">{move || error.get().map(|t| store.t(t))}</p>
            </Show>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| editing.set(None)>
                    {move || store.t(T::Dismiss)}
                </button>
                <button type="submit" data-testid="rule-save">{move || store.t(T::RuleSave)}</button>
            </div>
        </form>
    }
}

/// Condition `i` of the rule being edited.
#[component]
fn ConditionRow(draft: RwSignal<Rule>, i: usize) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let get = move |f: fn(&Condition) -> String| {
        draft.with(|r| r.conditions.get(i).map(f).unwrap_or_default())
    };
    let edit = move |f: &dyn Fn(&mut Condition)| {
        draft.update(|r| {
            if let Some(c) = r.conditions.get_mut(i) {
                f(c);
            }
        })
    };
    // A memo: what is drawn from the field is drawn again only when the field changes.
    let field = Memo::new(move |_| draft.with(|r| r.conditions.get(i).map(|c| c.field)));
    let field = move || field.get();
    let value_of = |field: Field| FIELDS.iter().find(|f| f.0 == field).map_or("from", |f| f.1);
    let test_of = |test: Test| {
        TESTS
            .iter()
            .find(|t| t.0 == test)
            .map_or("contains", |t| t.1)
    };
    let choose_field = move |ev| {
        let v = event_target_value(&ev);
        if let Some((f, ..)) = FIELDS.iter().find(|f| f.1 == v) {
            edit(&|c| {
                c.field = *f;
                // A size compares as a number; a text does not.
                let numeric = matches!(c.test, Test::Over | Test::Under);
                if (*f == Field::Size) != numeric {
                    c.test = if *f == Field::Size {
                        Test::Over
                    } else {
                        Test::Contains
                    };
                }
            });
        }
    };
    let choose_test = move |ev| {
        let v = event_target_value(&ev);
        if let Some((t, ..)) = TESTS.iter().find(|t| t.1 == v) {
            edit(&|c| c.test = *t);
        }
    };
    let tests = move || {
        let size = field() == Some(Field::Size);
        TESTS
            .iter()
            .filter(|(t, ..)| matches!(t, Test::Over | Test::Under) == size)
            .map(|(_, value, words)| view! { <option value=*value>{move || store.t(*words)}</option> })
            .collect_view()
    };
    view! {
        <div class="rule-condition" data-testid="rule-condition">
            <select
                data-testid="rule-field"
                aria-label=move || store.t(T::RuleFieldFrom)
                on:change=choose_field
                prop:value=move || field().map_or("from", value_of)
            >
                {FIELDS.iter().map(|(_, value, words)| view! {
                    <option value=*value>{move || store.t(*words)}</option>
                }).collect_view()}
            </select>
            <Show when=move || field() == Some(Field::Header)>
                <input
                    data-testid="rule-header"
                    placeholder=move || store.t(T::RuleHeaderName)
                    aria-label=move || store.t(T::RuleHeaderName)
                    prop:value=move || get(|c| c.header.clone())
                    on:input=move |ev| edit(&|c| c.header = event_target_value(&ev))
                />
            </Show>
            {move || {
                // Rebuilt when the field changes: a size offers other tests than a text.
                field();
                view! {
                    <select
                        data-testid="rule-test"
                        aria-label=move || store.t(T::RuleTestContains)
                        on:change=choose_test
                        prop:value=move || draft.with(|r| r.conditions.get(i).map_or("contains", |c| test_of(c.test)))
                    >
                        {tests()}
                    </select>
                }
            }}
            {move || match field() {
                Some(Field::Account) => view! {
                    <select
                        data-testid="rule-value"
                        aria-label=move || store.t(T::RuleFieldAccount)
                        on:change=move |ev| edit(&|c| c.value = event_target_value(&ev))
                        prop:value=move || get(|c| c.value.clone())
                    >
                        <option value="">"—"</option>
                        {store.accounts.get().into_iter().map(|a| view! {
                            <option value=a.id.clone()>{a.label().to_owned()}</option>
                        }).collect_view()}
                    </select>
                }.into_any(),
                _ => view! {
                    <input
                        data-testid="rule-value"
                        aria-label=move || store.t(T::RuleValue)
                        placeholder=move || store.t(T::RuleValue)
                        prop:value=move || get(|c| c.value.clone())
                        on:input=move |ev| edit(&|c| c.value = event_target_value(&ev))
                    />
                }.into_any(),
            }}
            <button
                type="button"
                class="icon"
                title=move || store.t(T::RuleConditionRemove)
                aria-label=move || store.t(T::RuleConditionRemove)
                on:click=move |_| draft.update(|r| {
                    if i < r.conditions.len() {
                        r.conditions.remove(i);
                    }
                })
            >
                "×"
            </button>
        </div>
    }
}
