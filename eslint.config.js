import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'
import globals from 'globals'

const browserOnly = {
  'no-restricted-imports': [
    'error',
    { patterns: [{ group: ['node:*'], message: 'Browser code and the simulator must not import Node built-ins.' }] },
  ],
}

// The built page has no reactive arrays, Maps or Sets (scripts/noReactiveLists.ts): they throw
// there. Tests run Vue unpatched, so this catches the plain cases before the e2e suite would.
const REACTIVE = 'CallExpression[callee.name=/^(ref|reactive|readonly|shallowReactive|shallowReadonly)$/]'
const LIST_TYPE = '/^(Array|ReadonlyArray|Map|ReadonlyMap|Set|ReadonlySet|WeakMap|WeakSet)$/'
const noReactiveLists = {
  'no-restricted-syntax': [
    'error',
    ...[
      `${REACTIVE} > ArrayExpression`,
      `${REACTIVE} > NewExpression[callee.name=${LIST_TYPE}]`,
      // A list inside an object literal: reading it through the reactive object would throw.
      `${REACTIVE} > ObjectExpression Property > ArrayExpression`,
      `${REACTIVE} > ObjectExpression Property > TSAsExpression > ArrayExpression`,
      `${REACTIVE} > ObjectExpression Property > NewExpression[callee.name=${LIST_TYPE}]`,
      `${REACTIVE} > TSTypeParameterInstantiation TSArrayType`,
      `${REACTIVE} > TSTypeParameterInstantiation TSTypeReference[typeName.name=${LIST_TYPE}]`,
    ].map((selector) => ({
      selector,
      message: 'The built page has no reactive lists (scripts/noReactiveLists.ts): hold lists in shallowRef.',
    })),
  ],
}

export default defineConfigWithVueTs(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'dev-mock-public/**',
      'public/**',
    ],
  },
  js.configs.recommended,
  pluginVue.configs['flat/recommended'],
  vueTsConfigs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      'vue/multi-word-component-names': 'off',
      'vue/no-v-html': 'error',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.{ts,vue}', 'mocks/scenario/**/*.ts'], rules: browserOnly },
  // Mock mode's dev panel is built without the step.
  { files: ['src/**/*.{ts,vue}'], ignores: ['src/dev/**'], rules: noReactiveLists },
)
