// Over 600 lines on purpose: chevrotain needs the whole grammar in one parser class, one method per rule.
// The Linea grammar as a chevrotain EmbeddedActionsParser: the rules build the AST of src/ast/nodes.ts
// directly (no CST in between, which keeps parsing linear and allocation-light).
//
// Error recovery is chevrotain's: single-token insertion/deletion inside a rule, re-sync between rules
// (at `;`, `)`, `]`, `}` and item keywords, which are the rules' follow sets). Rules never catch
// chevrotain's exceptions themselves, or recovery would starve (a few use try/finally, which catches
// nothing, to keep a depth count or a name for recovery). Where a rule is abandoned its
// `recoveryValueFunc` stands in: a MissingExpr / MissingSpace, or the item as far as it was built.
//
// During chevrotain's grammar recording (performSelfAnalysis) CONSUME and SUBRULE return placeholders,
// so everything that reads a token or a node sits inside ACTION, which recording skips.
import {
  createTokenInstance,
  EmbeddedActionsParser,
  EOF,
  NoViableAltException,
  tokenMatcher,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from "chevrotain";
import { diagnostic, type Diagnostic } from "../ast/diagnostic.js";
import type {
  Arg,
  BlockNode,
  EntryDecl,
  EuclideanSpace,
  Expr,
  Ident as IdentNode,
  ImportDecl,
  InducedSpace,
  Item,
  LayerBlock,
  LetDecl,
  MapDecl,
  Member,
  MissingExpr,
  MissingSpace,
  NameRef,
  NetworkDecl,
  NumberLit,
  OperatorDecl,
  Param,
  RepeatBlock,
  SpaceDecl,
  SpaceExpr,
  StringLit,
  TrainDecl,
  TrainField,
  TypeExpr,
  VerifyStmt,
} from "../ast/nodes.js";
import { LineMap, type Range } from "../ast/source.js";
import { SyntaxCode } from "../diagnostics/codes.js";
import {
  AddOp,
  allTokens,
  Arrow,
  As,
  Caret,
  Colon,
  Comma,
  Dot,
  Entry,
  Equals,
  Ident,
  Import,
  Induced,
  LBrace,
  LBracket,
  Let,
  LParen,
  MapKw,
  EmbeddingKw,
  Minus,
  MulOp,
  Network,
  NumberTok,
  Operator,
  RBrace,
  RBracket,
  Reals,
  Repeat,
  RParen,
  Scalar,
  Semi,
  Space,
  StringTok,
  stringValue,
  Tagged,
  tokenEnd,
  Train,
  Verify,
  With,
} from "./lexer.js";

// ---------------------------------------------------------------- error messages

const itemDescription = "an item (import, space, network, operator, map, let, entry, verify or train)";

/** What each rule stands for, in the words of "expected …" messages. */
const ruleDescriptions: Readonly<Record<string, string>> = {
  program: itemDescription,
  spaceExpr: "a space (R^n, R[…], induced G or a space name)",
  typeExpr: "a type (a space, X -> Y or scalar)",
  block: "a network block (a layer or repeat)",
  expression: "an expression",
  multiplicative: "an expression",
  unary: "an expression",
  postfix: "an expression",
  arg: "an argument",
};

function describeType(type: TokenType): string {
  if (type === EOF) return "end of file";
  return type.LABEL ?? type.name;
}

export function describeToken(token: IToken): string {
  if (tokenMatcher(token, EOF)) return "end of file";
  const image = token.image.length > 24 ? `${token.image.slice(0, 24)}…` : token.image;
  return `'${image}'`;
}

function describePaths(paths: readonly (readonly TokenType[])[]): string {
  const firsts = [...new Set(paths.map((p) => p[0]).filter((t): t is TokenType => t !== undefined))];
  return firsts.length === 0 ? "something else" : firsts.slice(0, 4).map(describeType).join(" or ");
}

/** Where a closing brace ends a list, "expected '}'" also names what the list holds. */
const braceLists: Readonly<Record<string, string>> = {
  networkDecl: "a network block or '}'",
  block: "a network block or '}'",
  trainDecl: "a field (name = value;) or '}'",
};

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual, ruleName }) => {
    const wanted = expected === EOF ? itemDescription : expected === RBrace ? (braceLists[ruleName] ?? "'}'") : describeType(expected);
    return `expected ${wanted}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `expected ${itemDescription}, found ${describeToken(firstRedundant)}`,
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, ruleName }) =>
    `expected ${ruleDescriptions[ruleName] ?? describePaths(expectedPathsPerAlt.flat())}, found ${describeToken(actual[0] ?? EOF_TOKEN)}`,
  // A list that needs at least one element (`R[…]`, an operator shape, `with …`): name the element.
  buildEarlyExitMessage: ({ expectedIterationPaths, actual }) => `expected ${describePaths(expectedIterationPaths)}, found ${describeToken(actual[0] ?? EOF_TOKEN)}`,
};

const EOF_TOKEN: IToken = createTokenInstance(EOF, "", NaN, NaN, NaN, NaN, NaN, NaN);

/** Tokens the parser may invent in recovery: punctuation and keywords, never a name or a literal. */
const notInsertable: ReadonlySet<TokenType> = new Set([Ident, NumberTok, StringTok]);

// ---------------------------------------------------------------- the parser

/**
 * How deeply expressions and blocks may nest. Each level costs dozens of stack frames in chevrotain,
 * and the default Node stack overflows near 300 nested calls; real specs nest a handful of levels.
 */
export const maxNesting = 150;
/** The largest dimension or tag: array lengths and tensor shapes are 32-bit in the runtimes below. */
export const maxDimension = 2 ** 31 - 1;
/** The largest repeat count (the checker also caps a network's layers, repeats multiplied out). */
export const maxRepeat = 100_000;

export interface ParserOutput {
  readonly items: Item[];
  readonly diagnostics: Diagnostic[];
}

export class LineaParser extends EmbeddedActionsParser {
  private lines = new LineMap("");
  private uri = "<input>";
  private items: Item[] = [];
  /** The item being parsed, built up to (not including) its closing `;` or `}`: what recovery keeps. */
  private partial: Item | undefined;
  /** Errors the parser repaired by inserting a token (LIN0104 rather than LIN0103). */
  private readonly inserted = new Map<IRecognitionException, { readonly type: TokenType; readonly at: number }>();
  /** Problems found in the parser's actions (LIN0105, LIN0107), not by chevrotain. */
  private readonly actionDiagnostics: Diagnostic[] = [];
  /** Nesting depth of expressions and blocks, guarded by `maxNesting`. */
  private depth = 0;

  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  /** Parses one token stream; the instance is reused across calls (its analysis is costly). */
  parseTokens(tokens: IToken[], lines: LineMap, uri: string): ParserOutput {
    this.lines = lines;
    this.uri = uri;
    this.items = [];
    this.partial = undefined;
    this.inserted.clear();
    this.actionDiagnostics.length = 0;
    this.depth = 0;
    this.labelled = undefined;
    this.input = tokens;
    const items = this.program();
    const diagnostics = [...this.actionDiagnostics, ...this.errors.map((e) => this.toDiagnostic(e, tokens))];
    return { items, diagnostics };
  }

  // -------------------------------------------------------------- recovery hooks

  protected override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return !notInsertable.has(tokType);
  }

  /**
   * Chevrotain inserts a missing token only when the next token may follow it; at end of file nothing
   * follows, so inserting what was expected (`;`, `}`, `)`) is always the best repair. This shadows an
   * internal chevrotain 11 method (not in its typings), pinned with the version in package.json.
   */
  protected canRecoverWithSingleTokenInsertion(expectedTokType: TokenType, follows: readonly TokenType[]): boolean {
    if (!this.canTokenTypeBeInsertedInRecovery(expectedTokType)) return false;
    const next = this.LA(1);
    return tokenMatcher(next, EOF) || follows.some((type) => tokenMatcher(next, type));
  }

  /** Gives an inserted token a real, empty position right after the previous token (chevrotain uses NaN). */
  protected override getTokenToInsert(tokType: TokenType): IToken {
    const at = this.afterPrevious();
    const token = createTokenInstance(tokType, "", at, at - 1, NaN, NaN, NaN, NaN);
    token.isInsertedInRecovery = true;
    const errors = this.errors;
    const last = errors[errors.length - 1];
    if (last !== undefined) this.inserted.set(last, { type: tokType, at });
    return token;
  }

  private afterPrevious(): number {
    const previous = this.LA(0);
    return Number.isNaN(previous.startOffset) ? 0 : tokenEnd(previous);
  }

  private toDiagnostic(error: IRecognitionException, tokens: readonly IToken[]): Diagnostic {
    const insertion = this.inserted.get(error);
    if (insertion !== undefined) {
      const point = this.lines.range(insertion.at, insertion.at);
      const literal = (insertion.type.LABEL ?? insertion.type.name).replace(/^'(.*)'$/, "$1");
      const where = tokenMatcher(error.token, EOF) ? "at end of file" : `before ${describeToken(error.token)}`;
      const isWord = /^[a-z]/i.test(literal);
      return diagnostic({
        uri: this.uri,
        range: point,
        code: SyntaxCode.MissingToken,
        message: `missing '${literal}' ${where}`,
        fix: { title: `insert '${literal}'`, edits: [{ uri: this.uri, range: point, newText: isWord ? ` ${literal}` : literal }] },
      });
    }
    const range = this.tokenRange(error.token, tokens);
    return diagnostic({ uri: this.uri, range, code: SyntaxCode.UnexpectedToken, message: error.message });
  }

  /** The range of an offending token; for end of file, the empty range after the last token. */
  private tokenRange(token: IToken, tokens: readonly IToken[]): Range {
    if (tokenMatcher(token, EOF) || Number.isNaN(token.startOffset)) {
      const last = tokens[tokens.length - 1];
      const end = last === undefined ? this.lines.text.length : tokenEnd(last);
      return this.lines.range(end, end);
    }
    return this.lines.range(token.startOffset, tokenEnd(token));
  }

  // -------------------------------------------------------------- node helpers

  private span(first: IToken, last: IToken): Range {
    return this.lines.range(first.startOffset, tokenEnd(last));
  }

  private spanFrom(start: Range, last: IToken): Range {
    return this.lines.range(start.start.offset, tokenEnd(last));
  }

  private join(a: Range, b: Range): Range {
    return { start: a.start, end: b.end };
  }

  private ident(token: IToken): IdentNode {
    return { kind: "Ident", name: token.image, range: this.span(token, token) };
  }

  private numberLit(token: IToken): NumberLit {
    const value = token.image === "" ? 0 : Number(token.image);
    const range = this.span(token, token);
    // LIN0108: a literal beyond float64 (1e309) would become ±Infinity and fail only when compiled.
    if (!Number.isFinite(value)) {
      this.actionDiagnostics.push(
        diagnostic({ uri: this.uri, range, code: SyntaxCode.NumberOutOfRange, message: `the number '${token.image}' is too large for a 64-bit float (at most about 1.8e308)` }),
      );
    }
    return { kind: "Number", value, text: token.image, range };
  }

  private stringLit(token: IToken): StringLit {
    return { kind: "String", value: stringValue(token), range: this.span(token, token) };
  }

  /**
   * Where recovery dropped something: from the offending token to the last token re-sync skipped, or
   * an empty range at the offending token when re-sync skipped nothing (it stopped right there).
   */
  private skippedRange(error: IRecognitionException): Range {
    const token = error.token;
    if (tokenMatcher(token, EOF) || Number.isNaN(token.startOffset)) {
      const at = this.afterPrevious();
      return this.lines.range(at, at);
    }
    const lastSkipped = this.LA(0);
    const end = !Number.isNaN(lastSkipped.startOffset) && lastSkipped.startOffset >= token.startOffset ? tokenEnd(lastSkipped) : token.startOffset;
    return this.lines.range(token.startOffset, end);
  }

  private missingExpr(error: IRecognitionException): MissingExpr {
    return { kind: "MissingExpr", range: this.skippedRange(error) };
  }

  private missingSpace(error: IRecognitionException): MissingSpace {
    return { kind: "MissingSpace", range: this.skippedRange(error) };
  }

  /**
   * The name of the keyword argument or parameter whose value was being parsed when it failed. Set in a
   * `finally` (which catches nothing, so recovery still sees the exception) and read by the rule's
   * recovery, so a broken `hidden = ` keeps its name and a broken `x : ` its parameter.
   */
  private labelled: IToken | undefined;

  private takeLabel(): IdentNode | undefined {
    const token = this.labelled;
    this.labelled = undefined;
    return token === undefined ? undefined : this.ident(token);
  }

  private takePartial(): Item | undefined {
    const item = this.partial;
    this.partial = undefined;
    return item;
  }

  /** Marks `node` as the item recovery keeps if its terminator is missing; returns it. */
  private keep<T extends Item>(node: T): T {
    this.partial = node;
    return node;
  }

  /** The finished item: its range extended over the terminator. */
  private finish<T extends Item>(node: T, terminator: IToken): T {
    this.partial = undefined;
    return { ...node, range: this.spanFrom(node.range, terminator) };
  }

  /**
   * LIN0105: a dimension, count or tag must be a whole number in range; LIN0108 beyond float64;
   * LIN0109 above its cap, so that no later stage sizes an array by it.
   */
  private checkWhole(token: IToken, what: string, min: number, max = maxDimension): void {
    const value = Number(token.image);
    if (token.image === "" || (Number.isSafeInteger(value) && value >= min && value <= max)) return;
    const range = this.span(token, token);
    if (!Number.isFinite(value)) {
      this.actionDiagnostics.push(
        diagnostic({ uri: this.uri, range, code: SyntaxCode.NumberOutOfRange, message: `the number '${token.image}' is too large for a 64-bit float (at most about 1.8e308)` }),
      );
      return;
    }
    if (Number.isInteger(value) && value > max) {
      const cap = max === maxDimension ? "2^31 − 1 = 2147483647" : max.toLocaleString("en-US");
      this.actionDiagnostics.push(diagnostic({ uri: this.uri, range, code: SyntaxCode.NumberTooLarge, message: `${what} must be at most ${cap}, found '${token.image}'` }));
      return;
    }
    this.actionDiagnostics.push(
      diagnostic({
        uri: this.uri,
        range,
        code: SyntaxCode.InvalidNumber,
        message: `${what} must be a whole number ≥ ${min}, found '${token.image}'`,
      }),
    );
  }

  /**
   * Enters one level of nesting; past `maxNesting` it reports LIN0107 and throws a recognition
   * exception, so chevrotain's own recovery skips the rest of the nested part (a RangeError would not
   * be recoverable). Callers leave the level in a `finally`.
   */
  private nest(): void {
    this.depth++;
    if (this.depth <= maxNesting) return;
    const token = this.LA(1);
    const message = `nested more than ${maxNesting} levels deep`;
    this.actionDiagnostics.push(diagnostic({ uri: this.uri, range: this.tokenRange(token, []), code: SyntaxCode.TooDeep, message }));
    throw new NoViableAltException(message, token, this.LA(0));
  }

  private readonly recoverItem = (): Item | undefined => this.takePartial();
  private readonly recoverExpr = (e: IRecognitionException): Expr => this.missingExpr(e);

  // -------------------------------------------------------------- items

  private readonly itemAlts: IOrAlt<Item | undefined>[] = [
    { ALT: () => this.SUBRULE(this.importDecl) },
    { ALT: () => this.SUBRULE(this.spaceDecl) },
    { ALT: () => this.SUBRULE(this.networkDecl) },
    { ALT: () => this.SUBRULE(this.operatorDecl) },
    { ALT: () => this.SUBRULE(this.mapDecl) },
    { ALT: () => this.SUBRULE(this.letDecl) },
    { ALT: () => this.SUBRULE(this.entryDecl) },
    { ALT: () => this.SUBRULE(this.verifyStmt) },
    { ALT: () => this.SUBRULE(this.trainDecl) },
  ];

  public readonly program = this.RULE(
    "program",
    (): Item[] => {
      this.MANY(() => {
        const item = this.OR(this.itemAlts);
        this.ACTION(() => {
          if (item !== undefined) this.items.push(item);
        });
      });
      return this.items;
    },
    {
      // Only reached when no rule below could re-sync: keep what was built.
      recoveryValueFunc: () => {
        const partial = this.takePartial();
        if (partial !== undefined) this.items.push(partial);
        return this.items;
      },
    },
  );

  private readonly importDecl = this.RULE(
    "importDecl",
    (): Item | undefined => {
      const kw = this.CONSUME(Import);
      const path = this.CONSUME(StringTok);
      this.CONSUME(As);
      const alias = this.CONSUME(Ident);
      const node = this.ACTION(() => this.keep<ImportDecl>({ kind: "Import", path: this.stringLit(path), alias: this.ident(alias), range: this.span(kw, alias) }));
      const semi = this.CONSUME(Semi);
      return this.ACTION(() => this.finish(node, semi));
    },
    { recoveryValueFunc: this.recoverItem },
  );

  private readonly spaceDecl = this.RULE(
    "spaceDecl",
    (): Item | undefined => {
      const kw = this.CONSUME(Space);
      const name = this.CONSUME(Ident);
      this.CONSUME(Equals);
      const value = this.SUBRULE(this.spaceExpr);
      const node = this.ACTION(() => this.keep<SpaceDecl>({ kind: "SpaceDecl", name: this.ident(name), value, range: this.lines.range(kw.startOffset, value.range.end.offset) }));
      const semi = this.CONSUME(Semi);
      return this.ACTION(() => this.finish(node, semi));
    },
    { recoveryValueFunc: this.recoverItem },
  );

  private readonly networkDecl = this.RULE(
    "networkDecl",
    (): Item | undefined => {
      const kw = this.CONSUME(Network);
      const name = this.CONSUME(Ident);
      this.CONSUME(Colon);
      const over = this.SUBRULE(this.spaceExpr);
      let tagged = false;
      this.OPTION(() => {
        this.CONSUME(Tagged);
        tagged = true;
      });
      const open = this.CONSUME(LBrace);
      const blocks: BlockNode[] = [];
      const node = this.ACTION(() => this.keep<NetworkDecl>({ kind: "NetworkDecl", name: this.ident(name), over, tagged, blocks, range: this.span(kw, open) }));
      this.MANY(() => {
        const block = this.SUBRULE(this.block);
        this.ACTION(() => {
          if (block !== undefined) blocks.push(block);
        });
      });
      const close = this.CONSUME(RBrace);
      return this.ACTION(() => this.finish(node, close));
    },
    { recoveryValueFunc: this.recoverItem },
  );

  private readonly blockAlts: IOrAlt<BlockNode | undefined>[] = [
    {
      ALT: () => {
        const kw = this.CONSUME(Repeat);
        const count = this.CONSUME(NumberTok);
        this.CONSUME(LBrace);
        const body: BlockNode[] = [];
        this.MANY(() => {
          const block = this.SUBRULE(this.block);
          this.ACTION(() => {
            if (block !== undefined) body.push(block);
          });
        });
        const close = this.CONSUME(RBrace);
        return this.ACTION((): RepeatBlock => {
          this.checkWhole(count, "a repeat count", 1, maxRepeat);
          return { kind: "Repeat", count: this.numberLit(count), body, range: this.span(kw, close) };
        });
      },
    },
    {
      ALT: () => {
        const name = this.CONSUME(Ident);
        let args: Arg[] | undefined;
        this.OPTION(() => {
          args = this.SUBRULE(this.argList);
        });
        const semi = this.CONSUME(Semi);
        return this.ACTION((): LayerBlock =>
          args === undefined
            ? { kind: "Layer", name: this.ident(name), range: this.span(name, semi) }
            : { kind: "Layer", name: this.ident(name), args, range: this.span(name, semi) },
        );
      },
    },
  ];

  private readonly block = this.RULE(
    "block",
    (): BlockNode | undefined => {
      try {
        this.nest();
        return this.OR(this.blockAlts);
      } finally {
        this.depth--;
      }
    },
    { recoveryValueFunc: () => undefined },
  );

  private readonly operatorDecl = this.RULE(
    "operatorDecl",
    (): Item | undefined => {
      const kw = this.CONSUME(Operator);
      const name = this.CONSUME(Ident);
      let shape: NumberLit[] | undefined;
      this.OPTION(() => {
        this.CONSUME(LBracket);
        const dims: NumberLit[] = [];
        this.AT_LEAST_ONE_SEP({
          SEP: Comma,
          DEF: () => {
            const dim = this.CONSUME(NumberTok);
            this.ACTION(() => {
              this.checkWhole(dim, "an operator dimension", 1);
              dims.push(this.numberLit(dim));
            });
          },
        });
        this.CONSUME(RBracket);
        shape = dims;
      });
      this.CONSUME(Equals);
      const value = this.SUBRULE(this.expression);
      const node = this.ACTION(() => {
        const range = this.lines.range(kw.startOffset, value.range.end.offset);
        const base = { kind: "OperatorDecl", name: this.ident(name), value, range } as const;
        return this.keep<OperatorDecl>(shape === undefined ? base : { ...base, shape });
      });
      const semi = this.CONSUME(Semi);
      return this.ACTION(() => this.finish(node, semi));
    },
    { recoveryValueFunc: this.recoverItem },
  );

  private readonly mapDecl = this.RULE(
    "mapDecl",
    (): Item | undefined => {
      const kw = this.OR([{ ALT: () => this.CONSUME(MapKw) }, { ALT: () => this.CONSUME(EmbeddingKw) }]);
      const name = this.CONSUME(Ident);
      this.CONSUME(Colon);
      const domain = this.SUBRULE(this.spaceExpr);
      this.CONSUME(Arrow);
      const codomain = this.SUBRULE2(this.spaceExpr);
      this.CONSUME(Equals);
      const value = this.SUBRULE(this.expression);
      const node = this.ACTION(() =>
        this.keep<MapDecl>({
          kind: "MapDecl",
          ...(kw.tokenType === EmbeddingKw ? { embedding: true as const } : {}),
          name: this.ident(name),
          domain,
          codomain,
          value,
          range: this.lines.range(kw.startOffset, value.range.end.offset),
        }),
      );
      const semi = this.CONSUME(Semi);
      return this.ACTION(() => this.finish(node, semi));
    },
    { recoveryValueFunc: this.recoverItem },
  );

  private readonly letDecl = this.RULE(
    "letDecl",
    (): Item | undefined => {
      const kw = this.CONSUME(Let);
      const name = this.CONSUME(Ident);
      let annotation: TypeExpr | undefined;
      this.OPTION(() => {
        this.CONSUME(Colon);
        annotation = this.SUBRULE(this.typeExpr);
      });
      this.CONSUME(Equals);
      const value = this.SUBRULE(this.expression);
      const node = this.ACTION(() => {
        const range = this.lines.range(kw.startOffset, value.range.end.offset);
        const base = { kind: "LetDecl", name: this.ident(name), value, range } as const;
        return this.keep<LetDecl>(annotation === undefined ? base : { ...base, annotation });
      });
      const semi = this.CONSUME(Semi);
      return this.ACTION(() => this.finish(node, semi));
    },
    { recoveryValueFunc: this.recoverItem },
  );

  private readonly entryDecl = this.RULE(
    "entryDecl",
    (): Item | undefined => {
      const kw = this.CONSUME(Entry);
      const name = this.CONSUME(Ident);
      this.CONSUME(LParen);
      const params: Param[] = [];
      this.MANY_SEP({
        SEP: Comma,
        DEF: () => {
          const param = this.SUBRULE(this.param);
          this.ACTION(() => {
            if (param !== undefined) params.push(param);
          });
        },
      });
      this.CONSUME(RParen);
      this.CONSUME(Equals);
      const body = this.SUBRULE(this.expression);
      const node = this.ACTION(() =>
        this.keep<EntryDecl>({
          kind: "EntryDecl",
          name: this.ident(name),
          params,
          body,
          range: this.lines.range(kw.startOffset, body.range.end.offset),
        }),
      );
      const semi = this.CONSUME(Semi);
      return this.ACTION(() => this.finish(node, semi));
    },
    { recoveryValueFunc: this.recoverItem },
  );

  private readonly param = this.RULE(
    "param",
    (): Param | undefined => {
      this.labelled = undefined;
      const name = this.CONSUME(Ident);
      this.CONSUME(Colon);
      let space: SpaceExpr;
      try {
        space = this.SUBRULE(this.spaceExpr);
      } finally {
        this.labelled = name;
      }
      return this.ACTION(() => ({
        kind: "Param",
        name: this.ident(name),
        space,
        range: this.lines.range(name.startOffset, space.range.end.offset),
      }));
    },
    {
      recoveryValueFunc: (e: IRecognitionException): Param | undefined => {
        const name = this.takeLabel();
        if (name === undefined) return undefined;
        const space = this.missingSpace(e);
        return { kind: "Param", name, space, range: this.join(name.range, space.range) };
      },
    },
  );

  private readonly verifyStmt = this.RULE(
    "verifyStmt",
    (): Item | undefined => {
      const kw = this.CONSUME(Verify);
      const law = this.CONSUME(Ident);
      const args = this.SUBRULE(this.argList);
      let last = this.closeParen;
      const options: Arg[] = [];
      this.OPTION(() => {
        this.CONSUME(With);
        this.AT_LEAST_ONE_SEP({
          SEP: Comma,
          DEF: () => {
            const option = this.SUBRULE(this.keywordArg);
            this.ACTION(() => {
              options.push(option);
            });
          },
        });
      });
      const node = this.ACTION(() => {
        const end = options.length > 0 ? options[options.length - 1].range.end.offset : tokenEnd(last);
        return this.keep<VerifyStmt>({ kind: "Verify", law: this.ident(law), args, options, range: this.lines.range(kw.startOffset, end) });
      });
      last = this.CONSUME(Semi);
      return this.ACTION(() => this.finish(node, last));
    },
    { recoveryValueFunc: this.recoverItem },
  );

  private readonly trainDecl = this.RULE(
    "trainDecl",
    (): Item | undefined => {
      const kw = this.CONSUME(Train);
      const name = this.CONSUME(Ident);
      const open = this.CONSUME(LBrace);
      const fields: TrainField[] = [];
      const node = this.ACTION(() => this.keep<TrainDecl>({ kind: "TrainDecl", name: this.ident(name), fields, range: this.span(kw, open) }));
      this.MANY(() => {
        const field = this.SUBRULE(this.trainField);
        this.ACTION(() => {
          if (field !== undefined) fields.push(field);
        });
      });
      const close = this.CONSUME(RBrace);
      return this.ACTION(() => this.finish(node, close));
    },
    { recoveryValueFunc: this.recoverItem },
  );

  private readonly trainField = this.RULE(
    "trainField",
    (): TrainField | undefined => {
      const key = this.CONSUME(Ident);
      this.CONSUME(Equals);
      const value = this.SUBRULE(this.expression);
      const semi = this.CONSUME(Semi);
      return this.ACTION(() => ({ kind: "TrainField", key: this.ident(key), value, range: this.span(key, semi) }));
    },
    { recoveryValueFunc: () => undefined },
  );

  // -------------------------------------------------------------- spaces and types

  /** The `R` (or `ℝ`) token of the Euclidean space being parsed, for its range. */
  private reals: IToken = EOF_TOKEN;

  private readonly euclideanAlts: IOrAlt<EuclideanSpace>[] = [
    {
      ALT: () => {
        this.CONSUME(Caret);
        const dim = this.CONSUME(NumberTok);
        return this.ACTION((): EuclideanSpace => {
          this.checkWhole(dim, "a dimension", 1);
          return { kind: "EuclideanSpace", shape: [Number(dim.image)], form: "power", range: this.span(this.reals, dim) };
        });
      },
    },
    {
      ALT: () => {
        this.CONSUME(LBracket);
        const shape: number[] = [];
        this.AT_LEAST_ONE_SEP({
          SEP: Comma,
          DEF: () => {
            const dim = this.CONSUME2(NumberTok);
            this.ACTION(() => {
              this.checkWhole(dim, "a dimension", 1);
              shape.push(Number(dim.image));
            });
          },
        });
        const close = this.CONSUME(RBracket);
        return this.ACTION((): EuclideanSpace => ({ kind: "EuclideanSpace", shape, form: "shape", range: this.span(this.reals, close) }));
      },
    },
  ];

  private readonly spaceAlts: IOrAlt<SpaceExpr>[] = [
    {
      ALT: () => {
        this.reals = this.CONSUME(Reals);
        return this.OR2(this.euclideanAlts);
      },
    },
    {
      ALT: () => {
        const kw = this.CONSUME(Induced);
        const network = orRecovered(this.SUBRULE(this.qualifiedName));
        let tag: IToken | undefined;
        let close: IToken | undefined;
        this.OPTION(() => {
          this.CONSUME2(LBracket);
          tag = this.CONSUME3(NumberTok);
          close = this.CONSUME2(RBracket);
        });
        return this.ACTION((): InducedSpace | MissingSpace => {
          // `induced [0]`: the name failed and recovery left nothing to induce from.
          if (network === undefined) return { kind: "MissingSpace", range: this.span(kw, close ?? kw) };
          if (tag === undefined || close === undefined) {
            return { kind: "InducedSpace", network, range: this.lines.range(kw.startOffset, network.range.end.offset) };
          }
          this.checkWhole(tag, "a tag", 0);
          return { kind: "InducedSpace", network, tag: this.numberLit(tag), range: this.span(kw, close) };
        });
      },
    },
    {
      ALT: () => {
        const ref = orRecovered(this.SUBRULE2(this.qualifiedName));
        return this.ACTION((): SpaceExpr =>
          ref === undefined ? { kind: "MissingSpace", range: this.lines.range(this.LA(1).startOffset, this.LA(1).startOffset) } : { kind: "SpaceRef", ref, range: ref.range },
        );
      },
    },
  ];

  private readonly spaceExpr = this.RULE("spaceExpr", (): SpaceExpr => this.OR(this.spaceAlts), {
    recoveryValueFunc: (e: IRecognitionException): SpaceExpr => this.missingSpace(e),
  });

  /** `name` or `alias.name` (a name through an import). */
  private readonly qualifiedName = this.RULE("qualifiedName", (): NameRef | Member => {
    const first = this.CONSUME(Ident);
    let ref: NameRef | Member = this.ACTION(() => {
      const name = this.ident(first);
      return { kind: "Name", name, range: name.range };
    });
    this.MANY(() => {
      this.CONSUME(Dot);
      const next = this.CONSUME2(Ident);
      this.ACTION(() => {
        const name = this.ident(next);
        ref = { kind: "Member", object: ref, name, range: this.join(ref.range, name.range) };
      });
    });
    return ref;
  });

  private readonly typeAlts: IOrAlt<TypeExpr>[] = [
    {
      ALT: () => {
        const kw = this.CONSUME(Scalar);
        return this.ACTION((): TypeExpr => ({ kind: "ScalarType", range: this.span(kw, kw) }));
      },
    },
    {
      ALT: () => {
        const domain = this.SUBRULE(this.spaceExpr);
        let codomain: SpaceExpr | undefined;
        this.OPTION(() => {
          this.CONSUME(Arrow);
          codomain = this.SUBRULE2(this.spaceExpr);
        });
        return this.ACTION((): TypeExpr => (codomain === undefined ? domain : { kind: "MapType", domain, codomain, range: this.join(domain.range, codomain.range) }));
      },
    },
  ];

  private readonly typeExpr = this.RULE("typeExpr", (): TypeExpr => this.OR(this.typeAlts), { recoveryValueFunc: (e: IRecognitionException): TypeExpr => this.missingSpace(e) });

  // -------------------------------------------------------------- expressions, loosest first
  //
  // Hot path: alternatives are built once (tsx's keepNames wraps every `{ ALT: () => … }` it creates,
  // so building them per call costs more than the parsing itself), and unary minus, `^`, postfix forms
  // and atoms share two rules to keep the rule depth per atom small.

  public readonly expression = this.RULE(
    "expression",
    (): Expr => {
      try {
        this.nest();
        let left = this.SUBRULE(this.multiplicative);
        this.MANY(() => {
          const op = this.CONSUME(AddOp);
          const right = this.SUBRULE2(this.multiplicative);
          this.ACTION(() => {
            left = { kind: "Binary", op: op.image === "+" ? "+" : "-", left, right, range: this.join(left.range, right.range) };
          });
        });
        return left;
      } finally {
        this.depth--;
      }
    },
    { recoveryValueFunc: this.recoverExpr },
  );

  private readonly multiplicative = this.RULE(
    "multiplicative",
    (): Expr => {
      let left = this.SUBRULE(this.unary);
      this.MANY(() => {
        const op = this.CONSUME(MulOp);
        const right = this.SUBRULE2(this.unary);
        this.ACTION(() => {
          left = { kind: "Binary", op: op.image === "/" ? "/" : "*", left, right, range: this.join(left.range, right.range) };
        });
      });
      return left;
    },
    { recoveryValueFunc: this.recoverExpr },
  );

  private readonly unaryAlts: IOrAlt<Expr>[] = [
    {
      ALT: () => {
        const minus = this.CONSUME(Minus);
        const operand = this.SUBRULE(this.unary);
        return this.ACTION((): Expr => ({
          kind: "Unary",
          op: "-",
          operand,
          range: this.lines.range(minus.startOffset, operand.range.end.offset),
        }));
      },
    },
    {
      // `base ^ exponent`, right-associative; the exponent may carry a unary minus (`A ^ -1`).
      ALT: () => {
        const base = this.SUBRULE(this.postfix);
        let result = base;
        this.OPTION(() => {
          this.CONSUME(Caret);
          const exponent = this.SUBRULE2(this.unary);
          this.ACTION(() => {
            result = { kind: "Binary", op: "^", left: base, right: exponent, range: this.join(base.range, exponent.range) };
          });
        });
        return result;
      },
    },
  ];

  private readonly unary = this.RULE(
    "unary",
    (): Expr => {
      try {
        this.nest();
        return this.OR(this.unaryAlts);
      } finally {
        this.depth--;
      }
    },
    { recoveryValueFunc: this.recoverExpr },
  );

  /** The expression a postfix chain has built so far; each suffix reads it before parsing its own parts. */
  private target: Expr = { kind: "MissingExpr", range: this.lines.range(0, 0) };

  private readonly postfix = this.RULE(
    "postfix",
    (): Expr => {
      const atom = this.OR(this.atomAlts);
      this.ACTION(() => {
        this.target = atom;
      });
      this.MANY(this.suffix);
      return this.target;
    },
    { recoveryValueFunc: this.recoverExpr },
  );

  private readonly suffixAlts: IOrAlt<void>[] = [
    {
      ALT: () => {
        const callee = this.target;
        const args = this.SUBRULE(this.argList);
        const close = this.closeParen;
        this.ACTION(() => {
          this.target = { kind: "Call", callee, args, range: this.spanFrom(callee.range, close) };
        });
      },
    },
    {
      ALT: () => {
        const object = this.target;
        this.CONSUME(LBracket);
        const index = this.SUBRULE2(this.expression);
        const close = this.CONSUME(RBracket);
        this.ACTION(() => {
          this.target = { kind: "Index", object, index, range: this.spanFrom(object.range, close) };
        });
      },
    },
    {
      ALT: () => {
        const object = this.target;
        this.CONSUME(Dot);
        const nameTok = this.CONSUME2(Ident);
        this.ACTION(() => {
          const name = this.ident(nameTok);
          this.target = { kind: "Member", object, name, range: this.join(object.range, name.range) };
        });
      },
    },
  ];

  private readonly suffix = (): void => {
    this.OR2(this.suffixAlts);
  };

  private readonly atomAlts: IOrAlt<Expr>[] = [
    {
      ALT: () => {
        const token = this.CONSUME(NumberTok);
        return this.ACTION(() => this.numberLit(token));
      },
    },
    {
      ALT: () => {
        const token = this.CONSUME(StringTok);
        return this.ACTION(() => this.stringLit(token));
      },
    },
    {
      ALT: () => {
        const token = this.CONSUME(Ident);
        return this.ACTION((): Expr => {
          const name = this.ident(token);
          return { kind: "Name", name, range: name.range };
        });
      },
    },
    {
      ALT: () => {
        const open = this.CONSUME2(LBracket);
        const items: Expr[] = [this.SUBRULE3(this.expression)];
        this.MANY2(() => {
          this.CONSUME2(Comma);
          items.push(this.SUBRULE4(this.expression));
        });
        const close = this.CONSUME2(RBracket);
        return this.ACTION((): Expr => ({ kind: "List", items, range: this.span(open, close) }));
      },
    },
    {
      ALT: () => {
        // Parentheses leave no node of their own; the inner node's range grows to cover them.
        const open = this.CONSUME(LParen);
        const inner = this.SUBRULE(this.expression);
        const close = this.CONSUME(RParen);
        return this.ACTION((): Expr => ({ ...inner, range: this.span(open, close) }));
      },
    },
  ];

  /** The `)` that closed the last argument list (or where recovery left it), for the caller's range. */
  private closeParen: IToken = EOF_TOKEN;

  /**
   * `( arg, … )`. The parentheses belong here, not to the callers, so that `)` is in the follow set of
   * an argument and a broken argument re-syncs to a MissingExpr argument instead of losing the list.
   */
  private readonly argList = this.RULE(
    "argList",
    (): Arg[] => {
      const args: Arg[] = [];
      this.CONSUME(LParen);
      this.OPTION(() => {
        args.push(this.SUBRULE(this.arg));
        this.MANY(() => {
          this.CONSUME(Comma);
          args.push(this.SUBRULE2(this.arg));
        });
      });
      this.closeParen = this.CONSUME(RParen);
      return args;
    },
    {
      recoveryValueFunc: (e: IRecognitionException): Arg[] => {
        const end = this.skippedRange(e).end.offset;
        this.closeParen = createTokenInstance(RParen, "", end, end - 1, NaN, NaN, NaN, NaN);
        return [];
      },
    },
  );

  private readonly argAlts: IOrAlt<Arg>[] = [
    { ALT: () => this.SUBRULE(this.keywordArg) },
    {
      ALT: () => {
        let value: Expr;
        try {
          value = this.SUBRULE(this.expression);
        } finally {
          this.labelled = undefined; // a positional argument has no name to keep
        }
        return this.ACTION((): Arg => ({ kind: "Arg", value, range: value.range }));
      },
    },
  ];

  /** A broken keyword argument re-syncs here (its own follow set is empty) and keeps its name. */
  private readonly arg = this.RULE("arg", (): Arg => this.OR(this.argAlts), {
    recoveryValueFunc: (e: IRecognitionException): Arg => this.recoverArg(e),
  });

  private recoverArg(e: IRecognitionException): Arg {
    const name = this.takeLabel();
    const value = this.missingExpr(e);
    return name === undefined ? { kind: "Arg", value, range: value.range } : { kind: "Arg", name, value, range: this.join(name.range, value.range) };
  }

  /** `name = value`. */
  private readonly keywordArg = this.RULE(
    "keywordArg",
    (): Arg => {
      this.labelled = undefined;
      const nameTok = this.CONSUME(Ident);
      this.CONSUME(Equals);
      let value: Expr;
      try {
        value = this.SUBRULE(this.expression);
      } finally {
        this.labelled = nameTok;
      }
      return this.ACTION((): Arg => {
        const name = this.ident(nameTok);
        return { kind: "Arg", name, value, range: this.join(name.range, value.range) };
      });
    },
    { recoveryValueFunc: (e: IRecognitionException): Arg => this.recoverArg(e) },
  );
}

/**
 * A subrule without a `recoveryValueFunc` returns undefined when recovery re-syncs past it, whatever its
 * declared type says; this makes that possibility visible to the type checker at the call site.
 */
function orRecovered<T>(value: T): T | undefined {
  return value;
}
