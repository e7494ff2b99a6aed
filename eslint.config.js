// Lint: ESLint's and typescript-eslint's recommended rules on our TypeScript; xss-scan (run
// separately by `npm run lint`) checks that JSX output is escaped.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'test-results/', 'dist/', '.build/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_|^Html$', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          // A page with two forms once made two form tokens on a first visit: each generateCsrf
          // set a new secret cookie, only the last stayed, and the first form failed. formToken
          // (platform/http/context.ts, the one place allowed) gives one token an answer, and a
          // hole when the page is kept.
          selector: "CallExpression[callee.property.name='generateCsrf']",
          message: 'Use formToken(reply) from platform/http/context.ts: one token an answer, and a hole when the page is kept for a standing.',
        },
        {
          // ICU (docs/operations.md, idle memory): the first use of Intl's number formatter or
          // collator maps megabytes of ICU's code and data into the process for good. Dates
          // (Intl.DateTimeFormat) are used anyway, for time zones.
          selector: 'CallExpression[callee.property.name=/^(toLocaleString|localeCompare)$/]',
          message:
            'Use formatNumber/formatCount (web/format.ts) or compareText/compareWords (platform/text.ts): toLocaleString and localeCompare load ICU number formatting or collation (about 2-6 MB each, kept).',
        },
        {
          selector: "MemberExpression[object.name='Intl'][property.name!='DateTimeFormat']",
          message:
            'Use formatNumber (web/format.ts) or compareText/compareWords (platform/text.ts): each Intl service but DateTimeFormat loads more of ICU (megabytes, kept for the life of the process).',
        },
        {
          // The build (scripts/build.js) writes ASCII-only JavaScript, escaping what strings hold,
          // but cannot escape inside a regular expression or a tagged template. One such
          // character makes node keep the whole built file at two bytes a character.
          selector: 'Literal[regex.pattern=/[^\\x00-\\x7F]/], TaggedTemplateExpression > TemplateLiteral > TemplateElement[value.raw=/[^\\x00-\\x7F]/]',
          message:
            'Write characters beyond ASCII in a regular expression or a tagged template as \\u escapes (with the text in a comment): the build cannot escape them there, and one makes node hold the whole built file at two bytes a character.',
        },
        {
          // mailauth's index loads its BIMI checker at require time (an npm undici, VMC and XML
          // parsers: about 4 MB of heap we never use). Take each check from its own module.
          selector: "CallExpression[callee.name='require'][arguments.0.value='mailauth']",
          message: "Require the check you need from its module (mailauth/lib/spf, lib/dkim/verify, lib/arc, lib/dmarc), not mailauth's index: it loads BIMI.",
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'mailauth',
              message:
                "Require the check you need from its module (mailauth/lib/spf, lib/dkim/verify, lib/arc, lib/dmarc), not mailauth's index: it loads BIMI.",
            },
            {
              name: 'luxon',
              allowTypeImports: true,
              message:
                "Import DateTime from platform/luxon.ts, the one place that imports luxon (the build makes it the same copy as pg-boss's cron-parser requires).",
            },
          ],
        },
      ],
    },
  },
  {
    // After a click that sends a form the next page may not be there yet: isVisible() answers at
    // once, so asserting on it raced the page on a busy machine. Wait with shown() (pages.ts).
    files: ['test/browser/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='assert'] > AwaitExpression > CallExpression[callee.property.name='isVisible']",
          message: 'isVisible() does not wait: use `await shown(locator)` from ./pages.ts (or assert it is hidden with isHidden after a wait).',
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // scripts the pages load: a browser's globals, not Node's
    files: ['src/web/assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
);
