/** Made-up names for the generated worlds (no third-party text). Syllables combine into people, places and firms. */
const FIRST = [
  'Al',
  'Bre',
  'Cor',
  'Dun',
  'El',
  'Fen',
  'Gal',
  'Hal',
  'Is',
  'Jor',
  'Kel',
  'Lor',
  'Mar',
  'Nor',
  'Ost',
  'Pel',
  'Quen',
  'Ros',
  'Sel',
  'Tor',
  'Ul',
  'Ves',
  'Wyn',
  'Yar',
  'Zel',
];
const SECOND = ['da', 'ven', 'mir', 'ric', 'wen', 'ton', 'lis', 'dor', 'mar', 'vik', 'sen', 'ra', 'lan', 'tis', 'ber'];
const PLACE_END = ['ford', 'haven', 'mere', 'holm', 'stead', 'bury', 'wick', 'dale', 'port', 'gate'];
const FIRM_END = ['Works', 'Guild', 'Foundry', 'Press', 'Mills', 'Labs', 'Yards', 'Trading'];

export interface NameMaker {
  person(): string;
  place(): string;
  firm(): string;
}

/** Distinct names from a seeded random source. */
export function nameMaker(random: () => number): NameMaker {
  const used = new Set<string>();
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const unique = (make: () => string) => {
    for (let i = 0; i < 1000; i++) {
      const name = make();
      if (!used.has(name)) {
        used.add(name);
        return name;
      }
    }
    throw new Error('ran out of distinct names');
  };
  return {
    person: () =>
      unique(() => `${pick(FIRST)}${pick(SECOND)} ${pick(FIRST)}${pick(SECOND)}${pick(['', 'son', 'ley'])}`),
    place: () => unique(() => `${pick(FIRST)}${pick(SECOND)}${pick(PLACE_END)}`),
    firm: () => unique(() => `${pick(FIRST)}${pick(SECOND)} ${pick(FIRM_END)}`),
  };
}
