/**
 * @file Tree-sitter grammar for the .sdd spec language.
 * @license MIT
 *
 * Follows grammar/sdd.ebnf (the normative grammar). The syntax is uniform: a file is a list of
 * items; an item is a keyword, an optional name, an optional `?`, an optional `: value`, an
 * optional title string, an optional `by NAME` and an optional body in braces. A body holds
 * fields (`name: value`), nested items and, in an `enum`, variants.
 *
 * Keywords are not reserved: `test: …` is a field, `gate design` names the gate `design` and
 * `approves: [spec, design]` lists two names. Keywords are extracted from `identifier` (the
 * `word` rule), so tree-sitter lexes a keyword only where the grammar accepts one; where a name
 * is accepted as well (a field name, an item name, a variant), the keyword is aliased to
 * `identifier` in the tree.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Keywords that start an item (compiler/src/syntax/parser.rs KEYWORDS, same order).
const DECLARATION_KEYWORDS = [
  'person', 'role', 'enum', 'record', 'profile', 'asset', 'engagement',
];
const BLOCK_KEYWORDS = [
  'field',
  'requirements', 'requirement', 'constraint',
  'gate',
  'feasibility', 'finding', 'risk',
  'design', 'component', 'test',
  'build',
  'as_built', 'built', 'deviation', 'verified',
];
const KEYWORDS = [...DECLARATION_KEYWORDS, ...BLOCK_KEYWORDS];

const PREC = {
  asset_ref: 1,
  string_content: 1,
};

/**
 * One or more `rule` separated by commas, with an optional trailing comma.
 * @param {RuleOrLiteral} rule
 */
function commaSep1Trailing(rule) {
  return seq(rule, repeat(seq(',', rule)), optional(','));
}

/**
 * One or more `rule` separated by commas, no trailing comma.
 * @param {RuleOrLiteral} rule
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

const DIGIT = /[0-9]/;
const DATE = /[0-9]{4}-[0-9]{2}-[0-9]{2}/;

module.exports = grammar({
  name: 'sdd',

  word: $ => $.identifier,

  extras: $ => [
    /[ \t\r\n\f]/,
    $.doc_comment,
    $.comment,
  ],

  supertypes: $ => [
    $._value,
  ],

  rules: {
    source_file: $ => repeat($.item),

    // ---- items --------------------------------------------------------------------------

    // keyword [name] [?] [: value] ["title"] [by name] [{ body }], at least one part after the
    // keyword. Without a name the item goes straight on to its title or body: `x: …` inside a
    // body is a field, never an item. `by` right after the keyword is the item's name, as the
    // compiler reads it (`person by`). After the name or title, `by` starts the `by` part
    // (right associative: shifted), not a field named `by` after the item.
    item: $ => prec.right(seq(
      field('keyword', choice(...KEYWORDS)),
      choice(
        seq(
          field('name', $._name),
          optional(field('optional', $.optional_marker)),
          optional(seq(':', field('type', $._value))),
          optional(field('title', $._string)),
          optional(seq('by', field('by', $._name))),
          optional(field('body', $.body)),
        ),
        seq(
          field('title', $._string),
          optional(seq('by', field('by', $._name))),
          optional(field('body', $.body)),
        ),
        field('body', $.body),
      ),
    )),

    optional_marker: _ => '?',

    body: $ => seq(
      '{',
      repeat(choice(
        $.field,
        $.item,
        $.variant,
      )),
      optional(alias($._last_variant, $.variant)),
      '}',
    ),

    field: $ => seq(
      field('name', $._name),
      ':',
      field('value', $._value),
    ),

    // An enum variant: a name followed by `,`, or the last name before `}`.
    variant: $ => seq(field('name', $._name), ','),
    _last_variant: $ => field('name', $._name),

    // A name: an identifier, or a keyword used as a name (`gate design`, `test: …`).
    _name: $ => choice(
      $.identifier,
      alias(choice(...KEYWORDS, 'by'), $.identifier),
    ),

    // ---- values -------------------------------------------------------------------------

    _value: $ => choice(
      $.string,
      $.text_block,
      $.integer,
      $.decimal,
      $.boolean,
      $.date,
      $.datetime,
      $.duration,
      $.version,
      $.person_ref,
      $.list,
      $.record,
      $.type_application,
      $.asset_ref,
      $.identifier,
    ),

    _string: $ => choice($.string, $.text_block),

    // list<text>, list<bgp-peer>
    type_application: $ => seq(
      field('name', $.identifier),
      '<',
      field('argument', commaSep1($._value)),
      '>',
    ),

    // An asset reference: a name and a version constraint (`tmpl "^2.1"`) or an exact version
    // (`tmpl 2.3.0`). Greedy, like the compiler: a string after a name is its constraint.
    asset_ref: $ => prec(PREC.asset_ref, seq(
      field('name', $.identifier),
      field('version', choice($.string, $.text_block, $.version)),
    )),

    list: $ => seq(
      '[',
      optional(commaSep1Trailing($._value)),
      ']',
    ),

    // An inline record value: { start: 2026-11-28T02:00Z length: 2h }
    record: $ => seq(
      '{',
      repeat($.field),
      '}',
    ),

    boolean: _ => choice('true', 'false'),

    // ---- lexical syntax -----------------------------------------------------------------

    identifier: _ => /[A-Za-z_][A-Za-z0-9_-]*/,

    person_ref: _ => token(seq('@', /[A-Za-z_][A-Za-z0-9_-]*/)),

    integer: _ => token(seq(optional('-'), repeat1(DIGIT))),

    decimal: _ => token(seq(optional('-'), repeat1(DIGIT), '.', repeat1(DIGIT))),

    date: _ => token(DATE),

    datetime: _ => token(seq(
      DATE,
      'T',
      /[0-9]{2}:[0-9]{2}(:[0-9]{2})?/,
      choice('Z', /[+-][0-9]{2}:[0-9]{2}/),
    )),

    duration: _ => token(seq(repeat1(DIGIT), /[smhdw]/)),

    version: _ => token(seq(
      /[0-9]+\.[0-9]+\.[0-9]+/,
      optional(/-[0-9A-Za-z][0-9A-Za-z.-]*/),
    )),

    string: $ => seq(
      '"',
      repeat(choice(
        $.string_content,
        $.escape_sequence,
      )),
      token.immediate('"'),
    ),

    string_content: _ => token.immediate(prec(PREC.string_content, /[^"\\\n]+/)),

    escape_sequence: _ => token.immediate(seq(
      '\\',
      choice(
        /["\\ntr]/,
        /u\{[0-9A-Fa-f]+\}/,
      ),
    )),

    // """…""": any text not containing """ (the first """ closes it).
    text_block: _ => token(seq(
      '"""',
      /([^"]|"[^"]|""[^"])*/,
      '"""',
    )),

    // ---- trivia -------------------------------------------------------------------------

    // `///` doc comment (attaches to the next item). `////…` is an ordinary line comment.
    doc_comment: _ => token(seq('///', optional(seq(/[^\/\n]/, /[^\n]*/)))),

    comment: _ => token(choice(
      seq('//', optional(seq(/[^\/\n]/, /[^\n]*/))),
      seq('////', /[^\n]*/),
      seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'),
    )),
  },
});
