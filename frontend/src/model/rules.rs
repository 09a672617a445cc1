//! Rules: what the person asks to happen to mail once it is downloaded ("from the bank:
//! to Archive, read"). A rule has conditions, met all or any, and actions. The sync worker
//! applies them in the transaction that stores each message, so a message filed by a rule
//! never shows in the Inbox first; they can also run on mail already stored.

use serde::{Deserialize, Serialize};

use super::account::lower_case;
use super::folder::TRASH;

/// What a condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// The sender: name and address.
    From,
    /// The recipients, To and Cc.
    ToCc,
    /// The subject.
    Subject,
    /// A header named in the condition.
    Header,
    /// The size, in whole KB.
    Size,
    /// The account it came to (its id).
    Account,
}

/// How a condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Test {
    /// The text contains the value (in any case).
    Contains,
    /// The text does not contain the value.
    Lacks,
    /// The text is the value (in any case, spaces around left out).
    Is,
    /// The size is over the value (KB).
    Over,
    /// The size is under the value (KB).
    Under,
}

/// One condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// What it looks at.
    pub field: Field,
    /// The header's name, for [`Field::Header`].
    #[serde(default)]
    pub header: String,
    /// How it compares.
    pub test: Test,
    /// What it compares with.
    pub value: String,
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// File it in a folder.
    Move(String),
    /// Mark it read.
    MarkRead,
    /// Flag it.
    Flag,
    /// Move it to Trash.
    Delete,
}

/// A rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Stable id.
    pub id: String,
    /// The person's name for it.
    pub name: String,
    /// Off: kept, not applied.
    #[serde(default = "on")]
    pub enabled: bool,
    /// `true`: every condition must hold; `false`: any one.
    pub all: bool,
    /// The conditions (a rule with none applies to every message).
    pub conditions: Vec<Condition>,
    /// The actions, in order.
    pub actions: Vec<Action>,
}

fn on() -> bool {
    true
}

/// What conditions look at in a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The sender, name and address.
    pub from: String,
    /// To and Cc, as written.
    pub to_cc: String,
    /// The subject.
    pub subject: String,
    /// Every header, name and value (unfolded).
    pub headers: Vec<(String, String)>,
    /// Size in octets.
    pub size: u64,
    /// The account id.
    pub account: String,
}

/// What the rules decided for a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The folder to file it in, if a rule moved it.
    pub folder: Option<String>,
    /// A rule marked it read.
    pub read: bool,
    /// A rule flagged it.
    pub flagged: bool,
}

impl Condition {
    /// Whether the condition holds for `facts`.
    pub fn holds(&self, facts: &Facts) -> bool {
        let text = match self.field {
            Field::From => facts.from.clone(),
            Field::ToCc => facts.to_cc.clone(),
            Field::Subject => facts.subject.clone(),
            Field::Account => facts.account.clone(),
            Field::Header => {
                let name = self.header.trim();
                let values: Vec<&str> = facts
                    .headers
                    .iter()
                    .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
                    .collect();
                if values.is_empty() {
                    // A missing header contains nothing.
                    return self.test == Test::Lacks;
                }
                values.join("\n")
            }
            Field::Size => {
                // Whole KB: a float parser would cost each bundle its tables.
                let Ok(kb) = self.value.trim().parse::<u64>() else {
                    return false;
                };
                let octets = kb.saturating_mul(1024);
                return match self.test {
                    Test::Over => facts.size > octets,
                    Test::Under => facts.size < octets,
                    _ => false,
                };
            }
        };
        let (text, value) = (lower_case(&text), lower_case(self.value.trim()));
        match self.test {
            Test::Contains => text.contains(&value),
            Test::Lacks => !text.contains(&value),
            Test::Is => text.trim() == value,
            Test::Over | Test::Under => false,
        }
    }
}

impl Rule {
    /// Whether the rule applies to `facts`.
    pub fn applies(&self, facts: &Facts) -> bool {
        self.enabled
            && match self.all {
                true => self.conditions.iter().all(|c| c.holds(facts)),
                false => {
                    self.conditions.is_empty() || self.conditions.iter().any(|c| c.holds(facts))
                }
            }
    }
}

