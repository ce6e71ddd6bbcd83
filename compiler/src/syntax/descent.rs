//! The fast path of parsing: a recursive-descent parser for files without mistakes.
//!
//! chumsky's parser ([`super::parser`]) is the definition of the grammar and of every syntax
//! error. This parser builds exactly the tree chumsky builds for a file it accepts without an
//! error: the same PEG choices (`grammar/sdd.ebnf`), the same spans, the same decoded values.
//! It knows no recovery: at the first token that does not fit it gives up (`None`), and the
//! file is parsed again by chumsky, which reports the mistake. Nearly every file of an estate
//! has no mistake, and this parser reads one in about a third of chumsky's time.
//!
//! It gives up only where chumsky would report an error: a failure here is always one that
//! reaches one of chumsky's recovery points (a broken entry or declaration, a missing `]`,
//! `}` or `>`, a bad escape, an integer out of range). Two properties are tested against
//! chumsky, in `compiler/tests/descent.rs` and in the `parse` fuzz target: when this parser
//! succeeds, chumsky reports no error and builds the same tree; when chumsky reports no error,
//! this parser succeeds.
//!
//! Naming convention: as in [`super::parser`], a method named after a grammar rule parses
//! exactly that rule.

use super::ast::*;
use super::literal;
use super::token::Token;
use crate::source::Span;

/// The items of a file, or `None` at its first mistake. `tokens` are the lexer's, of a file
/// nested no deeper than [`super::MAX_DEPTH`].
pub(super) fn parse(src: &str, tokens: &[(Token, Span)]) -> Option<Vec<Item>> {
    let mut descent = Descent {
        src,
        tokens,
        pos: 0,
        entries: Vec::new(),
    };
    let mut items = Vec::new();
    while descent.pos < tokens.len() {
        // A declaration: an entry led by a keyword that turns out to be an item.
        match descent.entry()? {
            Entry::Item(item) => items.push(*item),
            Entry::Field(_) | Entry::Variant(_) => return None,
        }
    }
    Some(items)
}

struct Descent<'t> {
    src: &'t str,
    tokens: &'t [(Token, Span)],
    /// The next token.
    pos: usize,
    /// The entries of the bodies being read, innermost last: each body's are moved into a
    /// vector of exactly their number when it closes, so no body keeps spare capacity.
    entries: Vec<Entry>,
}

