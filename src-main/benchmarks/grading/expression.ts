/**
 * Math expressions from normalised LaTeX or plain text: a tokenizer, a recursive-descent parser with implicit
 * multiplication (`2x`, `2\sqrt{3}`, `(a)(b)`), and a numeric evaluator. Parsing is linear in the input and its
 * nesting is capped, so no answer can make the grader hang.
 */

export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: string }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/' | '^'; left: Expr; right: Expr }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'fn'; name: string; args: Expr[] };

export class ParseError extends Error {}

const MAX_DEPTH = 100;
const FUNCTIONS = new Set(['sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'ln', 'log', 'exp', 'arcsin', 'arccos', 'arctan']);
const CONSTANTS: Record<string, number> = { pi: Math.PI, infty: Infinity, inf: Infinity, infinity: Infinity };

type Token =
  | { type: 'num'; value: number }
  | { type: 'name'; value: string }
  | { type: 'cmd'; value: string }
  | {
      type: 'sym';
      value: string;
    };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+(?![a-zA-Z]))?/.exec(rest);
    if (number) {
      tokens.push({ type: 'num', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const command = /^\\([a-zA-Z]+|[{}|])/.exec(rest);
    if (command) {
      tokens.push({ type: 'cmd', value: command[1]! });
      i += command[0].length;
      continue;
    }
    const word = /^[a-zA-Z]+/.exec(rest);
    if (word) {
      // A known function or constant spelled out; otherwise single-letter variables (`xy` is x·y).
      const lower = word[0].toLowerCase();
      if (FUNCTIONS.has(lower) || lower in CONSTANTS || lower === 'sqrt') tokens.push({ type: 'name', value: lower });
      else for (const letter of word[0]) tokens.push({ type: 'name', value: letter });
      i += word[0].length;
      continue;
    }
    const symbol = /^(?:<=|>=|!=|\*\*|[-+*/^()[\]{}|,;=<>!_'])/.exec(rest);
    if (!symbol) throw new ParseError(`unexpected "${rest[0]}"`);
    tokens.push({ type: 'sym', value: symbol[0] === '**' ? '^' : symbol[0] });
    i += symbol[0].length;
  }
  return tokens;
}

/** Parses one expression (no relations, commas or sets: latex-parse.ts splits those off first). */
export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  let position = 0;
  let depth = 0;
  const peek = () => tokens[position];
  const isSym = (value: string) => peek()?.type === 'sym' && peek()!.value === value;
  const expectSym = (value: string) => {
    if (!isSym(value)) throw new ParseError(`expected "${value}"`);
    position++;
  };
  const nested = <T>(parse: () => T): T => {
    if (++depth > MAX_DEPTH) throw new ParseError('nested too deeply');
    try {
      return parse();
    } finally {
      depth--;
    }
  };

  const sum = (): Expr =>
    nested(() => {
      let left = product();
      while (isSym('+') || isSym('-')) {
        const op = peek()!.value as '+' | '-';
        position++;
        left = { kind: 'bin', op, left, right: product() };
      }
      return left;
    });
  const startsFactor = () => {
    const t = peek();
    if (!t) return false;
    if (t.type === 'num' || t.type === 'name') return true;
    if (t.type === 'cmd') return !['cdot', 'times', 'div', '}'].includes(t.value);
    return t.value === '(' || t.value === '{' || (t.value === '[' && false);
  };
  const product = (): Expr => {
    let left = unary();
    for (;;) {
      const t = peek();
      if (t?.type === 'sym' && (t.value === '*' || t.value === '/')) {
        position++;
        left = { kind: 'bin', op: t.value, left, right: unary() };
      } else if (t?.type === 'cmd' && (t.value === 'cdot' || t.value === 'times' || t.value === 'div')) {
        position++;
        left = { kind: 'bin', op: t.value === 'div' ? '/' : '*', left, right: unary() };
      } else if (startsFactor()) {
        left = { kind: 'bin', op: '*', left, right: power() }; // implicit: 2x, 2\sqrt{3}, (a)(b)
      } else return left;
    }
  };
  const unary = (): Expr => {
    if (isSym('-')) {
      position++;
      return { kind: 'neg', arg: unary() };
    }
    if (isSym('+')) {
      position++;
      return unary();
    }
    return power();
  };
  const power = (): Expr =>
    nested(() => {
      let base = postfix(atom());
      if (isSym('^')) {
        position++;
        const exponent = isSym('-') ? (position++, { kind: 'neg' as const, arg: power() }) : power();
        base = { kind: 'bin', op: '^', left: base, right: exponent };
      }
      return base;
    });
  const postfix = (expr: Expr): Expr => {
    let out = expr;
    while (isSym('!')) {
      position++;
      out = { kind: 'fn', name: 'factorial', args: [out] };
    }
    return out;
  };
  /** `{…}` as a group, or the single next token (`\frac12`, `x^2`). */
  const argument = (): Expr => {
    if (isSym('{')) {
      position++;
      const inner = sum();
      expectSym('}');
      return inner;
    }
    const t = peek();
    if (t?.type === 'num') {
      position++;
      // `\frac12` is 1/2: a bare argument is one digit.
      const digits = String(t.value);
      if (/^\d{2,}$/.test(digits)) {
        tokens.splice(position, 0, { type: 'num', value: Number(digits.slice(1)) });
        return { kind: 'num', value: Number(digits[0]) };
      }
      return { kind: 'num', value: t.value };
    }
    return atom();
  };
  const atom = (): Expr =>
    nested(() => {
      const t = peek();
      if (!t) throw new ParseError('the answer ends too early');
      position++;
      if (t.type === 'num') return { kind: 'num', value: t.value };
      if (t.type === 'name') {
        if (t.value in CONSTANTS) return { kind: 'num', value: CONSTANTS[t.value]! };
        if (t.value === 'sqrt') return { kind: 'fn', name: 'sqrt', args: [argument()] };
        if (FUNCTIONS.has(t.value)) return { kind: 'fn', name: t.value, args: [functionArgument()] };
        return variable(t.value);
      }
      if (t.type === 'sym') {
        if (t.value === '(' || t.value === '{' || t.value === '[') {
          const close = { '(': ')', '{': '}', '[': ']' }[t.value]!;
          const inner = sum();
          expectSym(close);
          return inner;
        }
        if (t.value === '|') {
          const inner = sum();
          expectSym('|');
          return { kind: 'fn', name: 'abs', args: [inner] };
        }
        throw new ParseError(`unexpected "${t.value}"`);
      }
      return command(t.value);
    });
  const variable = (name: string): Expr => {
    // x_1, x_{12}, x' are names of their own.
    let full = name;
    if (isSym('_')) {
      position++;
      const sub = peek();
      if (isSym('{')) {
        position++;
        while (peek() && !isSym('}')) full += `_${String(tokens[position++]!.value)}`;
        expectSym('}');
      } else if (sub) {
        full += `_${String(sub.value)}`;
        position++;
      }
    }
    while (isSym("'")) {
      position++;
      full += "'";
    }
    return { kind: 'var', name: full };
  };
  const functionArgument = (): Expr => {
    if (isSym('^')) {
      // sin^2 x: the power applies to the function's value
      position++;
      const exponent = argument();
      const inner = functionArgument();
      return { kind: 'bin', op: '^', left: inner, right: exponent };
    }
    return isSym('(') || isSym('{') ? atom() : power();
  };
  const command = (name: string): Expr => {
    if (name === 'frac' || name === 'binom') {
      const top = argument();
      const bottom = argument();
      return name === 'frac'
        ? { kind: 'bin', op: '/', left: top, right: bottom }
        : { kind: 'fn', name: 'binom', args: [top, bottom] };
    }
    if (name === 'sqrt') {
      if (isSym('[')) {
        position++;
        const index = sum();
        expectSym(']');
        return {
          kind: 'bin',
          op: '^',
          left: argument(),
          right: { kind: 'bin', op: '/', left: { kind: 'num', value: 1 }, right: index },
        };
      }
      return { kind: 'fn', name: 'sqrt', args: [argument()] };
    }
    if (name in CONSTANTS) return { kind: 'num', value: CONSTANTS[name]! };
    if (FUNCTIONS.has(name)) return { kind: 'fn', name, args: [functionArgument()] };
    if (name === '{') {
      const inner = sum();
      if (peek()?.type === 'cmd' && peek()!.value === '}') position++;
      return inner;
    }
    if (name === '|') {
      const inner = sum();
      if (peek()?.type === 'cmd' && peek()!.value === '|') position++;
      return { kind: 'fn', name: 'abs', args: [inner] };
    }
    // Greek letters and other symbols are variables.
    return variable(name);
  };

  const expr = sum();
  if (position < tokens.length) throw new ParseError(`unexpected "${String(tokens[position]!.value)}"`);
  return expr;
}

/** The variables an expression uses. */
export function variablesOf(expr: Expr, into = new Set<string>()): Set<string> {
  if (expr.kind === 'var') into.add(expr.name);
  else if (expr.kind === 'bin') {
    variablesOf(expr.left, into);
    variablesOf(expr.right, into);
  } else if (expr.kind === 'neg') variablesOf(expr.arg, into);
  else if (expr.kind === 'fn') for (const a of expr.args) variablesOf(a, into);
  return into;
}

function factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 170) return NaN;
  let out = 1;
  for (let i = 2; i <= n; i++) out *= i;
  return out;
}

/** The expression's value with the given variables; NaN where it is undefined there. */
export function evaluate(expr: Expr, scope: Record<string, number>): number {
  switch (expr.kind) {
    case 'num':
      return expr.value;
    case 'var':
      return scope[expr.name] ?? NaN;
    case 'neg':
      return -evaluate(expr.arg, scope);
    case 'bin': {
      const a = evaluate(expr.left, scope);
      const b = evaluate(expr.right, scope);
      if (expr.op === '+') return a + b;
      if (expr.op === '-') return a - b;
      if (expr.op === '*') return a * b;
      if (expr.op === '/') return a / b;
      return a < 0 && !Number.isInteger(b) ? oddRoot(a, b) : a ** b;
    }
    case 'fn': {
      const [x = NaN, y = NaN] = expr.args.map((a) => evaluate(a, scope));
      switch (expr.name) {
        case 'sqrt':
          return Math.sqrt(x);
        case 'abs':
          return Math.abs(x);
        case 'factorial':
          return factorial(x);
        case 'binom':
          return factorial(x) / (factorial(y) * factorial(x - y));
        case 'ln':
          return Math.log(x);
        case 'log':
          return Math.log10(x);
        case 'exp':
          return Math.exp(x);
        case 'cot':
          return 1 / Math.tan(x);
        case 'sec':
          return 1 / Math.cos(x);
        case 'csc':
          return 1 / Math.sin(x);
        case 'arcsin':
          return Math.asin(x);
        case 'arccos':
          return Math.acos(x);
        case 'arctan':
          return Math.atan(x);
        default:
          return (Math as unknown as Record<string, (v: number) => number>)[expr.name]?.(x) ?? NaN;
      }
    }
  }
}

/** A negative number to a fractional power: real only for odd roots (∛−8 = −2). */
function oddRoot(a: number, b: number): number {
  const inverse = 1 / b;
  return Number.isInteger(Math.round(inverse)) &&
    Math.abs(inverse - Math.round(inverse)) < 1e-9 &&
    Math.round(inverse) % 2 !== 0
    ? -((-a) ** b)
    : NaN;
}
