// Jest in ESM mode (run through scripts/run-tests.mjs, which adds --experimental-vm-modules).
// TypeScript is compiled by @swc/jest with decorator metadata, which TypeORM and type-graphql need.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Workspace packages run from source, so tests never see a stale dist/.
    '^@maestro/shared$': '<rootDir>/shared/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  rootDir: '.',
};

/** Integration tiers: one migrated template database per run, copied per test file. */
const withDatabase = {
  globalSetup: '<rootDir>/server/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/server/test/support/global-teardown.ts',
};

/** @type {import('jest').Config} */
export default {
  // Global, not per project: jest ignores testTimeout inside a project's config.
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/shared/src/**/*.spec.ts',
        '<rootDir>/server/src/**/*.spec.ts',
        '<rootDir>/client-daemon/src/**/*.spec.ts',
      ],
    },
    {
      ...common,
      ...withDatabase,
      displayName: 'server',
      testMatch: ['<rootDir>/server/test/**/*.test.ts'],
    },
    {
      ...common,
      ...withDatabase,
      displayName: 'daemon',
      testMatch: ['<rootDir>/client-daemon/test/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/web-svelte/tests/**/*.test.ts'],
    },
  ],
};
