/**
 * Generated mini suites, one per benchmark, small enough for the `small` model to learn on a laptop and shaped like
 * the real benchmark's skills and tools:
 * - math family: arithmetic and algebra solved with the python tool;
 * - knowledge family: multi-hop questions over a generated encyclopedia, reached with search;
 * - deep-search family: facts on pages of generated websites, reached with search and browse.
 * Seeded and reproducible; train and test splits; every item has a cold-start demonstration trajectory whose tool
 * calls, run through the real tools on the suite's corpus and sites, return exactly the results it shows.
 */
import { Rng } from '../../model/rng';
import { aroundGoal, readableText } from '../../tools/browse/browse-tool';
import { formatResults, LocalIndex, TOP_K } from '../../tools/search/search-tool';
import { evaluateArithmetic } from '../../tools/toy';
import { MINI_SUITES } from './catalogue';
import { nameMaker } from './words';

/** One step of a demonstration: a thought, then a tool call whose real output the generator fills in. */
interface Step {
  think: string;
  tool: 'search' | 'browse' | 'python';
  input: string;
}

interface Plan {
  question: string;
  answer: string;
  steps: Step[];
}

export interface MiniItem {
  question: string;
  answers: string[];
  /** A correct trajectory in the agent format, for cold-start SFT. */
  demonstration: string;
}

export interface MiniSuite {
  id: string;
  train: MiniItem[];
  test: MiniItem[];
  /** Documents for the search tool's local index. */
  documents: { id: string; title: string; text: string }[];
  /** Site bundles for browse: URL → HTML. */
  pages: Record<string, string>;
  knobs: Record<string, number>;
}

export { MINI_SUITES };

/** The demonstration text, with each tool's output as the real tool returns it for this suite. */
function demonstration(plan: Plan, run: (step: Step) => string): string {
  const body = plan.steps
    .map((s) => `<think>${s.think}</think><${s.tool}>${s.input}</${s.tool}> <result>\n${run(s)}\n</result>`)
    .join('');
  return `Question: ${plan.question}\n${body}<think>So the answer is ${plan.answer}.</think><answer>The answer is \\boxed{${plan.answer}}</answer><eos>`;
}

function mathPlan(rng: Rng, knobs: Record<string, number>): Plan {
  const number = () => Math.floor(rng.next() * 10 ** knobs.digits!) + 1;
  if (rng.next() < (knobs.algebraShare ?? 0)) {
    // a·x + b = c with an integer solution; python solves it as (c − b) // a.
    const [a, x, b] = [Math.floor(rng.next() * 9) + 2, number(), number()];
    const c = a * x + b;
    return {
      question: `Solve for x: ${a} * x + ${b} = ${c}.`,
      answer: String(x),
      steps: [
        {
          think: `Subtract ${b} from both sides and divide by ${a}.`,
          tool: 'python',
          input: `print((${c} - ${b}) // ${a})`,
        },
      ],
    };
  }
  let expression = String(number());
  for (let i = 1; i < knobs.operations!; i++)
    expression += ` ${['+', '-', '*'][Math.floor(rng.next() * 3)]} ${number()}`;
  return {
    question: `What is ${expression}?`,
    answer: String(evaluateArithmetic(expression)),
    steps: [{ think: `I will compute ${expression} with python.`, tool: 'python', input: `print(${expression})` }],
  };
}

/** A chain of facts person → birthplace → founder of … ; each fact is one encyclopedia entry. */
function knowledgeWorld(rng: Rng, knobs: Record<string, number>, count: number) {
  const names = nameMaker(() => rng.next());
  const documents: MiniSuite['documents'] = [];
  const plans: Plan[] = [];
  for (let i = 0; i < count; i++) {
    const chain = [names.firm(), names.person(), names.place(), names.person()];
    const facts = [
      {
        subject: chain[0]!,
        text: `${chain[0]} was founded by ${chain[1]}.`,
        ask: `Who founded ${chain[0]}?`,
        answer: chain[1]!,
      },
      {
        subject: chain[1]!,
        text: `${chain[1]} was born in ${chain[2]}.`,
        ask: `Where was ${chain[1]} born?`,
        answer: chain[2]!,
      },
      {
        subject: chain[2]!,
        text: `The first mayor of ${chain[2]} was ${chain[3]}.`,
        ask: `Who was the first mayor of ${chain[2]}?`,
        answer: chain[3]!,
      },
    ].slice(0, knobs.hops!);
    for (const fact of facts) documents.push({ id: `doc${documents.length}`, title: fact.subject, text: fact.text });
    for (let d = 0; d < knobs.distractors!; d++) {
      const other = names.person();
      documents.push({ id: `doc${documents.length}`, title: other, text: `${other} was born in ${names.place()}.` });
    }
    plans.push({
      question:
        knobs.hops === 2
          ? `Where was the founder of ${chain[0]} born?`
          : `Who was the first mayor of the birthplace of the founder of ${chain[0]}?`,
      answer: facts.at(-1)!.answer,
      steps: facts.map((fact) => ({ think: fact.ask, tool: 'search' as const, input: fact.subject })),
    });
  }
  return { plans, documents };
}

