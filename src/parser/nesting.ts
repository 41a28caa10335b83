// A guard that runs before the parser. Deep nesting would overflow the stack of a recursive-descent
// parser, and recovering from that inside chevrotain costs a scan per level, so the too-deep part is
// dropped from the token stream up front and LIN0107 reports the dropped span:
//  - brackets nested deeper than `maxBracketDepth`: the tokens inside the too-deep bracket go (its
//    brackets stay, so the tree keeps its shape);
//  - prefix `-` and `^` (the two right-recursive operators) chained more than `maxChain` times within
//    one bracket level: the rest of that operand, up to the next `,` `;` `=` or closing bracket, goes;
//  - postfix forms (`.name`, a call `(…)`, an index `[…]`) chained more than `maxChain` times on one
//    operand: each wraps the one before (`f(x)(y)` is a call of a call), so later passes would recurse
//    as deep as the chain is long. The rest of that operand goes likewise.
// Flat binary chains (`a + b + …`) are not limited: every pass walks them in a loop (ast/walk.ts).
// The parser's own depth guard (maxNesting in parser.ts) stays as the backstop.
import type { IToken, TokenType } from "chevrotain";
import { diagnostic, type Diagnostic } from "../ast/diagnostic.js";
import type { LineMap } from "../ast/source.js";
import { SyntaxCode } from "../diagnostics/codes.js";
import { Caret, Colon, Comma, Dot, Equals, Ident, LBrace, LBracket, LParen, Minus, NumberTok, RBrace, RBracket, RParen, Semi, StringTok, tokenEnd } from "./lexer.js";

/** Far beyond any real spec; each level costs the parser two rule frames. */
export const maxBracketDepth = 40;
/** Prefix minus signs and `^` in a row within one bracket level; also postfix forms on one operand. */
export const maxChain = 40;

const openers: ReadonlySet<TokenType> = new Set([LParen, LBracket, LBrace]);
const closers: ReadonlySet<TokenType> = new Set([RParen, RBracket, RBrace]);
const separators: ReadonlySet<TokenType> = new Set([Comma, Semi, Equals, Colon]);
/** After one of these a `-` is binary (no recursion); elsewhere it is a prefix minus. */
const operandEnds: ReadonlySet<TokenType> = new Set([Ident, NumberTok, StringTok, RParen, RBracket]);
/** Tokens that continue a postfix chain at its own bracket level (the brackets of calls and indexes are counted as they open). */
const postfixParts: ReadonlySet<TokenType> = new Set([Ident, NumberTok, StringTok, Dot, RParen, RBracket]);

/** Index of the first token from `from` that is a separator or closer at the starting bracket level. */
function endOfOperand(tokens: readonly IToken[], from: number, stopAtSeparator: boolean): number {
  let inner = 0;
  let j = from;
  for (; j < tokens.length; j++) {
    const type = tokens[j].tokenType;
    if (openers.has(type)) inner++;
    else if (closers.has(type)) {
      if (inner === 0) break;
      inner--;
    } else if (stopAtSeparator && inner === 0 && separators.has(type)) break;
  }
  return j;
}

export function limitNesting(tokens: IToken[], lines: LineMap, uri: string): { tokens: IToken[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let kept: IToken[] | undefined; // allocated only once something is dropped
  const chains: number[] = [0]; // per open bracket level
  const postfixes: number[] = [0]; // postfix forms on the current operand, per open bracket level
  const drop = (from: number, to: number, message: string): void => {
    const first = tokens[from];
    const last = tokens[to - 1];
    if (first === undefined || last === undefined || to <= from) return;
    diagnostics.push(diagnostic({ uri, range: lines.range(first.startOffset, tokenEnd(last)), code: SyntaxCode.TooDeep, message }));
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const type = token.tokenType;
    const level = postfixes.length - 1;
    const postfix = type === Dot || ((type === LParen || type === LBracket) && operandEnds.has(tokens[i - 1]?.tokenType ?? Semi));
    if (postfix) postfixes[level]++;
    else if (!postfixParts.has(type) && !openers.has(type)) postfixes[level] = 0;
    if (postfixes[level] > maxChain) {
      const j = endOfOperand(tokens, i, true);
      kept ??= tokens.slice(0, i);
      drop(i, j, `postfix forms ('.name', calls and indexes) chained more than ${maxChain} times; the rest of the operand is skipped`);
      postfixes[level] = 0;
      i = j - 1;
      continue;
    }
    if (openers.has(type)) {
      if (chains.length > maxBracketDepth) {
        // Keep this bracket, drop its contents; its closer (if any) comes next.
        const j = endOfOperand(tokens, i + 1, false);
        kept ??= tokens.slice(0, i);
        kept.push(token);
        drop(i + 1, j, `brackets nested more than ${maxBracketDepth} levels deep; the innermost part is skipped`);
        chains.push(0);
        postfixes.push(0);
        i = j - 1;
        continue;
      }
      chains.push(0);
      postfixes.push(0);
    } else if (closers.has(type)) {
      if (chains.length > 1) chains.pop();
      if (postfixes.length > 1) postfixes.pop();
      chains[chains.length - 1] = 0;
    } else if (separators.has(type)) {
      chains[chains.length - 1] = 0;
    } else if (type === Caret || (type === Minus && !operandEnds.has(tokens[i - 1]?.tokenType ?? Semi))) {
      const at = chains.length - 1;
      chains[at]++;
      if (chains[at] > maxChain) {
        const j = endOfOperand(tokens, i, true);
        kept ??= tokens.slice(0, i);
        drop(i, j, `'-' and '^' chained more than ${maxChain} times; the rest of the operand is skipped`);
        chains[at] = 0;
        i = j - 1;
        continue;
      }
    }
    kept?.push(token);
  }
  return { tokens: kept ?? tokens, diagnostics };
}
