import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

const NODE_MODULES = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'h5wasm',
  'h5wasm/*',
  'h5wasm-plugins',
  'piscina',
  'better-sqlite3',
  '@resvg/*',
  'ws',
];
const UI_MODULES = ['electron', 'vue', 'pinia', 'maplibre-gl'];
const APP_FOLDERS = ['**/src-main/**', '**/src-renderer/**', '**/src-workers/**', '**/src-cli/**'];
const NODE_GLOBALS = ['process', 'Buffer', '__dirname', '__filename', 'require', 'global'].map((name) => ({
  name,
  message: `${name} is Node-only`,
}));
const BROWSER_GLOBALS = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage'].map((name) => ({
  name,
  message: `${name} is browser-only`,
}));

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'scratch/**',
      'resources/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  // Layering (VS Code's common/node split, enforced per folder; see ARCHITECTURE.md "Who may import what"):
  // src-core/common is pure (any runtime: renderer, workers, Node); src-core/node does file and process I/O;
  // only src-main/electron imports Electron; the renderer sees src-shared and src-core/common only.
  {
    files: ['src-core/common/**/*.ts'],
    languageOptions: { globals: { ...globals.es2021 } },
    rules: {
      'no-restricted-globals': ['error', ...NODE_GLOBALS, ...BROWSER_GLOBALS],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...NODE_MODULES, ...UI_MODULES, ...APP_FOLDERS],
              message: 'src-core/common is pure: no Node, UI or app imports',
            },
            {
              group: ['**/node/**', '**/src-core/node/**'],
              message: 'src-core/common must not import src-core/node',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-core/node/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-globals': ['error', ...BROWSER_GLOBALS],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [{ group: [...UI_MODULES, ...APP_FOLDERS], message: 'the science core imports no UI or app code' }],
        },
      ],
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    languageOptions: { globals: { ...globals.es2021 } },
    rules: {
      'no-restricted-globals': ['error', ...NODE_GLOBALS, ...BROWSER_GLOBALS],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [...NODE_MODULES, ...UI_MODULES, ...APP_FOLDERS], message: 'src-shared is the pure contract' },
            {
              group: ['**/src-core/node/**'],
              message: 'src-shared may use src-core/common only',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-globals': ['error', ...NODE_GLOBALS],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...NODE_MODULES, '**/src-main/**', '**/src-workers/**', '**/src-cli/**'],
              message: 'the renderer talks to main only through src-shared/api',
            },
            {
              group: ['**/src-core/node/**'],
              message: 'the renderer may import src-core/common only',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  // in the renderer only the stores call the API: components, panels and map adapters read stores and call
  // their actions (the patterns above are repeated: a later block replaces the rule's options)
  {
    files: ['src-renderer/{components,panels,map}/**/*.{ts,vue}', 'src-renderer/*.vue'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...NODE_MODULES, '**/src-main/**', '**/src-workers/**', '**/src-cli/**'],
              message: 'the renderer talks to main only through src-shared/api',
            },
            {
              group: ['**/src-core/node/**'],
              message: 'the renderer may import src-core/common only',
              allowTypeImports: true,
            },
            { group: ['**/api/client', '**/api/httpClient'], message: 'only stores call the API: use a store action' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/**/*.ts', 'src-workers/**/*.ts', 'src-cli/**/*.ts'],
    ignores: ['src-main/electron/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-globals': ['error', ...BROWSER_GLOBALS],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'vue', 'maplibre-gl', '**/src-renderer/**'],
              message: 'only src-main/electron imports Electron',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vue', 'maplibre-gl', '**/src-renderer/**'], message: 'main does not import renderer code' },
          ],
        },
      ],
    },
  },
);