impl Descent<'_> {
    fn peek(&self) -> Option<(Token, Span)> {
        self.tokens.get(self.pos).copied()
    }

    fn at(&self, token: Token) -> bool {
        self.peek().is_some_and(|(t, _)| t == token)
    }

    /// Consume `token`, or fail without consuming anything.
    fn eat(&mut self, token: Token) -> Option<Span> {
        let (t, span) = self.peek()?;
        if t != token {
            return None;
        }
        self.pos += 1;
        Some(span)
    }

    /// From the start of token `from` to the end of the last token consumed (as chumsky's
    /// `span()` of what a parser consumed).
    fn span_since(&self, from: usize) -> Span {
        self.tokens[from].1.to(self.tokens[self.pos - 1].1)
    }

    fn text(&self, span: Span) -> &str {
        &self.src[span.range()]
    }

    fn ident(&self, span: Span) -> Ident {
        Ident {
            text: self.text(span).into(),
            span,
        }
    }

    /// A name, then `:` and a value (a field), `,` or `}` (an enum variant), or, after a
    /// keyword, the rest of an item.
    fn entry(&mut self) -> Option<Entry> {
        let start = self.pos;
        let (Token::Ident, name) = self.peek()? else {
            return None;
        };
        self.pos += 1;
        match self.peek() {
            Some((Token::Colon, _)) => {
                self.pos += 1;
                let value = self.value()?;
                Some(Entry::Field(Field {
                    name: self.ident(name),
                    value,
                    span: self.span_since(start),
                }))
            }
            Some((Token::Comma, _)) => {
                self.pos += 1;
                Some(Entry::Variant(self.ident(name)))
            }
            Some((Token::RBrace, _)) => Some(Entry::Variant(self.ident(name))),
            Some(_) => {
                let kind = Keyword::from_text(self.text(name))?;
                let keyword = KeywordAt { kind, span: name };
                self.item(start, keyword)
                    .map(|item| Entry::Item(Box::new(item)))
            }
            None => None,
        }
    }

    /// What follows an item's keyword: `name? "?"? (":" value)? title? ("by" name)? body?`,
    /// at least one of them.
    fn item(&mut self, start: usize, keyword: KeywordAt) -> Option<Item> {
        let name = match self.peek() {
            Some((Token::Ident, span)) => {
                self.pos += 1;
                Some(self.ident(span))
            }
            _ => None,
        };
        let optional = self.eat(Token::Question);
        if name.is_none() && optional.is_some() && self.at(Token::Ident) {
            // `field ?x`: the `?` before the name, a mistake chumsky reports.
            return None;
        }
        let ty = match self.eat(Token::Colon) {
            Some(_) => Some(Box::new(self.value()?)),
            None => None,
        };
        let title = match self.peek() {
            Some((Token::Str | Token::TextBlock, _)) => Some(self.string()?),
            _ => None,
        };
        let by = match (self.peek(), self.tokens.get(self.pos + 1)) {
            (Some((Token::Ident, by)), Some(&(Token::Ident, name))) if self.text(by) == "by" => {
                self.pos += 2;
                Some(Box::new(self.ident(name)))
            }
            _ => None,
        };
        let body = match self.at(Token::LBrace) {
            true => Some(self.body()?),
            false => None,
        };
        if name.is_none()
            && optional.is_none()
            && ty.is_none()
            && title.is_none()
            && by.is_none()
            && body.is_none()
        {
            return None;
        }
        Some(Item {
            keyword,
            name,
            optional,
            ty,
            title,
            by,
            body,
            doc: None,
            span: self.span_since(start),
        })
    }

    /// `{ entry* }`.
    fn body(&mut self) -> Option<Body> {
        let start = self.pos;
        self.pos += 1;
        let mark = self.entries.len();
        loop {
            match self.peek()? {
                (Token::RBrace, _) => break,
                _ => {
                    let entry = self.entry()?;
                    self.entries.push(entry);
                }
            }
        }
        self.pos += 1;
        // Moved with one copy into a vector of exactly their number (`drain(..).collect()`
        // moved them one by one); the stack keeps its capacity for the next body.
        let entries = self.entries.split_off(mark);
        Some(Body::new(entries, self.span_since(start)))
    }

    fn value(&mut self) -> Option<Value> {
        let (token, span) = self.peek()?;
        let text = self.text(span);
        let kind = match token {
            Token::Int => ValueKind::Int(text.parse().ok()?),
            Token::Decimal => ValueKind::Decimal(text.into()),
            Token::Date => ValueKind::Date(text.into()),
            Token::DateTime => ValueKind::DateTime(text.into()),
            Token::BadLiteral => ValueKind::Error,
            Token::Duration => ValueKind::Duration(text.into()),
            Token::Version => ValueKind::Version(text.into()),
            Token::Person => ValueKind::Person(text[1..].into()),
            Token::Str | Token::TextBlock => {
                let s = self.string()?;
                return Some(Value {
                    kind: ValueKind::Str(s.value),
                    span: s.span,
                });
            }
            Token::LBracket => return self.list(),
            Token::LBrace => return self.record_value(),
            Token::Ident => return self.named(),
            _ => return None,
        };
        self.pos += 1;
        Some(Value { kind, span })
    }

    /// A string or text block, decoded.
    fn string(&mut self) -> Option<Str> {
        let (token, span) = self.peek()?;
        let raw = self.text(span);
        let value = match token {
            Token::Str => literal::string(raw).ok()?,
            Token::TextBlock => literal::text_block(raw).ok()?,
            _ => return None,
        };
        self.pos += 1;
        Some(Str { value, span })
    }

    /// `[ value, … ]`, a trailing comma allowed.
    fn list(&mut self) -> Option<Value> {
        let start = self.pos;
        self.pos += 1;
        let mut values = Vec::new();
        if !self.at(Token::RBracket) {
            values.push(self.value()?);
            while self.eat(Token::Comma).is_some() {
                if self.at(Token::RBracket) {
                    break;
                }
                values.push(self.value()?);
            }
        }
        self.eat(Token::RBracket)?;
        Some(Value {
            kind: ValueKind::List(values),
            span: self.span_since(start),
        })
    }

    /// `{ name: value … }`.
    fn record_value(&mut self) -> Option<Value> {
        let start = self.pos;
        self.pos += 1;
        let mut fields = Vec::new();
        while let Some((Token::Ident, name)) = self.peek() {
            let field_start = self.pos;
            self.pos += 1;
            self.eat(Token::Colon)?;
            let value = self.value()?;
            fields.push(Field {
                name: self.ident(name),
                value,
                span: self.span_since(field_start),
            });
        }
        self.eat(Token::RBrace)?;
        Some(Value {
            kind: ValueKind::Record(fields),
            span: self.span_since(start),
        })
    }

    /// A name, with type arguments `<value, …>` or a version spec (a string or a version)
    /// after it, not both: a type, an asset reference, a boolean or a bare name.
    fn named(&mut self) -> Option<Value> {
        let start = self.pos;
        let (_, span) = self.peek()?;
        self.pos += 1;
        let args = match self.eat(Token::LAngle) {
            Some(_) => {
                let mut args = vec![self.value()?];
                while self.eat(Token::Comma).is_some() {
                    args.push(self.value()?);
                }
                self.eat(Token::RAngle)?;
                Some(args)
            }
            None => None,
        };
        // A type takes no version spec (the grammar's `named`).
        let spec = match (&args, self.peek()) {
            (Some(_), _) => None,
            (None, Some((Token::Str | Token::TextBlock, _))) => {
                let s = self.string()?;
                Some(Value {
                    kind: ValueKind::Str(s.value),
                    span: s.span,
                })
            }
            (None, Some((Token::Version, version))) => {
                self.pos += 1;
                Some(Value {
                    kind: ValueKind::Version(self.text(version).into()),
                    span: version,
                })
            }
            _ => None,
        };
        let kind = match (args, spec) {
            (Some(args), _) => ValueKind::Generic {
                name: Box::new(self.ident(span)),
                args,
            },
            (None, Some(spec)) => ValueKind::Ref {
                name: Box::new(self.ident(span)),
                spec: Box::new(spec),
            },
            (None, None) => match self.text(span) {
                "true" => ValueKind::Bool(true),
                "false" => ValueKind::Bool(false),
                text => ValueKind::Name(text.into()),
            },
        };
        Some(Value {
            kind,
            span: self.span_since(start),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every body's entries sit in a vector of exactly their number, the outermost included:
    /// a tree of an estate holds no spare capacity, even after a large body was read first.
    #[test]
    fn bodies_keep_no_spare_capacity() {
        let mut text = String::from("engagement e {\n  requirements {\n");
        for i in 0..100 {
            text.push_str(&format!(
                "    requirement R{i} \"r\" {{ priority: must }}\n"
            ));
        }
        text.push_str("  }\n  title: \"t\"\n}\nrecord r { a: text }\n");
        let tokens = super::super::token::lex(crate::source::FileId(0), &text).tokens;
        let items = parse(&text, &tokens).expect("a file without mistakes");
        let mut bodies = 0;
        walk_items(&items, &mut |item, _| {
            if let Some(body) = &item.body {
                bodies += 1;
                assert_eq!(body.entries.capacity(), body.entries.len(), "{item:?}");
            }
        });
        assert_eq!(bodies, 2 + 100 + 1);
    }
}
