//! The name index: every declaration and every use of a declared name in the estate, resolved
//! the way the checker resolves them.
//!
//! Top-level declarations share the estate's namespace (the first declaration in file-name
//! order wins, as in `check::names`); requirements, constraints, findings, risks, components,
//! tests and deviations live in their engagement's scope; a profile's `field` declarations live
//! in the profile's scope and are used by the engagements of that profile. Uses are found by
//! walking every block against the schema (`check::schema`), so a name is a reference exactly
//! where the checker would look it up. Definition, references, rename, hover and semantic
//! tokens all read this one table.

use std::collections::HashMap;

use crate::check::names::LOCAL_KINDS;
use crate::check::schema::{Block, Ty, BUILTIN_TYPES, FILE};
use crate::estate::Estate;
use crate::source::{FileId, Span};
use crate::syntax::Keyword;
use crate::syntax::{Entry, Field, Item, Value, ValueKind};

/// Index of a declaration in [`Index::decls`].
pub type DeclId = usize;

/// Where a name is declared and looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// The estate-wide namespace of top-level declarations.
    Estate,
    /// The local names of an engagement, or the fields of a profile.
    Within(DeclId),
}

/// A declared name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decl {
    pub file: FileId,
    pub name: String,
    /// The declaring keyword: `person`, `requirement`, `field`, …
    pub kind: String,
    pub scope: Scope,
    pub name_span: Span,
    /// The whole declaring item.
    pub item_span: Span,
}

/// A use of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub file: FileId,
    /// The name as written, without a person's `@`.
    pub span: Span,
    pub name: String,
    pub scope: Scope,
    /// The declaration it resolves to, if any.
    pub target: Option<DeclId>,
    /// What holds the name: a field (`satisfies`, `reuses`, …), `verified`, `by`, `built`,
    /// `type` for a type expression, or `field` for an engagement's profile field.
    pub role: &'static str,
    /// The nearest declaration around the use (the component of a `satisfies`).
    pub holder: Option<DeclId>,
    /// Written after a sigil: a person's `@`, which belongs to the reference (a cursor on
    /// it finds the name) though not to the name `span` covers.
    pub sigil: bool,
}

/// A name at a position: a declaration or a use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    Decl(DeclId),
    Ref(usize),
}

#[derive(Debug, Default)]
pub struct Index {
    pub decls: Vec<Decl>,
    pub refs: Vec<Ref>,
    estate_names: HashMap<String, DeclId>,
    scoped_names: HashMap<(DeclId, String), DeclId>,
    /// Every declaration by the span of its name.
    by_name_span: HashMap<(FileId, Span), DeclId>,
    /// Per file: every occurrence with its span, sorted by span.
    by_file: Vec<Vec<(Span, Occurrence)>>,
}

impl Index {
    pub fn build(estate: &Estate) -> Index {
        let mut index = Index::default();
        let mut files: Vec<FileId> = estate.file_ids().collect();
        files.sort_by(|a, b| estate.files.name(*a).cmp(estate.files.name(*b)));
        let mut items: Vec<&Item> = Vec::new();
        for &file in &files {
            for item in &estate.ast(file).items {
                index.declare_tree(file, item, &mut items);
            }
        }
        let mut walker = Walker {
            index: &mut index,
            items: &items,
            file: FileId(0),
        };
        for &file in &files {
            walker.file = file;
            for item in &estate.ast(file).items {
                walker.top_level(item);
            }
        }
        index.by_file = vec![Vec::new(); estate.files.len()];
        for (id, d) in index.decls.iter().enumerate() {
            index.by_file[d.file.0 as usize].push((d.name_span, Occurrence::Decl(id)));
        }
        for (id, r) in index.refs.iter().enumerate() {
            index.by_file[r.file.0 as usize].push((r.span, Occurrence::Ref(id)));
        }
        for list in &mut index.by_file {
            list.sort_by_key(|(span, _)| *span);
        }
        index
    }

    fn declare(&mut self, file: FileId, item: &Item, scope: Scope) -> Option<DeclId> {
        let name = item.name.as_ref()?;
        let id = self.decls.len();
        self.decls.push(Decl {
            file,
            name: name.text.to_string(),
            kind: item.keyword().to_string(),
            scope,
            name_span: name.span,
            item_span: item.span,
        });
        self.by_name_span.insert((file, name.span), id);
        match scope {
            Scope::Estate => {
                self.estate_names.entry(name.text.to_string()).or_insert(id);
            }
            Scope::Within(owner) => {
                self.scoped_names
                    .entry((owner, name.text.to_string()))
                    .or_insert(id);
            }
        }
        Some(id)
    }