/// What `rules`, in order, decide for `facts`: every rule that applies acts; the last
/// folder named wins, and Trash over any other.
pub fn decide(rules: &[Rule], facts: &Facts) -> Outcome {
    let mut outcome = Outcome::default();
    for rule in rules.iter().filter(|r| r.applies(facts)) {
        for action in &rule.actions {
            match action {
                Action::Move(folder) if outcome.folder.as_deref() != Some(TRASH) => {
                    outcome.folder = Some(folder.clone());
                }
                Action::Move(_) => {}
                Action::Delete => outcome.folder = Some(TRASH.to_owned()),
                Action::MarkRead => outcome.read = true,
                Action::Flag => outcome.flagged = true,
            }
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::folder::ARCHIVE;

    fn facts() -> Facts {
        Facts {
            from: "Banco Rural <avisos@banco.example>".into(),
            to_cc: "ana@x.example, Luis <luis@x.example>".into(),
            subject: "Su extracto de Noviembre".into(),
            headers: vec![
                ("List-Id".into(), "<boletin.pueblo.example>".into()),
                ("X-Spam-Flag".into(), "NO".into()),
            ],
            size: 300 * 1024,
            account: "acct-1".into(),
        }
    }

    fn when(field: Field, test: Test, value: &str) -> Condition {
        Condition {
            field,
            header: String::new(),
            test,
            value: value.into(),
        }
    }

    fn rule(all: bool, conditions: Vec<Condition>, actions: Vec<Action>) -> Rule {
        Rule {
            id: "r".into(),
            name: "r".into(),
            enabled: true,
            all,
            conditions,
            actions,
        }
    }

    #[test]
    fn conditions_compare_text_in_any_case_and_sizes_in_kb() {
        let f = facts();
        assert!(when(Field::From, Test::Contains, "BANCO.example").holds(&f));
        assert!(when(Field::ToCc, Test::Contains, "luis@").holds(&f));
        assert!(when(Field::Subject, Test::Lacks, "factura").holds(&f));
        assert!(when(Field::Account, Test::Is, " acct-1 ").holds(&f));
        assert!(!when(Field::Subject, Test::Is, "extracto").holds(&f));
        assert!(when(Field::Size, Test::Over, "200").holds(&f));
        assert!(!when(Field::Size, Test::Under, "200").holds(&f));
        assert!(
            !when(Field::Size, Test::Over, "mucho").holds(&f),
            "not a size"
        );
        let header = |name: &str, test, value: &str| Condition {
            header: name.into(),
            ..when(Field::Header, test, value)
        };
        assert!(header("list-id", Test::Contains, "pueblo").holds(&f));
        assert!(
            !header("X-Mailer", Test::Contains, "").holds(&f),
            "no such header"
        );
        assert!(header("X-Mailer", Test::Lacks, "outlook").holds(&f));
    }

    #[test]
    fn all_or_any_and_the_actions_of_every_rule_that_applies() {
        let f = facts();
        let bank = when(Field::From, Test::Contains, "banco");
        let invoice = when(Field::Subject, Test::Contains, "factura");
        let rules = [
            rule(
                true,
                vec![bank.clone(), invoice.clone()],
                vec![Action::Delete],
            ),
            rule(
                false,
                vec![bank, invoice],
                vec![Action::Move(ARCHIVE.into()), Action::MarkRead],
            ),
            rule(true, vec![], vec![Action::Flag]),
        ];
        let outcome = decide(&rules, &f);
        assert_eq!(
            outcome.folder.as_deref(),
            Some(ARCHIVE),
            "all: not both; any: one"
        );
        assert!(outcome.read && outcome.flagged);
        let off = Rule {
            enabled: false,
            ..rules[1].clone()
        };
        assert_eq!(decide(&[off], &f), Outcome::default());
    }

    #[test]
    fn trash_wins_over_a_later_move() {
        let f = facts();
        let rules = [
            rule(true, vec![], vec![Action::Delete]),
            rule(true, vec![], vec![Action::Move(ARCHIVE.into())]),
        ];
        assert_eq!(decide(&rules, &f).folder.as_deref(), Some(TRASH));
    }

    #[test]
    fn rules_read_back_as_stored() {
        let r = rule(
            false,
            vec![Condition {
                header: "List-Id".into(),
                ..when(Field::Header, Test::Contains, "pueblo")
            }],
            vec![Action::Move("archive".into()), Action::Flag],
        );
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains(r#""field":"header""#), "{json}");
        assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), r);
    }
}
