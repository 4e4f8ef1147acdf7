import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-output/**', '.vscode-test/**', 'examples/**', 'bench/.cache/**'] },
  ...tseslint.configs.recommended,
  {
    // Plain CommonJS run as its own process (the activation probe must load no TypeScript loader).
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core is shared by the CLI and the extension: it must never depend on VS Code.
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts', 'src/cli/**/*.ts', 'src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Only src/extension/ may import vscode; keep src/core free of it.' }],
        patterns: [{ group: ['**/extension/**', '**/extension'], message: 'The core and the CLI must not depend on the extension adapter.' }],
      }],
    },
  },
  {
    // File-system and process access stays in the core's I/O adapters (src/core/io): everything
    // else in the core works on data and the ports in src/core/common.
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/io/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'Only src/extension/ may import vscode; keep src/core free of it.' },
          ...['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'execa', 'worker_threads', 'node:worker_threads'].map((name) => ({
            name, message: 'File-system and process access belongs in src/core/io (the I/O adapters).',
          })),
        ],
        patterns: [{ group: ['**/extension/**', '**/extension'], message: 'The core and the CLI must not depend on the extension adapter.' }],
      }],
    },
  },
);