    /// Declare a variant of the enum `owner`.
    fn declare_variant(&mut self, file: FileId, variant: &crate::syntax::Ident, owner: DeclId) {
        let id = self.decls.len();
        self.decls.push(Decl {
            file,
            name: variant.text.to_string(),
            kind: "variant".to_string(),
            scope: Scope::Within(owner),
            name_span: variant.span,
            item_span: variant.span,
        });
        self.by_name_span.insert((file, variant.span), id);
        (self.scoped_names)
            .entry((owner, variant.text.to_string()))
            .or_insert(id);
    }

    /// Declare a top-level item and the names in its own scope; `items` gets every declaring
    /// item at the position of its declaration.
    fn declare_tree<'a>(&mut self, file: FileId, item: &'a Item, items: &mut Vec<&'a Item>) {
        let Some(owner) = self.declare(file, item, Scope::Estate) else {
            return;
        };
        items.push(item);
        let children: Vec<&Item> = match item.kind() {
            Keyword::Engagement => item
                .items()
                .flat_map(|phase| phase.items())
                .filter(|i| LOCAL_KINDS.contains(&i.kind()))
                .collect(),
            Keyword::Profile => item
                .items()
                .filter(|i| i.kind() == Keyword::Field)
                .collect(),
            Keyword::Enum => {
                // Its variants live in its scope; `items` holds the enum for each of them.
                let variants = (item.body.iter()).flat_map(|b| &b.entries);
                for entry in variants {
                    if let Entry::Variant(v) = entry {
                        self.declare_variant(file, v, owner);
                        items.push(item);
                    }
                }
                Vec::new()
            }
            _ => Vec::new(),
        };
        for child in children {
            if self.declare(file, child, Scope::Within(owner)).is_some() {
                items.push(child);
            }
        }
    }

    /// The declaration a name resolves to in a scope.
    pub fn resolve(&self, scope: Scope, name: &str) -> Option<DeclId> {
        match scope {
            Scope::Estate => self.estate_names.get(name).copied(),
            Scope::Within(owner) => self.scoped_names.get(&(owner, name.to_string())).copied(),
        }
    }

    /// The declaration that holds a span of a file (the engagement around a position).
    pub fn decl_at_span(&self, file: FileId, span: Span) -> Option<DeclId> {
        self.decls
            .iter()
            .position(|d| d.file == file && d.item_span == span)
    }

    /// The declaration whose name is at this span.
    pub fn decl_named_at(&self, file: FileId, name_span: Span) -> Option<DeclId> {
        self.by_name_span.get(&(file, name_span)).copied()
    }

    /// The name at an offset: the innermost occurrence whose span holds it (a name's end
    /// counts, so a cursor just after a name finds it); else a person reference whose `@` the
    /// cursor is on.
    pub fn occurrence_at(&self, file: FileId, offset: usize) -> Option<Occurrence> {
        let list = self.by_file.get(file.0 as usize)?;
        let innermost = list
            .iter()
            .filter(|(span, _)| span.contains(offset))
            .min_by_key(|(span, _)| span.end - span.start)
            .map(|(_, occ)| *occ);
        innermost.or_else(|| {
            list.iter()
                .find(|(span, occ)| {
                    span.start as usize == offset + 1
                        && matches!(occ, Occurrence::Ref(r) if self.refs[*r].sigil)
                })
                .map(|(_, occ)| *occ)
        })
    }

    /// The declaration an occurrence names.
    pub fn target(&self, occurrence: Occurrence) -> Option<DeclId> {
        match occurrence {
            Occurrence::Decl(d) => Some(d),
            Occurrence::Ref(r) => self.refs[r].target,
        }
    }

    /// Every use of a declaration, in file then source order.
    pub fn uses_of(&self, decl: DeclId) -> impl Iterator<Item = &Ref> {
        self.refs.iter().filter(move |r| r.target == Some(decl))
    }

    /// Every occurrence in one file, sorted by span.
    pub fn in_file(&self, file: FileId) -> &[(Span, Occurrence)] {
        self.by_file
            .get(file.0 as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The declaration of a top-level name of one kind.
    pub fn global(&self, name: &str, kind: &str) -> Option<&Decl> {
        self.resolve(Scope::Estate, name)
            .map(|d| &self.decls[d])
            .filter(|d| d.kind == kind)
    }

    /// Top-level declarations of one kind, sorted by name (first declaration of each name).
    pub fn globals_of(&self, kind: &str) -> Vec<&Decl> {
        let mut found: Vec<&Decl> = self
            .estate_names
            .values()
            .map(|&d| &self.decls[d])
            .filter(|d| d.kind == kind)
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }

    /// Declarations in a scope of the given kinds, sorted by name.
    pub fn scoped_of(&self, owner: DeclId, kinds: &[&str]) -> Vec<&Decl> {
        let mut found: Vec<&Decl> = self
            .scoped_names
            .iter()
            .filter(|((o, _), _)| *o == owner)
            .map(|(_, &d)| &self.decls[d])
            .filter(|d| kinds.contains(&d.kind.as_str()))
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }
}

/// Walks every block of the estate against the schema, recording the uses of names.
struct Walker<'i, 'a> {
    index: &'i mut Index,
    /// Declaring items by [`DeclId`].
    items: &'i [&'a Item],
    file: FileId,
}

