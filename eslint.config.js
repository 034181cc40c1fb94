// Lint rules, including the dependency rules of the architecture written as import restrictions, so that breaking
// one fails CI. Folder names: see README "Code layout".
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

/** An import-restriction entry that forbids importing the named src-main folders. */
const noFolders = (folders, why) => ({
  regex: `(^|/)(${folders.join('|')})(/|$)`,
  message: why,
});
const noElectron = {
  name: 'electron',
  message:
    'Only src-main/shell/ may import electron: everything else must run under plain Node (CLI, serve, tests, workers).',
};
/** The front ends and the composition root: nothing below them imports them. */
const FRONT = ['api', 'serve', 'cli', 'shell', 'app'];
/** One layer's import restrictions: electron (rule 1) and the given patterns, for `files` but not `ignores`. */
const restrict = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns }] },
});

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-artifacts/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'vue/multi-word-component-names': 'off',
      // Formatting is not what this lint is for; these stylistic Vue rules fight readable one-line templates.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  // Rule 1: only the shell imports electron.
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/shell/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  // Rule 3: the store imports no domain or front-end code; it stores and reads typed rows.
  restrict(
    ['src-main/store/**/*.ts'],
    [
      noFolders(
        [...FRONT, 'services', 'experiments', 'model', 'rl', 'tools', 'benchmarks', 'stats'],
        'store/ imports no domain code (architecture rule 3).',
      ),
    ],
  ),
  // Rule 2: pure domain code never reaches storage or a front end.
  restrict(
    ['src-main/{model,rl,tools,benchmarks,clusters,stats}/**/*.ts'],
    [
      noFolders(
        ['store', ...FRONT, 'services'],
        'model/, rl/, tools/, benchmarks/, clusters/ and stats/ are pure domain code (architecture rule 2); experiments/ wires them to storage.',
      ),
    ],
  ),
  // Rule 6: experiments/ sits below every front end and the composition root, and its folders are tiers
  // (docs/architecture.md): plan → library → results → execution → remote, with imports/ beside results and study/
  // (which plans with plan/ and reports from results/) above results. A folder imports only the tiers below it.
  ...[
    ['plan', ['library', 'results', 'execution', 'remote', 'imports', 'study']],
    ['library', ['results', 'execution', 'remote', 'imports', 'study']],
    ['results', ['library', 'execution', 'remote', 'imports', 'study']],
    ['imports', ['library', 'results', 'execution', 'remote', 'study']],
    ['study', ['library', 'execution', 'remote', 'imports']],
    ['execution', ['remote', 'imports', 'study']],
    ['remote', ['study']],
  ].map(([folder, above]) =>
    restrict(
      [`src-main/experiments/${folder}/**/*.ts`],
      [
        noFolders(
          FRONT,
          'experiments/ must not depend on a front end or the composition root (app/ composes; nothing imports it).',
        ),
        ...(above.length === 0
          ? []
          : [
              {
                regex: `(^|/)experiments/(${above.join('|')})/|^\\.\\./(${above.join('|')})/`,
                message: `experiments/${folder}/ imports only the tiers below it (docs/architecture.md, "Layers").`,
              },
            ]),
      ],
    ),
  ),
  // Rule 7: the front ends compose nothing: they reach the model and the algorithms through API channels and
  // experiments-level services (bench, conformance, the chat model), never by importing model/ or rl/ themselves.
  restrict(
    ['src-main/{cli,serve}/**/*.ts'],
    [
      noFolders(
        ['model', 'rl'],
        'front ends compose nothing (architecture rule 7): call an API channel or an experiments/ service.',
      ),
    ],
  ),
  // Rule 4: algorithms never import each other; only the registry imports them all.
  restrict(
    ['src-main/rl/algorithms/**/*.ts'],
    [
      noFolders(['store', ...FRONT, 'services'], 'algorithms are pure domain code (architecture rule 2).'),
      {
        regex: '^\\./',
        message: 'An algorithm must not import another algorithm (architecture rule 4); share math through rl/*.ts.',
      },
    ],
    ['src-main/rl/algorithms/registry.ts'],
  ),
  // Services and the api layer sit below the front ends.
  restrict(
    ['src-main/services/**/*.ts', 'src-main/core/**/*.ts'],
    [noFolders(FRONT, 'services/ and core/ must not depend on a front end or the composition root.')],
  ),
  restrict(
    ['src-main/api/**/*.ts'],
    [noFolders(['serve', 'cli', 'shell', 'app'], 'api/ is shared by every front end and must not depend on one.')],
  ),
  // Rule 5: the renderer sees only the api's types (plus the dependency-free units formatter and series math), never
  // SQL, Node or Electron.
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to main only through api.ts.' },
            { name: 'better-sqlite3', message: 'The renderer never touches the database.' },
          ],
          patterns: [
            { regex: '^node:', message: 'The renderer runs in a browser; no Node modules.' },
            {
              regex: 'src-main/(?!api/)',
              message: 'The renderer imports only the api types from src-main (architecture rule 5).',
            },
            {
              regex: 'src-main/api/(?!typed-api$|units$|series-math$)',
              message: 'Import api types from src-main/api/typed-api.',
            },
            {
              regex: 'src-main/api/typed-api$',
              allowTypeImports: true,
              message: 'Only `import type` from the api: no main-process code in the renderer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
);
