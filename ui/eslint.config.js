import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'src/lib/bindings/'] },
  js.configs.recommended,
  ts.configs.recommendedTypeChecked,
  svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, svelteConfig },
    },
  },
  {
    rules: {
      // Message text is data, never markup.
      'svelte/no-at-html-tags': 'error',
      'svelte/no-target-blank': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@tauri-apps/api/core',
              message: 'Only src/lib/backend.ts talks to the backend.',
              allowTypeImports: true,
            },
            {
              name: '@tauri-apps/plugin-opener',
              message: 'Only src/lib/backend.ts talks to the backend (links open through backend.openLink).',
            },
            {
              name: '@tauri-apps/plugin-dialog',
              message: 'Only src/lib/backend.ts talks to the backend (backend.pickFiles, backend.pickSaveLocation).',
            },
            {
              name: '@tauri-apps/api/webview',
              message: 'Only src/lib/backend.ts talks to the backend (dropped files come through backend.onFileDrop).',
              allowTypeImports: true,
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // The backend's errors are plain { code, message } objects by contract.
      '@typescript-eslint/only-throw-error': [
        'error',
        { allow: [{ from: 'file', name: 'AppError', path: 'src/lib/bindings/AppError.ts' }] },
      ],
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allow: [{ from: 'file', name: 'AppError', path: 'src/lib/bindings/AppError.ts' }] },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Stores publish immutable snapshots through $state.raw; their private
    // indexes (Map/Set) are deliberately not reactive.
    files: ['src/lib/stores/*.svelte.ts'],
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
  {
    files: ['src/lib/backend.ts', 'src/lib/backend/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Build configuration: plain Node scripts outside the app's tsconfig.
    files: ['*.config.js', '*.config.ts'],
    extends: [ts.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
);
