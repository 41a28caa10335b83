// The stable codes of syntax errors. docs/errors.md documents each; a test keeps the two in sync.

export const SyntaxCode = {
  UnexpectedCharacter: "LIN0101",
  Unterminated: "LIN0102",
  UnexpectedToken: "LIN0103",
  MissingToken: "LIN0104",
  InvalidNumber: "LIN0105",
  InvalidEscape: "LIN0106",
  TooDeep: "LIN0107",
} as const;

export type SyntaxCode = (typeof SyntaxCode)[keyof typeof SyntaxCode];

export const syntaxCodes: readonly { code: string; title: string; summary: string }[] = [
  {
    code: SyntaxCode.UnexpectedCharacter,
    title: "unexpected character",
    summary: "A character that starts no token of the language, such as `@` or `$`.",
  },
  {
    code: SyntaxCode.Unterminated,
    title: "unterminated string or comment",
    summary: "A string that the end of its line cuts off, or a `/*` comment with no closing `*/`.",
  },
  {
    code: SyntaxCode.UnexpectedToken,
    title: "unexpected token",
    summary: "The parser expected one thing (an expression, a space, `=`, an item) and found another.",
  },
  {
    code: SyntaxCode.MissingToken,
    title: "missing `;` or closing bracket",
    summary: "A `;`, `)`, `]`, `}` or other token is missing; the parser inserted it and went on.",
  },
  {
    code: SyntaxCode.InvalidNumber,
    title: "invalid dimension, count or tag",
    summary: "A dimension, repeat count or tag is not a whole number in range (e.g. `R^2.5`, `repeat 0`).",
  },
  {
    code: SyntaxCode.InvalidEscape,
    title: "invalid escape in a string",
    summary: 'A backslash in a string is followed by something other than `"`, `\\`, `n` or `t`.',
  },
  {
    code: SyntaxCode.TooDeep,
    title: "nested too deeply",
    summary: "Expressions or `repeat` blocks nested more than 150 levels deep; the nested part is skipped.",
  },
];
