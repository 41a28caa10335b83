// The Linea lexer: chevrotain token types and a `lex` function that turns lexing errors into
// diagnostics (LIN0101, LIN0102, LIN0106) and keeps going, so the parser always gets a token stream.
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";
import { diagnostic, type Diagnostic } from "../ast/diagnostic.js";
import type { LineMap } from "../ast/source.js";
import { SyntaxCode } from "../diagnostics/codes.js";

// ---------------------------------------------------------------- trivia

const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\uFEFF\u00A0]+/, group: Lexer.SKIPPED });
const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: Lexer.SKIPPED });
const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\//,
  group: Lexer.SKIPPED,
});
/** Matches only where BlockComment failed: a `/*` with no closing `*\/`. Kept in a side group to report it. */
const UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: /\/\*[\s\S]*/,
  group: "unterminated",
});

// ---------------------------------------------------------------- literals and names

export const Ident = createToken({ name: "Ident", label: "a name", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
export const NumberTok = createToken({ name: "Number", label: "a number", pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/ });
export const StringTok = createToken({ name: "String", label: "a string", pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/ });
/** A string cut off by the end of the line; the parser sees it as a string, `lex` reports LIN0102. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  label: "a string",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/,
  categories: [StringTok],
});

function keyword(word: string, pattern: RegExp = new RegExp(word)): TokenType {
  return createToken({ name: `Kw_${word}`, label: `'${word}'`, pattern, longer_alt: Ident });
}

export const Import = keyword("import");
export const As = keyword("as");
export const Space = keyword("space");
export const Network = keyword("network");
export const Tagged = keyword("tagged");
export const Operator = keyword("operator");
export const MapKw = keyword("map");
export const EmbeddingKw = keyword("embedding");
export const Let = keyword("let");
export const Entry = keyword("entry");
export const Verify = keyword("verify");
export const With = keyword("with");
export const Train = keyword("train");
export const Repeat = keyword("repeat");
export const Induced = keyword("induced");
export const Scalar = keyword("scalar");
/** `R`, or its synonym `ℝ`. */
export const Reals = keyword("R", /R|ℝ/);

// ---------------------------------------------------------------- punctuation

function punct(name: string, label: string, pattern: RegExp): TokenType {
  return createToken({ name, label: `'${label}'`, pattern });
}

export const Arrow = punct("Arrow", "->", /->|→/);
export const Semi = punct("Semi", ";", /;/);
export const Comma = punct("Comma", ",", /,/);
export const Dot = punct("Dot", ".", /\./);
export const Colon = punct("Colon", ":", /:/);
export const Equals = punct("Equals", "=", /=/);
export const LParen = punct("LParen", "(", /\(/);
export const RParen = punct("RParen", ")", /\)/);
export const LBracket = punct("LBracket", "[", /\[/);
export const RBracket = punct("RBracket", "]", /\]/);
export const LBrace = punct("LBrace", "{", /\{/);
export const RBrace = punct("RBrace", "}", /\}/);
/** Categories, so one CONSUME takes either operator of a precedence level. */
export const AddOp = createToken({ name: "AddOp", label: "'+' or '-'", pattern: Lexer.NA });
export const MulOp = createToken({ name: "MulOp", label: "'*' or '/'", pattern: Lexer.NA });
export const Plus = createToken({ name: "Plus", label: "'+'", pattern: /\+/, categories: [AddOp] });
export const Minus = createToken({ name: "Minus", label: "'-'", pattern: /-/, categories: [AddOp] });
/** `*`, or `∘` between maps: both mean the same product. */
export const Star = createToken({ name: "Star", label: "'*'", pattern: /\*|∘/, categories: [MulOp] });
export const Slash = createToken({ name: "Slash", label: "'/'", pattern: /\//, categories: [MulOp] });
export const Caret = punct("Caret", "^", /\^/);

const keywords = [Import, As, Space, Network, Tagged, Operator, MapKw, EmbeddingKw, Let, Entry, Verify, With, Train, Repeat, Induced, Scalar, Reals];

/** Every token type the parser knows, in lexing priority order. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  StringTok,
  UnterminatedString,
  NumberTok,
  ...keywords,
  Ident,
  Arrow,
  Semi,
  Comma,
  Dot,
  Colon,
  Equals,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
  AddOp,
  MulOp,
];

/** The words the language reserves; an identifier may not be one of them. */
export const keywordNames: readonly string[] = [
  "import",
  "as",
  "space",
  "network",
  "tagged",
  "operator",
  "map",
  "embedding",
  "let",
  "entry",
  "verify",
  "with",
  "train",
  "repeat",
  "induced",
  "scalar",
  "R",
];

// Offsets only: LineMap converts offsets to LSP positions, so the lexer's own line tracking is wasted work.
const linea = new Lexer(allTokens, { positionTracking: "onlyOffset", ensureOptimizations: true });

export interface LexResult {
  readonly tokens: IToken[];
  readonly diagnostics: Diagnostic[];
}

/** Exclusive end offset of a token (the lexer tracks start offsets only; an inserted token is empty). */
export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

export function lex(text: string, uri: string, lines: LineMap): LexResult {
  const result = linea.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  for (const error of result.errors) {
    const bad = text.slice(error.offset, error.offset + error.length);
    diagnostics.push(
      diagnostic({
        uri,
        range: lines.range(error.offset, error.offset + error.length),
        code: SyntaxCode.UnexpectedCharacter,
        message: `unexpected character${error.length > 1 ? "s" : ""} ${JSON.stringify(bad)}`,
        fix: {
          title: `remove ${JSON.stringify(bad)}`,
          edits: [{ uri, range: lines.range(error.offset, error.offset + error.length), newText: "" }],
        },
      }),
    );
  }
  for (const comment of result.groups["unterminated"] ?? []) {
    diagnostics.push(
      diagnostic({
        uri,
        range: lines.range(comment.startOffset, tokenEnd(comment)),
        code: SyntaxCode.Unterminated,
        message: "unterminated block comment: '/*' has no closing '*/'",
        fix: {
          title: "close the comment",
          edits: [{ uri, range: lines.range(text.length, text.length), newText: " */" }],
        },
      }),
    );
  }
  for (const token of result.tokens) {
    if (token.tokenType === UnterminatedString) {
      const end = tokenEnd(token);
      diagnostics.push(
        diagnostic({
          uri,
          range: lines.range(token.startOffset, end),
          code: SyntaxCode.Unterminated,
          message: "unterminated string: the line ends before the closing '\"'",
          fix: { title: "close the string", edits: [{ uri, range: lines.range(end, end), newText: '"' }] },
        }),
      );
    }
    if (token.tokenType === StringTok || token.tokenType === UnterminatedString) {
      checkEscapes(token, uri, lines, diagnostics);
    }
  }
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { tokens: result.tokens, diagnostics };
}

const escapes: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", n: "\n", t: "\t" };

function checkEscapes(token: IToken, uri: string, lines: LineMap, out: Diagnostic[]): void {
  const image = token.image;
  for (let i = 1; i < image.length; i++) {
    if (image.charCodeAt(i) !== 92 /* \ */) continue;
    const next = image[i + 1];
    if (next === undefined || escapes[next] === undefined) {
      const start = token.startOffset + i;
      const shown = next === undefined ? "\\" : `\\${next}`;
      out.push(
        diagnostic({
          uri,
          range: lines.range(start, start + shown.length),
          code: SyntaxCode.InvalidEscape,
          message: `invalid escape ${JSON.stringify(shown)} in a string (allowed: \\" \\\\ \\n \\t)`,
          because: ["a backslash in a string starts an escape"],
          fix: {
            title: "write the backslash itself as \\\\",
            edits: [{ uri, range: lines.range(start, start + 1), newText: "\\\\" }],
          },
        }),
      );
    }
    i++;
  }
}

/** The value of a string token: quotes removed, escapes decoded (an invalid escape keeps its character). */
export function stringValue(token: IToken): string {
  const image = token.image;
  const closed = token.tokenType !== UnterminatedString;
  const body = image.slice(1, closed ? image.length - 1 : image.length);
  return body.replace(/\\(.?)/gs, (_, c: string) => escapes[c] ?? c);
}