/**
 * Small websites: search finds a site's home page, and the fact sits `depth` pages further in, each page linking to
 * the next, so the agent has to browse from page to page.
 */
function deepSearchWorld(rng: Rng, knobs: Record<string, number>, count: number) {
  const names = nameMaker(() => rng.next());
  const documents: MiniSuite['documents'] = [];
  const pages: Record<string, string> = {};
  const plans: Plan[] = [];
  const sections = ['about', 'history', 'archive', 'records'];
  for (let i = 0; i < count; i++) {
    const firm = names.firm();
    const host = `https://${firm.toLowerCase().replace(/\s+/g, '-')}.example`;
    const year = String(1800 + Math.floor(rng.next() * 200));
    const urls = Array.from({ length: Math.max(1, knobs.depth!) }, (_, d) =>
      d === 0 ? `${host}/` : `${host}/${sections.slice(0, d).join('/')}`,
    );
    urls.forEach((url, d) => {
      const next = urls[d + 1];
      pages[url] = next
        ? `<html><h1>${firm}</h1><p>More about us: ${next}</p><p>Visitors are welcome on weekdays.</p></html>`
        : `<html><h1>${firm}</h1><p>${firm} opened its first hall in ${year}.</p><p>Visitors are welcome on weekdays.</p></html>`;
    });
    documents.push({ id: `site${i}`, title: firm, text: `Official site of ${firm}: ${urls[0]}` });
    plans.push({
      question: `In which year did ${firm} open its first hall?`,
      answer: year,
      steps: [
        { think: `I should find the site of ${firm}.`, tool: 'search', input: firm },
        ...urls.map((url, d) => ({
          think: d === 0 ? 'I will open the site.' : 'I will follow the link.',
          tool: 'browse' as const,
          input: `${url} first hall`,
        })),
      ],
    });
  }
  return { plans, documents, pages };
}

export function generateMiniSuite(
  id: string,
  options: { seed?: number; train?: number; test?: number } = {},
): MiniSuite {
  const spec = MINI_SUITES[id];
  if (!spec) throw new Error(`unknown mini suite "${id}"; known: ${Object.keys(MINI_SUITES).join(', ')}`);
  const rng = new Rng(options.seed ?? 0);
  const train = options.train ?? 200;
  const test = options.test ?? 50;
  const total = train + test;
  let plans: Plan[];
  let documents: MiniSuite['documents'] = [];
  let pages: Record<string, string> = {};
  if (spec.family === 'math') plans = Array.from({ length: total }, () => mathPlan(rng, spec.knobs));
  else if (spec.family === 'knowledge') ({ plans, documents } = knowledgeWorld(rng, spec.knobs, total));
  else ({ plans, documents, pages } = deepSearchWorld(rng, spec.knobs, total));
  // Each tool output in a demonstration is what the real tool returns on this suite's corpus and sites.
  const index = new LocalIndex(documents);
  const run = (step: Step): string => {
    if (step.tool === 'python') return String(evaluateArithmetic(/^print\((.*)\)$/.exec(step.input)![1]!));
    if (step.tool === 'search') return formatResults(index.searchSync(step.input, TOP_K));
    const [url = '', ...goal] = step.input.split(' ');
    return aroundGoal(readableText(pages[url] ?? ''), goal.join(' '));
  };
  const items = plans.map((plan) => ({
    question: plan.question,
    answers: [plan.answer],
    demonstration: demonstration(plan, run),
  }));
  return { id, train: items.slice(0, train), test: items.slice(train), documents, pages, knobs: spec.knobs };
}