impl<'a> Walker<'_, 'a> {
    fn use_name(
        &mut self,
        span: Span,
        name: &str,
        scope: Scope,
        role: &'static str,
        holder: Option<DeclId>,
    ) {
        let target = self.index.resolve(scope, name);
        self.index.refs.push(Ref {
            file: self.file,
            span,
            name: name.to_string(),
            scope,
            target,
            role,
            holder,
            sigil: false,
        });
    }

    /// The declaration an item makes, if it declares a name.
    fn declared_here(&self, item: &Item) -> Option<DeclId> {
        let name = item.name.as_ref()?;
        self.index
            .by_name_span
            .get(&(self.file, name.span))
            .copied()
    }

    /// The declaring item of a top-level name of one kind.
    fn global_item(&self, name: &str, kind: &str) -> Option<(DeclId, &'a Item)> {
        let id = self.index.resolve(Scope::Estate, name)?;
        (self.index.decls[id].kind == kind).then(|| (id, self.items[id]))
    }

    fn top_level(&mut self, item: &'a Item) {
        let Some(rule) = FILE.item(item.kind()) else {
            return;
        };
        let holder = self.declared_here(item);
        let profile = (item.kind() == Keyword::Engagement)
            .then(|| item.field("profile").and_then(|f| f.value.as_name()))
            .flatten()
            .and_then(|p| self.global_item(p, "profile"));
        let place = Place {
            engagement: holder.filter(|_| item.kind() == Keyword::Engagement),
            profile,
            holder,
        };
        self.block(item, rule.block, place);
    }

    fn block(&mut self, item: &'a Item, block: &'static Block, place: Place<'a>) {
        match item.kind() {
            Keyword::Verified => {
                if let (Some(name), Some(scope)) = (&item.name, place.local_scope()) {
                    self.use_name(name.span, &name.text, scope, "verified", place.holder);
                }
                if let (Some(by), Some(scope)) = (&item.by, place.local_scope()) {
                    self.use_name(by.span, &by.text, scope, "by", place.holder);
                }
            }
            Keyword::Built => {
                if let (Some(name), Some(scope)) = (&item.name, place.local_scope()) {
                    self.use_name(name.span, &name.text, scope, "built", place.holder);
                }
            }
            Keyword::Field => {
                if let Some(ty) = &item.ty {
                    self.type_expr(ty, place.holder);
                }
            }
            _ => {}
        }
        for field in item.fields() {
            let named = local_names_of(item.kind(), &field.name.text);
            if let (Some(_), ValueKind::Name(n), Some(scope)) =
                (named, &field.value.kind, place.local_scope())
            {
                self.use_name(field.value.span, n, scope, "affects", place.holder);
            }
            self.field(item, block, field, &place);
        }
        for child in item.items() {
            let Some(rule) = block.item(child.kind()) else {
                continue;
            };
            let holder = self.declared_here(child).or(place.holder);
            self.block(child, rule.block, Place { holder, ..place });
        }
    }

    fn field(
        &mut self,
        item: &'a Item,
        block: &'static Block,
        field: &'a Field,
        place: &Place<'a>,
    ) {
        if let Some(rule) = block.field(&field.name.text) {
            self.value(&field.value, rule.ty, rule.name, place);
        } else if item.kind() == Keyword::Record {
            self.type_expr(&field.value, place.holder);
        } else if let (Some((profile_id, profile)), Keyword::Engagement) =
            (place.profile, item.kind())
        {
            self.use_name(
                field.name.span,
                &field.name.text,
                Scope::Within(profile_id),
                "field",
                place.holder,
            );
            // Looked up by name (a scan of the profile per field given was quadratic: an
            // engagement giving every field of a profile of 40,000 ran for minutes).
            let declared = profile.child(Keyword::Field, &field.name.text);
            if let Some(ty) = declared.and_then(|d| d.ty.as_ref()) {
                self.typed(&field.value, ty, place.holder, 0);
            }
        }
    }

    /// Uses inside a value of a schema type.
    fn value(&mut self, value: &Value, ty: Ty, role: &'static str, place: &Place<'a>) {
        match (ty, &value.kind) {
            (Ty::Person | Ty::Persons, ValueKind::Person(p)) => {
                self.person(value.span, p, role, place.holder)
            }
            (Ty::Persons, ValueKind::List(items)) => {
                for v in items {
                    self.value(v, Ty::Person, role, place);
                }
            }
            (Ty::List(elem), ValueKind::List(items)) => {
                for v in items {
                    self.value(v, *elem, role, place);
                }
            }
            (Ty::Decl(_), ValueKind::Name(n)) => {
                self.use_name(value.span, n, Scope::Estate, role, place.holder)
            }
            (Ty::Local(_), ValueKind::Name(n)) => {
                if let Some(scope) = place.local_scope() {
                    self.use_name(value.span, n, scope, role, place.holder)
                }
            }
            (Ty::AssetConstraint | Ty::AssetVersion, ValueKind::Name(n)) => {
                self.use_name(value.span, n, Scope::Estate, role, place.holder)
            }
            (Ty::AssetConstraint | Ty::AssetVersion, ValueKind::Ref { name, .. }) => {
                self.use_name(name.span, &name.text, Scope::Estate, role, place.holder)
            }
            (Ty::Type, _) => self.type_expr(value, place.holder),
            _ => {}
        }
    }

    fn person(&mut self, span: Span, name: &str, role: &'static str, holder: Option<DeclId>) {
        let at = Span::new(span.start as usize + 1, span.end as usize);
        self.use_name(at, name, Scope::Estate, role, holder);
        if let Some(r) = self.index.refs.last_mut() {
            r.sigil = true;
        }
    }

    /// Uses of enum and record names in a type expression.
    fn type_expr(&mut self, ty: &Value, holder: Option<DeclId>) {
        match &ty.kind {
            ValueKind::Name(n) if !BUILTIN_TYPES.contains(&n.as_str()) => {
                self.use_name(ty.span, n, Scope::Estate, "type", holder)
            }
            ValueKind::Generic { args, .. } => {
                for arg in args {
                    self.type_expr(arg, holder);
                }
            }
            _ => {}
        }
    }

    /// Uses inside a value of a declared type (a profile field's or a record field's type).
    fn typed(&mut self, value: &Value, ty: &Value, holder: Option<DeclId>, depth: usize) {
        if depth > 16 {
            return; // a record that contains itself
        }
        match (&ty.kind, &value.kind) {
            (ValueKind::Generic { args, .. }, ValueKind::List(items)) if args.len() == 1 => {
                for v in items {
                    self.typed(v, &args[0], holder, depth + 1);
                }
            }
            (ValueKind::Name(t), ValueKind::Person(p)) if t == "person" => {
                self.person(value.span, p, "person", holder)
            }
            (ValueKind::Name(t), ValueKind::Name(variant)) => {
                if let Some((id, _)) = self.global_item(t, "enum") {
                    self.use_name(value.span, variant, Scope::Within(id), "variant", holder);
                }
            }
            (ValueKind::Name(t), ValueKind::Record(fields)) => {
                let Some((_, record)) = self.global_item(t, "record") else {
                    return;
                };
                for f in fields {
                    if let Some(decl) = record.field(&f.name.text) {
                        self.typed(&f.value, &decl.value, holder, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Where a block is, for the walker.
#[derive(Clone, Copy)]
struct Place<'a> {
    /// The engagement whose local names are in scope.
    engagement: Option<DeclId>,
    /// The engagement's profile, when it is a declared profile.
    profile: Option<(DeclId, &'a Item)>,
    holder: Option<DeclId>,
}

impl Place<'_> {
    fn local_scope(&self) -> Option<Scope> {
        self.engagement.map(Scope::Within)
    }
}

/// The kinds of local declaration a field names when its schema type is a free identifier:
/// a deviation's `affects` names a design component (SDD302, not SDD101, reports one that is
/// not), yet go to definition, references, rename and completion treat it as a use.
pub(super) fn local_names_of(item: Keyword, field: &str) -> Option<&'static [Keyword]> {
    (item == Keyword::Deviation && field == "affects").then_some(&[Keyword::Component])
}
